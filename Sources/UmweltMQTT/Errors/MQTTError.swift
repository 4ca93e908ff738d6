/// Why an MQTT operation failed, in words a person can act on.
///
/// `code` is libmosquitto's error number (`MOSQ_ERR_*`) or, when the broker refused the
/// connection, its CONNACK reason code; `message` includes the broker address and the
/// library's or broker's reason string. `isPermanent` is true for failures that retrying
/// will not heal (bad credentials, not authorised, TLS errors, invalid arguments).
public struct MQTTError: Error, Sendable, CustomStringConvertible {
    /// libmosquitto error number or CONNACK reason code.
    public var code: Int32
    /// What went wrong, with the reason string from libmosquitto or the broker.
    public var message: String
    /// Whether retrying cannot help.
    public var isPermanent: Bool

    /// An error with the given fields.
    public init(code: Int32, message: String, isPermanent: Bool) {
        self.code = code
        self.message = message
        self.isPermanent = isPermanent
    }

    public var description: String {
        "MQTTError(\(code)\(isPermanent ? ", permanent" : "")): \(message)"
    }
}
