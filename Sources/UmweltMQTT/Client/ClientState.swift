import CMosquitto
import Logging
import Synchronization

/// The connection state shared by an `MQTTClient` and libmosquitto's callbacks.
///
/// Callbacks run on the network thread; everything mutable is behind one mutex (never held
/// while calling libmosquitto or resuming a task), counters that change per message are atomics.
final class ClientState: Sendable {
    private struct State {
        var protocolVersion: ProtocolVersion
        var isConnected = false
        var connects = 0
        var isClosing = false
        var isConnecting = false
        var subscriptions: [String: Int32] = [:]
        var subscriptionOrder: [String] = []
        var attempt: OneShot<ConnectionOutcome>?
        var pendingSubscriptions: Set<Int32> = []
        var handed = 0
        var acknowledged = 0
        var drained: OneShot<Void>?
        /// QoS 1/2 messages published while disconnected, sent on the next connect.
        var heldWhileDisconnected: [Message] = []
        var heldDropped = 0
        /// Held messages wait to be sent after a reconnect; new ones queue behind them.
        var isFlushing = false
        /// Sent once this many messages are acknowledged (those libmosquitto resends first).
        var flushAfterAcknowledged = 0
        /// Sent by the next publish from then on even if acknowledgements are missing.
        var flushDeadline: ContinuousClock.Instant?
    }

    /// At most this many messages are held while disconnected; beyond it the oldest go.
    static let heldCapacity = 100_000

    let logger: Logger
    let broker: String
    let buffer: MessageBuffer
    /// Whether the connection uses TLS: its OpenSSL errors reach us only as log lines, at any time.
    let usesTLS: Bool
    private let state: Mutex<State>
    private let received = Atomic<Int>(0)
    private let libraryErrors = Mutex<[String]>([])

    init(logger: Logger, broker: String, protocolVersion: ProtocolVersion, bufferCapacity: Int, usesTLS: Bool = false) {
        self.logger = logger
        self.broker = broker
        self.usesTLS = usesTLS
        self.buffer = MessageBuffer(capacity: bufferCapacity)
        self.state = Mutex(State(protocolVersion: protocolVersion))
    }

    var protocolVersion: ProtocolVersion {
        get { state.withLock { $0.protocolVersion } }
        set { state.withLock { $0.protocolVersion = newValue } }
    }

    var isConnected: Bool { state.withLock { $0.isConnected } }
    var isClosing: Bool { state.withLock { $0.isClosing } }
    var reconnectCount: Int { state.withLock { max(0, $0.connects - 1) } }

    var statistics: MQTTStatistics {
        let published = state.withLock { $0.handed }
        return MQTTStatistics(
            received: received.load(ordering: .relaxed),
            published: published,
            dropped: buffer.dropped
        )
    }

    // MARK: Calls from the client

    /// Claims the connect loop: false once a connect has succeeded (from then on the network
    /// thread reconnects); throws when the client is disconnected or another `connect` runs.
    func beginConnect() throws(MQTTError) -> Bool {
        try state.withLock { state throws(MQTTError) in
            if state.isClosing {
                throw MQTTError(
                    code: Int32(MOSQ_ERR_NO_CONN.rawValue),
                    message: "client was disconnected; create a new one",
                    isPermanent: true
                )
            }
            if state.isConnecting {
                throw MQTTError(
                    code: Int32(MOSQ_ERR_INVAL.rawValue),
                    message: "connect is already running for this client",
                    isPermanent: true
                )
            }
            if state.isConnected || state.connects > 0 { return false }
            state.isConnecting = true
            return true
        }
    }

    func endConnect() {
        state.withLock { $0.isConnecting = false }
    }

    /// Starts watching for the outcome of one connection attempt.
    func beginAttempt() -> OneShot<ConnectionOutcome> {
        let attempt = OneShot<ConnectionOutcome>()
        state.withLock { $0.attempt = attempt }
        libraryErrors.withLock { $0 = [] }
        return attempt
    }

    func endAttempt() {
        state.withLock { $0.attempt = nil }
    }

    /// Records filters for every future connect; returns the groups to subscribe now when connected.
    func addSubscriptions(_ filters: [String], qos: Int32) -> [SubscriptionGroup]? {
        state.withLock { state in
            for filter in filters {
                if state.subscriptions.updateValue(qos, forKey: filter) == nil {
                    state.subscriptionOrder.append(filter)
                }
            }
            return state.isConnected ? [SubscriptionGroup(filters: filters, qos: qos)] : nil
        }
    }

