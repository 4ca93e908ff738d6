/// One MQTT application message, received or to publish.
public struct Message: Sendable, Hashable {
    /// Topic name (no wildcards when publishing).
    public var topic: String
    /// Raw payload bytes.
    public var payload: [UInt8]
    /// Quality of service: 0 (at most once), 1 (at least once) or 2 (exactly once).
    public var qos: Int
    /// Whether the broker keeps the message as the topic's retained value (on receipt:
    /// whether it was delivered from the retained store).
    public var retain: Bool
    /// MQTT 5 response topic, for request/response.
    public var responseTopic: String?
    /// MQTT 5 correlation data, echoed by a responder.
    public var correlationData: [UInt8]?

    /// A message on `topic` with `payload`; the properties default to a plain QoS 0 message.
    public init(
        topic: String,
        payload: [UInt8],
        qos: Int = 0,
        retain: Bool = false,
        responseTopic: String? = nil,
        correlationData: [UInt8]? = nil
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.responseTopic = responseTopic
        self.correlationData = correlationData
    }
}
