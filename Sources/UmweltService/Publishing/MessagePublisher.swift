import UmweltMQTT

/// Where twin runtimes send what they publish; the MQTT client in the daemon.
public protocol MessagePublisher: Sendable {
    func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool)
}

extension MQTTClient: MessagePublisher {
    public func publish(topic: String, payload: [UInt8], qos: Int, retain: Bool) {
        // A publish only fails when the client is shut down or the payload is invalid; the
        // retained topics are re-published at the next step, so dropping is bounded.
        try? publish(Message(topic: topic, payload: payload, qos: qos, retain: retain))
    }
}
