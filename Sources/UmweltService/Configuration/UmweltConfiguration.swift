import Foundation
import UmweltCore
import Yams

/// Everything `umweltd` needs to run, with defaults; decoded from `Config/umwelt.yaml`,
/// then overridden by environment variables, then by command-line flags.
public struct UmweltConfiguration: Sendable, Hashable {
    public struct Broker: Sendable, Hashable {
        public var host = "127.0.0.1"
        public var port = 1883
        public var clientID = "umweltd"
        public var username: String?
        public var passwordFile: String?
        public var caFile: String?
        public var certFile: String?
        public var keyFile: String?
        public init() {}
    }

    public var broker = Broker()
    /// Prefix of every topic Umwelt publishes (`<prefix>/<twin>/...`).
    public var topicPrefix = "umwelt"
    public var httpHost = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var httpPort = 8080
    /// File holding the HTTP bearer token; required when `httpHost` is not a loopback address.
    public var httpTokenFile: String?
    /// Directory of the SQLite state file `umwelt.sqlite`.
    public var stateDirectory = "/var/lib/umwelt"
    /// Directory of twin files (`*.yaml`).
    public var twinsDirectory = "/etc/umwelt/twins"
    /// Wall-clock seconds between model checkpoints.
    public var checkpointIntervalSeconds = 300.0
    /// Days of raw readings and step aggregates kept in the store.
    public var retentionDays = 30.0
    /// Horizon override in seconds for every twin (nil: each twin file's own horizon).
    public var horizonSeconds: Double?
    public var logLevel = "info"
    /// `text` (one human-readable line per event) or `json`.
    public var logFormat = "text"
    /// Home Assistant MQTT discovery (off by default).
    public var homeAssistant = HomeAssistantConfiguration()
    /// Which twins of `twinsDirectory` this daemon serves (scale-out; default: all).
    public var twinSelection = TwinSelection()

    public init() {}

    /// The SQLite file inside the state directory.
    public var databasePath: String { stateDirectory + "/umwelt.sqlite" }
}

/// A configuration file or override that cannot be used, with where and why.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    public var source: String
    public var field: String
    public var reason: String

    public init(source: String, field: String, reason: String) {
        self.source = source
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(source): \(field): \(reason)" }
}