    /// Forgets filters for future connects; returns those to unsubscribe now (known filters,
    /// when connected).
    func removeSubscriptions(_ filters: [String]) -> [String] {
        state.withLock { state in
            let known = filters.filter { state.subscriptions.removeValue(forKey: $0) != nil }
            state.subscriptionOrder.removeAll { known.contains($0) }
            return state.isConnected ? known : []
        }
    }

    /// Holds a QoS 1/2 message in Swift while the broker is away, instead of handing it to
    /// libmosquitto: publishing into libmosquitto 2.0.11 while disconnected was seen to end
    /// its network thread after outages of several seconds (no reconnect). True when held.
    ///
    /// While held messages are still being sent after a reconnect, new ones queue behind them,
    /// so the broker sees every message in the order it was published.
    func holdIfDisconnected(_ message: Message) -> Bool {
        state.withLock { state in
            guard !state.isConnected || state.isFlushing, !state.isClosing, message.qos > 0 else { return false }
            state.heldWhileDisconnected.append(message)
            if state.heldWhileDisconnected.count > Self.heldCapacity {
                state.heldWhileDisconnected.removeFirst(state.heldWhileDisconnected.count - Self.heldCapacity)
                state.heldDropped += 1
            }
            return true
        }
    }

    /// After a CONNACK: whether held messages wait to be sent, and how many acknowledgements
    /// must arrive first. libmosquitto resends its unacknowledged messages right after the
    /// connect callback returns; held messages (published later) must go after them.
    /// True when they can go at once (nothing is outstanding); otherwise they go when the
    /// outstanding ones are acknowledged (`didPublish`) or, failing that, with the first
    /// publish two seconds later (`isFlushOverdue`).
    func beginFlush() -> Bool {
        state.withLock { state in
            state.isFlushing = !state.heldWhileDisconnected.isEmpty
            guard state.isFlushing else { return false }
            state.flushAfterAcknowledged = state.handed
            state.flushDeadline = .now + .seconds(2)
            return state.acknowledged >= state.handed
        }
    }

    /// Whether held messages still wait after their deadline (acknowledgements went missing).
    var isFlushOverdue: Bool {
        state.withLock { state in
            guard state.isFlushing, state.isConnected, let deadline = state.flushDeadline else { return false }
            return .now >= deadline
        }
    }

    /// The next held messages to send; empty (and flushing over) when none are left or the
    /// connection is down again (they then wait for the next connect).
    func takeHeldMessages() -> [Message] {
        state.withLock { state in
            guard state.isConnected, !state.isClosing, !state.heldWhileDisconnected.isEmpty else {
                state.isFlushing = false
                return []
            }
            defer { state.heldWhileDisconnected = [] }
            return state.heldWhileDisconnected
        }
    }

    /// Counts a publish about to be handed over; false once the client is closing.
    func beginPublish() -> Bool {
        state.withLock { state in
            guard !state.isClosing else { return false }
            state.handed += 1
            return true
        }
    }

    /// Un-counts a publish libmosquitto rejected.
    func publishFailed() {
        let drained = state.withLock { state in
            state.handed -= 1
            return state.handed == state.acknowledged ? state.drained : nil
        }
        drained?.deliver(())
    }

    /// Marks the client as closing (no more publishes); false when it already was.
    func beginClose() -> Bool {
        state.withLock { state in
            defer { state.isClosing = true }
            return !state.isClosing
        }
    }

    /// Waits until every message handed over was acknowledged (QoS 1/2) or written (QoS 0).
    func waitForAcknowledgements(timeout: Duration) async -> Bool {
        let drained: OneShot<Void>? = state.withLock { state in
            guard state.isConnected, state.acknowledged < state.handed else { return nil }
            let drained = OneShot<Void>()
            state.drained = drained
            return drained
        }
        guard let drained else { return true }
        return await drained.wait(timeout: timeout) != nil
    }

    // MARK: Calls from libmosquitto's network thread

