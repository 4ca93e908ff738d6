/// Message counters of one `MQTTClient` since it was created.
public struct MQTTStatistics: Sendable, Hashable {
    /// Messages received from the broker.
    public var received: Int
    /// Messages handed to libmosquitto for publishing.
    public var published: Int
    /// Received messages discarded because the client was already disconnected.
    public var dropped: Int

    /// Counters with the given values.
    public init(received: Int = 0, published: Int = 0, dropped: Int = 0) {
        self.received = received
        self.published = published
        self.dropped = dropped
    }
}
