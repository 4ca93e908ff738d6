import Synchronization

/// Whether the daemon is ready (`/readyz`): twins loaded and the broker connected now.
///
/// Ready once the first connect succeeded (`markReady`), and only while the broker
/// connection is up: during an outage the daemon keeps forecasting from memory, but it
/// receives nothing, which a load balancer or a supervisor should see.
public final class Readiness: Sendable {
    /// What `/readyz` reports.
    public enum Status: String, Sendable {
        /// Twins loading or the first broker connect still pending.
        case starting
        case ready
        /// Started, but the broker connection is lost (reconnecting).
        case brokerDisconnected = "broker_disconnected"
    }

    private let started = Mutex(false)
    private let brokerConnected: @Sendable () -> Bool

    /// - Parameter brokerConnected: whether the broker connection is up right now.
    public init(brokerConnected: @escaping @Sendable () -> Bool = { true }) {
        self.brokerConnected = brokerConnected
    }

    public var status: Status {
        guard started.withLock({ $0 }) else { return .starting }
        return brokerConnected() ? .ready : .brokerDisconnected
    }

    public var isReady: Bool { status == .ready }

    func markReady(_ ready: Bool) {
        started.withLock { $0 = ready }
    }
}
