import CMosquitto
import Logging
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libmosquitto client (`struct mosquitto *`): the only place that calls its C API.
///
/// `@unchecked Sendable` because the pointer is not a Swift-checked type, but sharing it is
/// safe: the pointer never changes after `init` and is destroyed in `deinit` after the
/// network thread has been joined; libmosquitto (built with threads, as Debian's is) guards
/// publish, subscribe and disconnect with its own mutexes so they may be called from any
/// thread while the network thread runs; starting and stopping that thread is serialised
/// by `lifecycle`, and a blocking connect left behind by a timed-out attempt is never
/// overlapped by another connect or a loop start. Callbacks receive `ClientState` through
/// the userdata pointer, unretained: this handle keeps the state alive for as long as
/// callbacks can run.
final class MosquittoHandle: @unchecked Sendable {
    /// `mosquitto_lib_init()`, run once per process by the lazy static initialiser.
    private static let libraryInitialisation: Int32 = mosquitto_lib_init()

    private let mosq: OpaquePointer
    private let state: ClientState
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var isLoopRunning = false
        var isConnecting = false
        var isClosed = false
    }

    init(configuration: MQTTConfiguration, state: ClientState) throws(MQTTError) {
        _ = Self.libraryInitialisation
        let clientID: String? = configuration.clientID.isEmpty ? nil : configuration.clientID
        guard let mosq = mosquitto_new(clientID, configuration.cleanSession, nil) else {
            throw MQTTError(
                code: Int32(MOSQ_ERR_INVAL.rawValue),
                message: "cannot create an MQTT client with id '\(configuration.clientID)': "
                    + String(cString: strerror(errno)),
                isPermanent: true
            )
        }
        self.mosq = mosq
        self.state = state
        mosquitto_user_data_set(mosq, Unmanaged.passUnretained(state).toOpaque())
        setProtocol(configuration.protocolVersion)
        mosquitto_int_option(mosq, MOSQ_OPT_RECEIVE_MAXIMUM, 65_535)
        mosquitto_int_option(mosq, MOSQ_OPT_SEND_MAXIMUM, 65_535)
        mosquitto_int_option(mosq, MOSQ_OPT_TCP_NODELAY, 1)
        mosquitto_reconnect_delay_set(mosq, 1, 30, true)
        try check(
            mosquitto_username_pw_set(mosq, configuration.username, configuration.password),
            "setting the broker credentials"
        )
        if let caFile = configuration.caFile {
            try check(
                mosquitto_tls_set(mosq, caFile, nil, configuration.certFile, configuration.keyFile, nil),
                "setting up TLS (are the CA file \(caFile), certificate and key readable?)"
            )
        }
        if let will = configuration.will {
            let rc = will.payload.withUnsafeBytes { bytes in
                mosquitto_will_set_v5(
                    mosq, will.topic, Int32(bytes.count), bytes.baseAddress, Int32(will.qos), will.retain, nil
                )
            }
            try check(rc, "setting the last will on \(will.topic)")
        }
        installCallbacks()
    }

    deinit {
        state.buffer.finish()
        close()
        mosquitto_destroy(mosq)
    }

    func setProtocol(_ version: ProtocolVersion) {
        mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, version == .v5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311)
    }

    /// Opens the TCP (and TLS) connection and sends CONNECT; blocks (DNS, TCP and TLS
    /// timeouts are the system's). Returns the result code and, for `MOSQ_ERR_ERRNO`, the
    /// system's reason. Refuses while an earlier connect is still blocked or after `close()`.
    func connect(
        host: String,
        port: Int,
        keepAliveSeconds: Int,
        sessionExpirySeconds: Int?
    ) -> (code: Int32, systemReason: String) {
        let refusal: String? = lifecycle.withLock { lifecycle in
            if lifecycle.isClosed { return "the client is closed" }
            if lifecycle.isConnecting { return "an earlier connection attempt is still waiting for the network" }
            lifecycle.isConnecting = true
            return nil
        }
        if let refusal {
            return (Int32(MOSQ_ERR_CONN_PENDING.rawValue), refusal)
        }
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        if let sessionExpirySeconds {
            mosquitto_property_add_int32(
                &properties, Int32(MQTT_PROP_SESSION_EXPIRY_INTERVAL.rawValue), UInt32(sessionExpirySeconds)
            )
        }
        let code = mosquitto_connect_bind_v5(mosq, host, Int32(port), Int32(keepAliveSeconds), nil, properties)
        let systemReason = String(cString: strerror(errno))
        let closedMeanwhile = lifecycle.withLock { lifecycle in
            lifecycle.isConnecting = false
            return lifecycle.isClosed
        }
        if closedMeanwhile {
            mosquitto_disconnect_v5(mosq, 0, nil)
        }
        return (code, systemReason)
    }

    /// Starts the network thread (reads, writes, keep-alive, reconnects with backoff).
    func startLoop() -> Int32 {
        lifecycle.withLock { lifecycle in
            if lifecycle.isClosed { return Int32(MOSQ_ERR_NO_CONN.rawValue) }
            guard !lifecycle.isLoopRunning else { return Int32(MOSQ_ERR_SUCCESS.rawValue) }
            let code = mosquitto_loop_start(mosq)
            lifecycle.isLoopRunning = code == Int32(MOSQ_ERR_SUCCESS.rawValue)
            return code
        }
    }

    /// Disconnects and joins the network thread; blocks until it has ended. A connect still
    /// blocked in another thread is left to disconnect when it returns.
    func stopLoop() {
        lifecycle.withLock { lifecycle in
            guard !lifecycle.isConnecting else { return }
            mosquitto_disconnect_v5(mosq, 0, nil)
            guard lifecycle.isLoopRunning else { return }
            mosquitto_loop_stop(mosq, false)
            lifecycle.isLoopRunning = false
        }
    }

    /// Stops for good: no connect or loop start succeeds afterwards.
    func close() {
        lifecycle.withLock { $0.isClosed = true }
        stopLoop()
    }

    /// Passes libmosquitto's error log lines (such as OpenSSL's reason for a failed handshake)
    /// to the state while connecting; off otherwise, since libmosquitto formats a log line
    /// for every packet when a log callback is set.
    func captureErrors(_ enabled: Bool) {
        if enabled {
            mosquitto_log_callback_set(mosq) { _, userdata, level, text in
                guard let userdata, let text, level & MOSQ_LOG_ERR != 0 else { return }
                Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue()
                    .didLogError(String(cString: text))
            }
        } else {
            mosquitto_log_callback_set(mosq, nil)
        }
    }

    /// Sends DISCONNECT (reason 0: the broker discards the will).
    func disconnect() {
        mosquitto_disconnect_v5(mosq, 0, nil)
    }

    /// Closes the socket without DISCONNECT, as a network failure would (the broker sends the will).
    func dropConnection() {
        let socket = mosquitto_socket(mosq)
        if socket >= 0 {
            shutdown(socket, Int32(SHUT_RDWR))
        }
    }

    func publish(_ message: Message, protocolVersion: ProtocolVersion) -> Int32 {
        var properties: OpaquePointer?
        defer { mosquitto_property_free_all(&properties) }
        if protocolVersion == .v5 {
            if let responseTopic = message.responseTopic {
                mosquitto_property_add_string(&properties, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), responseTopic)
            }
            if let correlationData = message.correlationData {
                correlationData.withUnsafeBytes { bytes in
                    _ = mosquitto_property_add_binary(
                        &properties, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), bytes.baseAddress,
                        UInt16(clamping: bytes.count)
                    )
                }
            }
        }
        return message.payload.withUnsafeBytes { bytes in
            mosquitto_publish_v5(
                mosq, nil, message.topic, Int32(bytes.count), bytes.baseAddress, Int32(message.qos), message.retain,
                properties
            )
        }
    }

    func subscribe(_ groups: [SubscriptionGroup]) -> Int32 {
        Self.subscribe(mosq, groups).code
    }

    private func check(_ code: Int32, _ action: String) throws(MQTTError) {
        guard code == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            var error = MQTTError.library(code, doing: action, systemReason: String(cString: strerror(errno)))
            error.isPermanent = true
            throw error
        }
    }

    /// Sends one SUBSCRIBE per group; returns the first failure and the message ids sent.
    private static func subscribe(_ mosq: OpaquePointer, _ groups: [SubscriptionGroup]) -> (code: Int32, ids: [Int32]) {
        var ids: [Int32] = []
        for group in groups where !group.filters.isEmpty {
            var filters: [UnsafeMutablePointer<CChar>?] = group.filters.map { strdup($0) }
            defer { filters.forEach { free($0) } }
            var id: Int32 = 0
            let code = mosquitto_subscribe_multiple(mosq, &id, Int32(filters.count), &filters, group.qos, 0, nil)
            guard code == Int32(MOSQ_ERR_SUCCESS.rawValue) else { return (code, ids) }
            ids.append(id)
        }
        return (Int32(MOSQ_ERR_SUCCESS.rawValue), ids)
    }

    // MARK: Callbacks (libmosquitto's network thread)

    private func installCallbacks() {
        mosquitto_connect_v5_callback_set(mosq) { mosq, userdata, reasonCode, _, _ in
            guard let mosq, let userdata else { return }
            MosquittoHandle.connected(
                mosq, Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue(), reasonCode)
        }
        mosquitto_disconnect_v5_callback_set(mosq) { _, userdata, reasonCode, _ in
            guard let userdata else { return }
            let state = Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue()
            state.didDisconnect(reasonCode: reasonCode, reason: MQTTError.disconnectReason(reasonCode))
        }
        mosquitto_publish_v5_callback_set(mosq) { _, userdata, _, _, _ in
            guard let userdata else { return }
            Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue().didPublish()
        }
        mosquitto_subscribe_v5_callback_set(mosq) { _, userdata, messageID, count, granted, _ in
            guard let userdata else { return }
            let grantedQoS = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(count))) } ?? []
            Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue()
                .didSubscribe(messageID: messageID, grantedQoS: grantedQoS)
        }
        mosquitto_message_v5_callback_set(mosq) { _, userdata, message, properties in
            guard let userdata, let message else { return }
            let state = Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue()
            state.didReceive(MosquittoHandle.copy(message.pointee, properties: properties))
        }
    }

    private static func connected(_ mosq: OpaquePointer, _ state: ClientState, _ reasonCode: Int32) {
        switch state.didConnect(reasonCode: reasonCode) {
        case .subscribe(let groups):
            let (code, ids) = subscribe(mosq, groups)
            state.didSendSubscriptions(messageIDs: ids)
            if code != Int32(MOSQ_ERR_SUCCESS.rawValue) {
                state.logger.error(
                    "cannot subscribe",
                    metadata: ["broker": "\(state.broker)", "reason": "\(String(cString: mosquitto_strerror(code)))"]
                )
            }
        case .disconnect:
            mosquitto_disconnect_v5(mosq, 0, nil)
        case .none:
            break
        }
    }

    private static func copy(_ message: mosquitto_message, properties: OpaquePointer?) -> Message {
        let topic = message.topic.map { String(cString: $0) } ?? ""
        let payload: [UInt8]
        if let bytes = message.payload, message.payloadlen > 0 {
            payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
        } else {
            payload = []
        }
        var copied = Message(topic: topic, payload: payload, qos: Int(message.qos), retain: message.retain)
        if let properties {
            var text: UnsafeMutablePointer<CChar>?
            if mosquitto_property_read_string(properties, Int32(MQTT_PROP_RESPONSE_TOPIC.rawValue), &text, false)
                != nil, let text
            {
                copied.responseTopic = String(cString: text)
                free(text)
            }
            var data: UnsafeMutableRawPointer?
            var length: UInt16 = 0
            if mosquitto_property_read_binary(
                properties, Int32(MQTT_PROP_CORRELATION_DATA.rawValue), &data, &length, false
            ) != nil {
                copied.correlationData = data.map { Array(UnsafeRawBufferPointer(start: $0, count: Int(length))) } ?? []
                free(data)
            }
        }
        return copied
    }
}