    func didConnect(reasonCode: Int32) -> ConnectAction {
        let (attempt, groups, connects, version) = state.withLock { state in
            if reasonCode == 0 {
                state.isConnected = true
                state.connects += 1
            }
            var byQoS: [Int32: [String]] = [:]
            for filter in state.subscriptionOrder {
                byQoS[state.subscriptions[filter] ?? 1, default: []].append(filter)
            }
            let groups = byQoS.keys.sorted().map { SubscriptionGroup(filters: byQoS[$0] ?? [], qos: $0) }
            return (state.attempt, groups, state.connects, state.protocolVersion)
        }
        guard reasonCode == 0 else {
            attempt?.deliver(.refused(reasonCode))
            if attempt != nil { return .disconnect }
            let error = MQTTError.refused(reasonCode: reasonCode, protocolVersion: version, broker: broker)
            logger.error(
                "broker refused reconnection",
                metadata: ["broker": "\(broker)", "reason": "\(error.message)", "permanent": "\(error.isPermanent)"]
            )
            return error.isPermanent ? .disconnect : .none
        }
        if let attempt, groups.isEmpty {
            attempt.deliver(.accepted)
        } else if attempt == nil, connects > 1 {
            logger.notice("reconnected to broker", metadata: ["broker": "\(broker)", "reconnects": "\(connects - 1)"])
        }
        return groups.isEmpty ? .none : .subscribe(groups)
    }

    /// Subscriptions sent after a CONNACK: the connect attempt completes at their SUBACKs.
    func didSendSubscriptions(messageIDs: [Int32]) {
        let attempt = state.withLock { state in
            state.pendingSubscriptions = Set(messageIDs)
            return messageIDs.isEmpty ? state.attempt : nil
        }
        attempt?.deliver(.accepted)
    }

    func didSubscribe(messageID: Int32, grantedQoS: [Int32]) {
        let attempt = state.withLock { state in
            guard state.pendingSubscriptions.remove(messageID) != nil, state.pendingSubscriptions.isEmpty else {
                return nil as OneShot<ConnectionOutcome>?
            }
            return state.attempt
        }
        if grantedQoS.contains(where: { $0 >= 0x80 }) {
            logger.error(
                "broker refused a subscription",
                metadata: ["broker": "\(broker)", "granted_qos": "\(grantedQoS)"]
            )
        }
        attempt?.deliver(.accepted)
    }

    func didDisconnect(reasonCode: Int32, reason: String) {
        let (attempt, wasConnected, isClosing, drained) = state.withLock { state in
            defer {
                state.isConnected = false
                state.drained = nil
            }
            return (state.attempt, state.isConnected, state.isClosing, state.drained)
        }
        drained?.deliver(())
        attempt?.deliver(.lost(reasonCode))
        if wasConnected, !isClosing {
            logger.warning(
                "connection to broker lost, reconnecting (1 s doubling to 30 s)",
                metadata: ["broker": "\(broker)", "reason": "\(reason)"]
            )
        }
    }

    /// An error line from libmosquitto's log. An OpenSSL error ends the TLS handshake and,
    /// since libmosquitto treats TLS errors as fatal, its network thread: fail the attempt, or
    /// say so when reconnecting.
    func didLogError(_ text: String) {
        libraryErrors.withLock { errors in
            errors.append(text)
            if errors.count > 5 { errors.removeFirst() }
        }
        guard text.hasPrefix("OpenSSL Error") else { return }
        let (attempt, isClosing) = state.withLock { ($0.attempt, $0.isClosing) }
        if let attempt {
            attempt.deliver(.lost(Int32(MOSQ_ERR_TLS.rawValue)))
        } else if !isClosing {
            logger.error(
                "TLS error with broker; libmosquitto stops reconnecting, create a new client to retry",
                metadata: ["broker": "\(broker)", "reason": "\(text)"]
            )
        }
    }

    /// libmosquitto's error log lines since the last call (at most the latest five).
    func takeLibraryErrors() -> [String] {
        libraryErrors.withLock { errors in
            defer { errors = [] }
            return errors
        }
    }

    func didReceive(_ message: Message) {
        received.add(1, ordering: .relaxed)
        buffer.append(message)
    }

    /// Counts an acknowledgement; true when held messages should be sent now (the ones
    /// outstanding at the reconnect are all acknowledged).
    func didPublish() -> Bool {
        let (drained, flush) = state.withLock { state in
            state.acknowledged += 1
            let flush = state.isFlushing && state.acknowledged == state.flushAfterAcknowledged
            return (state.acknowledged >= state.handed ? state.drained : nil, flush)
        }
        drained?.deliver(())
        return flush
    }
}