extension UmweltConfiguration {
    /// Reads a YAML configuration file (see `Config/umwelt.yaml` for every key).
    public static func load(path: String) throws -> UmweltConfiguration {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(source: path, field: "-", reason: "cannot read the file")
        }
        return try parse(yaml: text, source: path)
    }

    public static func parse(yaml: String, source: String) throws -> UmweltConfiguration {
        let root: Any?
        do {
            root = try Yams.load(yaml: yaml)
        } catch {
            throw ConfigurationError(source: source, field: "-", reason: "not valid YAML: \(error)")
        }
        var config = UmweltConfiguration()
        guard let map = root as? [String: Any] else {
            if root == nil { return config }
            throw ConfigurationError(source: source, field: "-", reason: "expected a mapping at the top level")
        }
        let reader = ConfigurationReader(source: source)
        try reader.apply(map, to: &config)
        return config
    }

    /// Applies `UMWELT_*` environment variables and, for systemd, `$CREDENTIALS_DIRECTORY/mqtt-password`.
    public mutating func applyEnvironment(_ environment: [String: String]) throws {
        let source = "environment"
        if let value = environment["UMWELT_BROKER"] {
            let (host, port) = try Self.hostPort(value, field: "UMWELT_BROKER", source: source)
            broker.host = host
            broker.port = port
        }
        if let value = environment["UMWELT_BROKER_HOST"] { broker.host = value }
        if let value = environment["UMWELT_BROKER_PORT"] {
            guard let port = Int(value), (1...65535).contains(port) else {
                throw ConfigurationError(source: source, field: "UMWELT_BROKER_PORT", reason: "not a port: \(value)")
            }
            broker.port = port
        }
        if let value = environment["UMWELT_CLIENT_ID"] { broker.clientID = value }
        if let value = environment["UMWELT_USERNAME"] { broker.username = value }
        if let value = environment["UMWELT_PASSWORD_FILE"] { broker.passwordFile = value }
        if let directory = environment["CREDENTIALS_DIRECTORY"], broker.passwordFile == nil {
            let candidate = directory + "/mqtt-password"
            if FileManager.default.fileExists(atPath: candidate) { broker.passwordFile = candidate }
        }
        if let value = environment["UMWELT_TLS_CA_FILE"] { broker.caFile = value }
        if let value = environment["UMWELT_TLS_CERT_FILE"] { broker.certFile = value }
        if let value = environment["UMWELT_TLS_KEY_FILE"] { broker.keyFile = value }
        if let value = environment["UMWELT_TOPIC_PREFIX"] { topicPrefix = value }
        if let value = environment["UMWELT_HTTP"] {
            let (host, port) = try Self.hostPort(value, field: "UMWELT_HTTP", source: source, allowZero: true)
            httpHost = host
            httpPort = port
        }
        if let value = environment["UMWELT_HTTP_TOKEN_FILE"] { httpTokenFile = value }
        if let directory = environment["CREDENTIALS_DIRECTORY"], httpTokenFile == nil {
            let candidate = directory + "/http-token"
            if FileManager.default.fileExists(atPath: candidate) { httpTokenFile = candidate }
        }
        if let value = environment["UMWELT_STATE_DIR"] { stateDirectory = value }
        if let value = environment["STATE_DIRECTORY"], environment["UMWELT_STATE_DIR"] == nil {
            // systemd's StateDirectory= sets this; first entry wins.
            stateDirectory = String(value.split(separator: ":").first ?? Substring(value))
        }
        if let value = environment["UMWELT_TWINS_DIR"] { twinsDirectory = value }
        if let value = environment["UMWELT_LOG_LEVEL"] { logLevel = value }
        if let value = environment["UMWELT_LOG_FORMAT"] { logFormat = value }
        if let value = environment["UMWELT_SHARD"] {
            guard let shard = TwinSelection.Shard(parsing: value) else {
                throw ConfigurationError(source: source, field: "UMWELT_SHARD", reason: "expected i/n, got \(value)")
            }
            twinSelection.shard = shard
        }
        if let value = environment["UMWELT_TWINS_ONLY"] { twinSelection.only = TwinSelection.parseList(value) }
        try validate(source: source)
    }

    /// Checks values that can be wrong whatever their source.
    public func validate(source: String) throws {
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) {
            throw ConfigurationError(source: source, field: "log_level", reason: "unknown level \(logLevel)")
        }
        if !["text", "json"].contains(logFormat) {
            throw ConfigurationError(source: source, field: "log_format", reason: "use text or json, not \(logFormat)")
        }
        if topicPrefix.isEmpty || topicPrefix.contains("+") || topicPrefix.contains("#") {
            throw ConfigurationError(
                source: source, field: "topic_prefix", reason: "must be non-empty, without wildcards")
        }
        if checkpointIntervalSeconds < 1 {
            throw ConfigurationError(source: source, field: "checkpoint_interval", reason: "must be at least 1 s")
        }
        if (broker.certFile == nil) != (broker.keyFile == nil) {
            throw ConfigurationError(source: source, field: "broker.tls", reason: "cert_file and key_file go together")
        }
    }

    /// Parses `HOST:PORT` (IPv6 as `[::1]:PORT`).
    public static func hostPort(
        _ value: String,
        field: String,
        source: String,
        allowZero: Bool = false
    ) throws -> (String, Int) {
        guard let colon = value.lastIndex(of: ":") else {
            throw ConfigurationError(source: source, field: field, reason: "expected HOST:PORT, got \(value)")
        }
        var host = String(value[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let portText = value[value.index(after: colon)...]
        guard let port = Int(portText), (allowZero ? 0 : 1)...65535 ~= port, !host.isEmpty else {
            throw ConfigurationError(source: source, field: field, reason: "expected HOST:PORT, got \(value)")
        }
        return (host, port)
    }

    /// The broker password, read from `broker.passwordFile` (trailing newline removed).
    public func brokerPassword() throws -> String? {
        guard let file = broker.passwordFile else { return nil }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ConfigurationError(
                source: file, field: "broker.password_file", reason: "cannot read the password file")
        }
        return text.trimmingCharacters(in: .newlines)
    }
}
