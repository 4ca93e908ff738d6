import Foundation
import UmweltCore

/// Applies a decoded YAML mapping to a configuration, rejecting unknown keys and wrong types.
struct ConfigurationReader {
    let source: String

    func apply(_ map: [String: Any], to config: inout UmweltConfiguration) throws {
        try checkKeys(
            map,
            allowed: [
                "broker", "topic_prefix", "http", "state_dir", "twins_dir", "checkpoint_interval",
                "retention_days", "horizon", "log_level", "log_format", "home_assistant", "shard", "twins_only",
            ],
            at: ""
        )
        if let broker = try mapping(map["broker"], field: "broker") {
            try checkKeys(
                broker,
                allowed: ["host", "port", "client_id", "username", "password_file", "tls"],
                at: "broker."
            )
            if let host = try string(broker["host"], field: "broker.host") { config.broker.host = host }
            if let port = try integer(broker["port"], field: "broker.port") {
                guard (1...65535).contains(port) else { throw error("broker.port", "not a port: \(port)") }
                config.broker.port = port
            }
            if let id = try string(broker["client_id"], field: "broker.client_id") { config.broker.clientID = id }
            config.broker.username = try string(broker["username"], field: "broker.username")
            config.broker.passwordFile = try string(broker["password_file"], field: "broker.password_file")
            if let tls = try mapping(broker["tls"], field: "broker.tls") {
                try checkKeys(tls, allowed: ["ca_file", "cert_file", "key_file"], at: "broker.tls.")
                config.broker.caFile = try string(tls["ca_file"], field: "broker.tls.ca_file")
                config.broker.certFile = try string(tls["cert_file"], field: "broker.tls.cert_file")
                config.broker.keyFile = try string(tls["key_file"], field: "broker.tls.key_file")
            }
        }
        if let prefix = try string(map["topic_prefix"], field: "topic_prefix") { config.topicPrefix = prefix }
        if let http = try mapping(map["http"], field: "http") {
            try checkKeys(http, allowed: ["listen", "token_file"], at: "http.")
            config.httpTokenFile = try string(http["token_file"], field: "http.token_file")
            if let listen = try string(http["listen"], field: "http.listen") {
                let (host, port) = try UmweltConfiguration.hostPort(
                    listen,
                    field: "http.listen",
                    source: source,
                    allowZero: true
                )
                config.httpHost = host
                config.httpPort = port
            }
        }
        if let homeAssistant = try mapping(map["home_assistant"], field: "home_assistant") {
            try checkKeys(homeAssistant, allowed: ["enabled", "discovery_prefix"], at: "home_assistant.")
            if let enabled = homeAssistant["enabled"] {
                guard let flag = enabled as? Bool else {
                    throw error("home_assistant.enabled", "expected true or false")
                }
                config.homeAssistant.isEnabled = flag
            }
            if let prefix = try string(homeAssistant["discovery_prefix"], field: "home_assistant.discovery_prefix") {
                guard !prefix.isEmpty, !prefix.contains("+"), !prefix.contains("#") else {
                    throw error("home_assistant.discovery_prefix", "must be non-empty, without wildcards")
                }
                config.homeAssistant.discoveryPrefix = prefix
            }
        }
        if let dir = try string(map["state_dir"], field: "state_dir") { config.stateDirectory = dir }
        if let dir = try string(map["twins_dir"], field: "twins_dir") { config.twinsDirectory = dir }
        if let text = try string(map["checkpoint_interval"], field: "checkpoint_interval") {
            config.checkpointIntervalSeconds = try seconds(text, field: "checkpoint_interval")
        }
        if let days = try number(map["retention_days"], field: "retention_days") {
            guard days > 0 else { throw error("retention_days", "must be positive") }
            config.retentionDays = days
        }
        if let text = try string(map["horizon"], field: "horizon") {
            config.horizonSeconds = try seconds(text, field: "horizon")
        }
        if let level = try string(map["log_level"], field: "log_level") { config.logLevel = level }
        if let format = try string(map["log_format"], field: "log_format") { config.logFormat = format }
        if let text = try string(map["shard"], field: "shard") {
            guard let shard = TwinSelection.Shard(parsing: text) else {
                throw error("shard", "expected i/n with 0 <= i < n, got \(text)")
            }
            config.twinSelection.shard = shard
        }
        if let list = map["twins_only"] {
            if let ids = list as? [Any] {
                config.twinSelection.only = TwinSelection.parseList(ids.map { "\($0)" }.joined(separator: ","))
            } else if let text = try string(list, field: "twins_only") {
                config.twinSelection.only = TwinSelection.parseList(text)
            }
        }
        try config.validate(source: source)
    }

    private func error(_ field: String, _ reason: String) -> ConfigurationError {
        ConfigurationError(source: source, field: field, reason: reason)
    }

    private func checkKeys(_ map: [String: Any], allowed: Set<String>, at prefix: String) throws {
        for key in map.keys.sorted() where !allowed.contains(key) {
            throw error(prefix + key, "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    private func mapping(_ value: Any?, field: String) throws -> [String: Any]? {
        guard let value, !(value is NSNull) else { return nil }
        guard let map = value as? [String: Any] else { throw error(field, "expected a mapping") }
        return map
    }

    private func string(_ value: Any?, field: String) throws -> String? {
        switch value {
        case nil: return nil
        case is NSNull: return nil
        case let text as String: return text
        case let number as Int: return String(number)
        case let number as Double: return String(number)
        default: throw error(field, "expected a string")
        }
    }

    private func integer(_ value: Any?, field: String) throws -> Int? {
        switch value {
        case nil: return nil
        case let number as Int: return number
        case let text as String:
            guard let number = Int(text) else { throw error(field, "expected an integer, got \(text)") }
            return number
        default: throw error(field, "expected an integer")
        }
    }

    private func number(_ value: Any?, field: String) throws -> Double? {
        switch value {
        case nil: return nil
        case let number as Int: return Double(number)
        case let number as Double: return number
        default: throw error(field, "expected a number")
        }
    }

    /// Parses `90`, `90s`, `5m`, `1h`, `2d`, `1h30m` or `1.5h` into seconds (`DurationParser`).
    private func seconds(_ text: String, field: String) throws -> Double {
        guard let value = DurationParser.fractionalSeconds(text.trimmingCharacters(in: .whitespaces)) else {
            throw error(field, "expected a duration like 90s, 5m, 1h30m or 1.5h, got \(text)")
        }
        return value
    }
}
