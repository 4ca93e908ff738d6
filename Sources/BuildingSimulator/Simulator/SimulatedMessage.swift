/// One MQTT message a simulated sensor sends.
public struct SimulatedMessage: Sendable, Hashable {
    /// Simulated Unix seconds when the sensor sends it.
    public var time: Double
    public var topic: String
    public var payload: [UInt8]

    public init(time: Double, topic: String, payload: [UInt8]) {
        self.time = time
        self.topic = topic
        self.payload = payload
    }

    /// The payload as UTF-8 text.
    public var text: String { String(decoding: payload, as: UTF8.self) }
}
