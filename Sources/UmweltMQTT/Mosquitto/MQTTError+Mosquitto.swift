import CMosquitto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension MQTTError {
    /// An error from a libmosquitto call returning `code` (`MOSQ_ERR_*`).
    ///
    /// `systemReason` is `strerror(errno)` captured right after the call, used for `MOSQ_ERR_ERRNO`
    /// (and the handle's own explanation for `MOSQ_ERR_CONN_PENDING`).
    static func library(_ code: Int32, doing action: String, systemReason: String? = nil) -> MQTTError {
        let reason: String
        let explained = [MOSQ_ERR_ERRNO, MOSQ_ERR_CONN_PENDING].contains { Int32($0.rawValue) == code }
        if explained, let systemReason {
            reason = systemReason
        } else {
            reason = String(cString: mosquitto_strerror(code))
        }
        return MQTTError(code: code, message: "\(action): \(reason)", isPermanent: isPermanentLibraryError(code))
    }

    /// The broker refused a CONNECT with `reasonCode` (a v3 return code or a v5 reason code).
    static func refused(reasonCode: Int32, protocolVersion: ProtocolVersion, broker: String) -> MQTTError {
        let reason: String
        let isPermanent: Bool
        switch protocolVersion {
        case .v311:
            reason = String(cString: mosquitto_connack_string(reasonCode))
            // 3 = server unavailable heals; 1 (protocol), 2 (identifier), 4 (credentials), 5 (not authorised) do not.
            isPermanent = reasonCode != 3
        case .v5:
            reason = String(cString: mosquitto_reason_string(reasonCode))
            isPermanent = !transientV5Refusals.contains(reasonCode)
        }
        return MQTTError(
            code: reasonCode,
            message: "broker \(broker) refused the connection: \(reason) (reason code \(reasonCode))",
            isPermanent: isPermanent
        )
    }

    /// Whether a CONNACK refusal means "this broker does not speak MQTT 5".
    static func isProtocolVersionRefusal(_ reasonCode: Int32, protocolVersion: ProtocolVersion) -> Bool {
        protocolVersion == .v5
            && (reasonCode == Int32(MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION.rawValue) || reasonCode == 1)
    }

    /// A human-readable reason for an `on_disconnect` code: a v5 DISCONNECT reason (>= 128)
    /// or a libmosquitto error number.
    static func disconnectReason(_ code: Int32) -> String {
        if code >= 128 {
            return String(cString: mosquitto_reason_string(code))
        }
        if code == Int32(MOSQ_ERR_ERRNO.rawValue) {
            return String(cString: strerror(errno))
        }
        return String(cString: mosquitto_strerror(code))
    }

    /// v5 refusals that may heal: unspecified, implementation specific, server unavailable,
    /// server busy, quota exceeded, use another server, connection rate exceeded.
    private static let transientV5Refusals: Set<Int32> = [0x80, 0x83, 0x88, 0x89, 0x97, 0x9C, 0x9F]

    private static func isPermanentLibraryError(_ code: Int32) -> Bool {
        let permanent: [mosq_err_t] = [
            MOSQ_ERR_INVAL, MOSQ_ERR_TLS, MOSQ_ERR_TLS_HANDSHAKE, MOSQ_ERR_OCSP, MOSQ_ERR_AUTH,
            MOSQ_ERR_ACL_DENIED, MOSQ_ERR_NOT_SUPPORTED, MOSQ_ERR_PAYLOAD_SIZE, MOSQ_ERR_MALFORMED_UTF8,
            MOSQ_ERR_OVERSIZE_PACKET, MOSQ_ERR_QOS_NOT_SUPPORTED, MOSQ_ERR_RETAIN_NOT_SUPPORTED,
        ]
        return permanent.contains { Int32($0.rawValue) == code }
    }
}
