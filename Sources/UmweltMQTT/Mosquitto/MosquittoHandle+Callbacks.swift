import CMosquitto
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// libmosquitto's callbacks; they run on its network thread.
extension MosquittoHandle {
    /// Registers the C callbacks: capture-free closures that find the `ClientState` through
    /// the userdata pointer, copy what they need out of libmosquitto's buffers and return.
    func installCallbacks() {
        mosquitto_connect_v5_callback_set(mosq) { mosq, userdata, reasonCode, _, _ in
            guard let mosq, let userdata else { return }
            let state = Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue()
            // While a log callback is set libmosquitto formats a line (vsnprintf into a fresh
            // buffer) for every packet, two per received QoS 1 message. Only error lines are
            // wanted: a plain connection has none to report once it is up. The disconnect
            // callback sets it again before libmosquitto reconnects; TLS keeps it throughout.
            if reasonCode == 0, !state.usesTLS { mosquitto_log_callback_set(mosq, nil) }
            MosquittoHandle.connected(mosq, state, reasonCode)
        }
        mosquitto_disconnect_v5_callback_set(mosq) { mosq, userdata, reasonCode, _ in
            guard let userdata else { return }
            if let mosq { MosquittoHandle.installLogCallback(mosq) }
            let state = Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue()
            state.didDisconnect(reasonCode: reasonCode, reason: MQTTError.disconnectReason(reasonCode))
        }
        mosquitto_publish_v5_callback_set(mosq) { mosq, userdata, _, _, _ in
            guard let mosq, let userdata else { return }
            let state = Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue()
            if state.didPublish() { MosquittoHandle.sendHeld(mosq, state) }
        }
        mosquitto_subscribe_v5_callback_set(mosq) { _, userdata, messageID, count, granted, _ in
            guard let userdata else { return }
            let grantedQoS = granted.map { Array(UnsafeBufferPointer(start: $0, count: Int(count))) } ?? []
            Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue()
                .didSubscribe(messageID: messageID, grantedQoS: grantedQoS)
        }
        Self.installLogCallback(mosq)
        mosquitto_message_v5_callback_set(mosq) { _, userdata, message, properties in
            guard let userdata, let message else { return }
            let state = Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue()
            state.didReceive(MosquittoHandle.copy(message.pointee, properties: properties))
        }
    }

    /// Registers the log callback: libmosquitto reports some failures (OpenSSL's handshake
    /// errors) only as log lines; error lines go to `ClientState.didLogError`.
    static func installLogCallback(_ mosq: OpaquePointer) {
        mosquitto_log_callback_set(mosq) { _, userdata, level, text in
            guard let userdata, let text, level & MOSQ_LOG_ERR != 0 else { return }
            Unmanaged<ClientState>.fromOpaque(userdata).takeUnretainedValue().didLogError(String(cString: text))
        }
    }

    /// Sends held messages until none is left (new ones queue behind while this runs).
    static func sendHeld(_ mosq: OpaquePointer, _ state: ClientState) {
        while true {
            let batch = state.takeHeldMessages()
            if batch.isEmpty { return }
            for message in batch where state.beginPublish() {
                let code = publish(mosq, message, protocolVersion: state.protocolVersion)
                if code != Int32(MOSQ_ERR_SUCCESS.rawValue) { state.publishFailed() }
            }
        }
    }

    private static func connected(_ mosq: OpaquePointer, _ state: ClientState, _ reasonCode: Int32) {
        defer {
            // Messages published while the broker was away, in their order, after the ones
            // libmosquitto resends once this callback returns (sent before the outage, not
            // acknowledged): at once when none is outstanding, else from `didPublish`.
            if reasonCode == 0, state.beginFlush() { sendHeld(mosq, state) }
        }
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
