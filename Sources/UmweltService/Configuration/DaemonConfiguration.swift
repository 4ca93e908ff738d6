import Foundation

/// Resolves the daemon's configuration: file, then environment, then flags.
public enum DaemonConfiguration {
    public static func resolve(
        configFile: String?,
        broker: String?,
        twins: String?,
        stateDirectory: String?,
        http: String?,
        shard: String? = nil,
        twinsOnly: String? = nil,
        environment: [String: String]
    ) throws -> UmweltConfiguration {
        var configuration = UmweltConfiguration()
        if let path = configFile ?? environment["UMWELT_CONFIG"] {
            configuration = try UmweltConfiguration.load(path: path)
        }
        try configuration.applyEnvironment(environment)
        if let broker {
            let (host, port) = try UmweltConfiguration.hostPort(broker, field: "--broker", source: "flags")
            configuration.broker.host = host
            configuration.broker.port = port
        }
        if let twins { configuration.twinsDirectory = twins }
        if let stateDirectory { configuration.stateDirectory = stateDirectory }
        if let http {
            let (host, port) = try UmweltConfiguration.hostPort(http, field: "--http", source: "flags", allowZero: true)
            configuration.httpHost = host
            configuration.httpPort = port
        }
        if let shard {
            guard let parsed = TwinSelection.Shard(parsing: shard) else {
                throw ConfigurationError(source: "flags", field: "--shard", reason: "expected i/n, got \(shard)")
            }
            configuration.twinSelection.shard = parsed
        }
        if let twinsOnly { configuration.twinSelection.only = TwinSelection.parseList(twinsOnly) }
        try configuration.validate(source: "flags")
        return configuration
    }
}
