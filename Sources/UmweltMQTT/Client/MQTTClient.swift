import CMosquitto
import Dispatch
import Logging

/// An MQTT client over libmosquitto: connect with retries, subscriptions renewed on every
/// connect, publish, and received messages in batches.
///
/// After `connect` libmosquitto's network thread keeps the session alive and reconnects by
/// itself (1 s doubling to 30 s); QoS 1 messages in flight are resent after a reconnect.
/// All methods may be called from any task. `disconnect()` is final: make a new client
/// (same `clientID` to resume a persistent session) to connect again.
public final class MQTTClient: Sendable {
    let configuration: MQTTConfiguration
    let logger: Logger
    let state: ClientState
    let handle: MosquittoHandle

    /// Prepares a client; nothing touches the network until `connect`.
    ///
    /// - Throws: `MQTTError` (permanent) for an invalid configuration: an empty client id with
    ///   a persistent session, a port outside 1...65535, a keep-alive under 5 s, a will QoS
    ///   outside 0...2, or unreadable TLS files.
    public init(configuration: MQTTConfiguration, logger: Logger) throws {
        try Self.validate(configuration)
        self.configuration = configuration
        self.logger = logger
        self.state = ClientState(
            logger: logger,
            broker: "\(configuration.host):\(configuration.port)",
            protocolVersion: configuration.protocolVersion,
            bufferCapacity: configuration.receiveBufferCapacity,
            usesTLS: configuration.caFile != nil
        )
        self.handle = try MosquittoHandle(configuration: configuration, state: state)
    }

    /// Topic filters to subscribe now (when connected) and again on every connect.
    ///
    /// May be called before `connect`. A filter subscribed twice keeps the latest QoS.
    public func subscribe(_ filters: [String], qos: Int = 1) throws {
        guard (0...2).contains(qos) else {
            throw MQTTError(
                code: Int32(MOSQ_ERR_INVAL.rawValue), message: "QoS \(qos) is not 0, 1 or 2", isPermanent: true)
        }
        guard let groups = state.addSubscriptions(filters, qos: Int32(qos)) else { return }
        let code = handle.subscribe(groups)
        guard code == Int32(MOSQ_ERR_SUCCESS.rawValue) || code == Int32(MOSQ_ERR_NO_CONN.rawValue) else {
            throw MQTTError.library(code, doing: "subscribing to \(filters.joined(separator: ", "))")
        }
    }

    /// Stops receiving `filters`, now (when connected) and on every future connect. Filters
    /// never subscribed are ignored.
    public func unsubscribe(_ filters: [String]) throws {
        let now = state.removeSubscriptions(filters)
        let code = handle.unsubscribe(now)
        guard code == Int32(MOSQ_ERR_SUCCESS.rawValue) || code == Int32(MOSQ_ERR_NO_CONN.rawValue) else {
            throw MQTTError.library(code, doing: "unsubscribing from \(now.joined(separator: ", "))")
        }
    }

    /// Hands `message` to libmosquitto and returns; QoS 1 and 2 messages are queued while
    /// disconnected and delivered (resent if needed) by libmosquitto.
    ///
    /// - Throws: `MQTTError` after `disconnect()`, for an invalid topic or payload, or for a
    ///   QoS 0 message while the connection is down.
    public func publish(_ message: Message) throws {
        if state.isFlushOverdue { handle.sendHeld() }
        if state.holdIfDisconnected(message) { return }
        guard state.beginPublish() else {
            throw MQTTError(
                code: Int32(MOSQ_ERR_NO_CONN.rawValue),
                message: "client \(configuration.clientID) is disconnected; not publishing on \(message.topic)",
                isPermanent: true
            )
        }
        let code = handle.publish(message, protocolVersion: state.protocolVersion)
        // While disconnected libmosquitto answers NO_CONN but keeps QoS 1 and 2 messages queued.
        let isQueued = code == Int32(MOSQ_ERR_NO_CONN.rawValue) && message.qos > 0
        guard code == Int32(MOSQ_ERR_SUCCESS.rawValue) || isQueued else {
            state.publishFailed()
            throw MQTTError.library(code, doing: "publishing on \(message.topic) to \(state.broker)")
        }
    }

    /// Batches of received messages in arrival order; each batch holds everything that
    /// arrived since the consumer last asked (at most the receive buffer's capacity). Under a
    /// fast stream (4,000 messages a second or more) a small batch waits up to 1 ms for more,
    /// so the consumer is not woken per message. The stream ends after `disconnect()`.
    ///
    /// One consumer at a time: each access returns a new stream over the same messages.
    /// A consumer that stops reading eventually stalls the connection (backpressure).
    public var messages: AsyncStream<[Message]> {
        let buffer = state.buffer
        return AsyncStream(unfolding: { await buffer.next() })
    }

    /// The next batch of received messages; nil after `disconnect()` or when the task is cancelled.
    public func nextBatch() async -> [Message]? {
        await state.buffer.next()
    }

    /// Whether the broker has accepted the current connection.
    public var isConnected: Bool { state.isConnected }

    /// Successful connects after the first.
    public var reconnectCount: Int { state.reconnectCount }

    /// Received, published and dropped message counts.
    public var statistics: MQTTStatistics { state.statistics }

    /// Waits until the broker has acknowledged every QoS 1/2 message handed over so far;
    /// false when `timeout` passes first. True at once when nothing is outstanding.
    public func waitUntilAcknowledged(timeout: Duration) async -> Bool {
        await state.waitForAcknowledgements(timeout: timeout)
    }

    /// Waits (up to 5 s) for messages in flight to be acknowledged, sends DISCONNECT (so the
    /// broker discards the will), stops the network thread and ends `messages`. Idempotent.
    public func disconnect() async {
        guard state.beginClose() else { return }
        if !(await state.waitForAcknowledgements(timeout: .seconds(5))) {
            logger.warning(
                "disconnecting with messages not yet acknowledged by the broker",
                metadata: ["broker": "\(state.broker)"]
            )
        }
        handle.disconnect()
        state.buffer.finish()
        await onBackgroundThread { [handle] in handle.close() }
        logger.debug("disconnected from broker", metadata: ["broker": "\(state.broker)"])
    }

    /// Closes the socket without DISCONNECT, as a network failure would: the broker publishes
    /// the will and libmosquitto reconnects. For tests.
    func simulateConnectionLoss() {
        handle.dropConnection()
    }

    /// Runs a blocking call (TCP connect, thread join) off the cooperative thread pool.
    func onBackgroundThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: work())
            }
        }
    }

    private static func validate(_ configuration: MQTTConfiguration) throws(MQTTError) {
        func invalid(_ message: String) -> MQTTError {
            MQTTError(code: Int32(MOSQ_ERR_INVAL.rawValue), message: message, isPermanent: true)
        }
        if configuration.clientID.isEmpty && !configuration.cleanSession {
            throw invalid("a persistent session (cleanSession false) needs a client id")
        }
        if !(1...65_535).contains(configuration.port) {
            throw invalid("broker port \(configuration.port) is outside 1...65535")
        }
        if configuration.keepAliveSeconds < 5 {
            throw invalid("keep-alive \(configuration.keepAliveSeconds) s is under the minimum of 5 s")
        }
        if let will = configuration.will, !(0...2).contains(will.qos) {
            throw invalid("will QoS \(will.qos) is not 0, 1 or 2")
        }
    }
}
