import CMosquitto
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

    let mosq: OpaquePointer
    private let state: ClientState
    private let lifecycle = Mutex(Lifecycle())

    private struct Lifecycle {
        var isLoopRunning = false
        var isConnecting = false
        var isConnectAbandoned = false
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
            lifecycle.isConnectAbandoned = false
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
        let isUnwanted = lifecycle.withLock { lifecycle in
            lifecycle.isConnecting = false
            return lifecycle.isClosed || lifecycle.isConnectAbandoned
        }
        if isUnwanted {
            mosquitto_disconnect_v5(mosq, 0, nil)
        }
        return (code, systemReason)
    }

    /// Marks a connect still blocked in another thread as unwanted: when it returns, it
    /// disconnects instead of leaving a connection without a network thread.
    func abandonPendingConnect() {
        lifecycle.withLock { lifecycle in
            if lifecycle.isConnecting { lifecycle.isConnectAbandoned = true }
        }
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
        Self.publish(mosq, message, protocolVersion: protocolVersion)
    }

    /// Sends the messages held during an outage (when their acknowledgement wait is overdue).
    func sendHeld() {
        Self.sendHeld(mosq, state)
    }

    /// Publishes through `mosq`; usable from callbacks, which have no handle.
    static func publish(_ mosq: OpaquePointer, _ message: Message, protocolVersion: ProtocolVersion) -> Int32 {
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

    /// Sends one UNSUBSCRIBE for `filters`.
    func unsubscribe(_ filters: [String]) -> Int32 {
        guard !filters.isEmpty else { return Int32(MOSQ_ERR_SUCCESS.rawValue) }
        var copies: [UnsafeMutablePointer<CChar>?] = filters.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var id: Int32 = 0
        return mosquitto_unsubscribe_multiple(mosq, &id, Int32(copies.count), &copies, nil)
    }

    private func check(_ code: Int32, _ action: String) throws(MQTTError) {
        guard code == Int32(MOSQ_ERR_SUCCESS.rawValue) else {
            var error = MQTTError.library(code, doing: action, systemReason: String(cString: strerror(errno)))
            error.isPermanent = true
            throw error
        }
    }

    /// Sends one SUBSCRIBE per group; returns the first failure and the message ids sent.
    static func subscribe(_ mosq: OpaquePointer, _ groups: [SubscriptionGroup]) -> (code: Int32, ids: [Int32]) {
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
}
