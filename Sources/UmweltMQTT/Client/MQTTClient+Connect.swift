import CMosquitto
import Dispatch
import Logging

extension MQTTClient {
    private enum AttemptResult {
        case connected
        case refused(Int32)
        case failed(MQTTError)
    }

    /// Connects to the broker and starts the network thread, which from then on reconnects by
    /// itself. Returns once the broker has accepted the connection and acknowledged the
    /// subscriptions made so far; at once after an earlier successful `connect`.
    ///
    /// Failures that may heal (broker down, connection refused, broker busy) are retried with
    /// backoff, 1 s doubling to 30 s, each logged as a warning with the reason. A broker that
    /// refuses MQTT 5 is retried at once with 3.1.1.
    ///
    /// - Parameter timeout: how long to keep trying; nil tries until cancelled.
    /// - Throws: `MQTTError` with the broker's or the library's reason: at once for a
    ///   permanent refusal (bad credentials, not authorised, TLS errors), after `timeout`
    ///   for anything else; `CancellationError` when the task is cancelled.
    public func connect(timeout: Duration? = nil) async throws {
        guard try state.beginConnect() else { return }
        defer { state.endConnect() }
        let clock = ContinuousClock()
        let start = clock.now
        var delay = Duration.seconds(1)
        var attempts = 0
        while true {
            try Task.checkCancellation()
            if state.isClosing { throw Self.closedWhileConnecting }
            attempts += 1
            let remaining = timeout.map { $0 - (clock.now - start) }
            let stepTimeout = max(min(remaining ?? .seconds(10), .seconds(10)), .milliseconds(100))
            let error: MQTTError
            switch await attempt(stepTimeout: stepTimeout) {
            case .connected:
                logger.info(
                    "connected to broker",
                    metadata: [
                        "broker": "\(state.broker)", "client_id": "\(configuration.clientID)",
                        "protocol": "\(state.protocolVersion)", "attempts": "\(attempts)",
                    ]
                )
                return
            case .refused(let code)
            where MQTTError.isProtocolVersionRefusal(code, protocolVersion: state.protocolVersion):
                logger.notice("broker refused MQTT 5, retrying with 3.1.1", metadata: ["broker": "\(state.broker)"])
                state.protocolVersion = .v311
                handle.setProtocol(.v311)
                continue
            case .refused(let code):
                error = .refused(reasonCode: code, protocolVersion: state.protocolVersion, broker: state.broker)
            case .failed(let failure):
                error = failure
            }
            try Task.checkCancellation()
            if state.isClosing { throw Self.closedWhileConnecting }
            if error.isPermanent {
                logger.error(
                    "cannot connect to broker; not retrying",
                    metadata: ["broker": "\(state.broker)", "reason": "\(error.message)"]
                )
                throw error
            }
            let elapsed = clock.now - start
            if let timeout, elapsed >= timeout {
                throw MQTTError(
                    code: error.code,
                    message: "could not connect to broker \(state.broker) within \(timeout) "
                        + "(\(attempts) attempts); last error: \(error.message)",
                    isPermanent: false
                )
            }
            let wait = timeout.map { min(delay, $0 - elapsed) } ?? delay
            logger.warning(
                "cannot connect to broker, retrying",
                metadata: [
                    "broker": "\(state.broker)", "reason": "\(error.message)", "attempt": "\(attempts)",
                    "retry_in": "\(wait)",
                ]
            )
            try await Task.sleep(for: wait)
            delay = min(delay * 2, .seconds(30))
        }
    }

    private static var closedWhileConnecting: MQTTError {
        MQTTError(
            code: Int32(MOSQ_ERR_NO_CONN.rawValue),
            message: "client was disconnected while connecting",
            isPermanent: true
        )
    }

    /// One TCP connect + CONNECT, then the network thread until CONNACK and SUBACKs (or
    /// failure); each of the two steps waits at most `stepTimeout`.
    private func attempt(stepTimeout: Duration) async -> AttemptResult {
        let outcome = state.beginAttempt()
        defer { state.endAttempt() }
        let version = state.protocolVersion
        let expiry = version == .v5 && !configuration.cleanSession ? configuration.sessionExpirySeconds : nil
        // The blocking connect runs on its own thread; if it outlasts the step (an unreachable
        // host), the attempt fails now and the handle refuses new connects until it returns.
        let call = OneShot<(code: Int32, systemReason: String)>()
        DispatchQueue.global().async { [handle, configuration] in
            call.deliver(
                handle.connect(
                    host: configuration.host,
                    port: configuration.port,
                    keepAliveSeconds: configuration.keepAliveSeconds,
                    sessionExpirySeconds: expiry
                )
            )
        }
        guard let (code, systemReason) = await call.wait(timeout: stepTimeout) else {
            handle.abandonPendingConnect()
            return .failed(
                MQTTError(
                    code: Int32(MOSQ_ERR_TIMEOUT.rawValue),
                    message: "no answer from \(state.broker) within \(stepTimeout) (TCP/TLS connect pending)",
                    isPermanent: false
                )
            )
        }
        guard code == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            let error = MQTTError.library(code, doing: "connecting to \(state.broker)", systemReason: systemReason)
            return .failed(withLibraryDetails(error))
        }
        let loopCode = handle.startLoop()
        guard loopCode == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            await stopNetworkThread()
            return .failed(.library(loopCode, doing: "starting the network thread"))
        }
        switch await outcome.wait(timeout: stepTimeout) {
        case .accepted:
            return .connected
        case .refused(let reason):
            await stopNetworkThread()
            return .refused(reason)
        case .lost(let reason):
            await stopNetworkThread()
            let isTLS = reason == Int32(MOSQ_ERR_TLS.rawValue) || reason == Int32(MOSQ_ERR_TLS_HANDSHAKE.rawValue)
            let error = MQTTError(
                code: reason,
                message: isTLS
                    ? "TLS handshake with broker \(state.broker) failed"
                    : "broker \(state.broker) closed the connection before accepting it: "
                        + MQTTError.disconnectReason(reason),
                isPermanent: isTLS
            )
            return .failed(withLibraryDetails(error))
        case nil:
            await stopNetworkThread()
            return .failed(
                MQTTError(
                    code: Int32(MOSQ_ERR_TIMEOUT.rawValue),
                    message: "no CONNACK from broker \(state.broker) within \(stepTimeout)",
                    isPermanent: false
                )
            )
        }
    }

    /// `error` with libmosquitto's error log lines of this attempt (OpenSSL's reason, say).
    private func withLibraryDetails(_ error: MQTTError) -> MQTTError {
        let details = state.takeLibraryErrors()
        guard !details.isEmpty else { return error }
        var detailed = error
        detailed.message += " (" + details.joined(separator: "; ") + ")"
        return detailed
    }

    private func stopNetworkThread() async {
        await onBackgroundThread { [handle] in handle.stopLoop() }
    }
}
