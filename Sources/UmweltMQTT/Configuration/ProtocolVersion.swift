/// The MQTT protocol version a client speaks.
public enum ProtocolVersion: Sendable, Hashable {
    /// MQTT 5: session expiry, request/response properties, reason strings.
    case v5
    /// MQTT 3.1.1, for brokers that refuse version 5.
    case v311
}
