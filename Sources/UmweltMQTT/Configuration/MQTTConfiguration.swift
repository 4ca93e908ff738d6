/// How an `MQTTClient` reaches and identifies itself to a broker.
///
/// TLS is used when `caFile` is set (`certFile` and `keyFile` add a client certificate).
/// With `cleanSession == false` (the default) the broker keeps the client's subscriptions
/// and queues its QoS 1 messages while it is away; under MQTT 5 the session then expires
/// `sessionExpirySeconds` after a disconnect.
public struct MQTTConfiguration: Sendable, Hashable {
    /// Broker host name or address.
    public var host: String = "127.0.0.1"
    /// Broker TCP port (1883 plain, usually 8883 with TLS).
    public var port: Int = 1883
    /// Client identifier; must be stable across restarts for a persistent session.
    public var clientID: String
    /// Starts a fresh session at each connect instead of resuming the broker's stored one.
    public var cleanSession: Bool = false
    /// User name for the broker's password authentication.
    public var username: String?
    /// Password for the broker's password authentication.
    public var password: String?
    /// PEM file of the certificate authorities trusted for the broker's certificate; enables TLS.
    public var caFile: String?
    /// PEM client certificate (TLS client authentication).
    public var certFile: String?
    /// PEM private key of `certFile`.
    public var keyFile: String?
    /// Seconds between keep-alive pings when idle (at least 5).
    public var keepAliveSeconds: Int = 30
    /// Protocol to try first; a broker refusing MQTT 5 is retried with 3.1.1.
    public var protocolVersion: ProtocolVersion = .v5
    /// Last will, published by the broker when the connection dies without a clean disconnect.
    public var will: Message?
    /// MQTT 5 session expiry after a disconnect, for persistent sessions (default 7 days).
    public var sessionExpirySeconds: Int = 7 * 86_400
    /// Messages held for the consumer before the network thread waits for it to catch up.
    public var receiveBufferCapacity: Int = 100_000

    /// A configuration for `clientID` at `host`:`port`, with the defaults above.
    public init(clientID: String, host: String = "127.0.0.1", port: Int = 1883) {
        self.clientID = clientID
        self.host = host
        self.port = port
    }
}
