/// How one connection attempt ended, as seen by libmosquitto's callbacks.
enum ConnectionOutcome: Sendable {
    /// CONNACK with reason code 0.
    case accepted
    /// CONNACK with this refusal reason code.
    case refused(Int32)
    /// The connection closed before a CONNACK (libmosquitto error number or DISCONNECT reason).
    case lost(Int32)
}

/// Topic filters to subscribe in one SUBSCRIBE packet (same QoS and options).
struct SubscriptionGroup: Sendable, Hashable {
    var filters: [String]
    var qos: Int32
}

/// What the network thread should do after a CONNACK.
enum ConnectAction: Sendable {
    case subscribe([SubscriptionGroup])
    case disconnect
    case none
}
