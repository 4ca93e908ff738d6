import Foundation
import Logging
import UmweltMQTT
import UmweltService

/// The MQTT client of one CLI command: `--broker HOST:PORT` parsed as the daemon parses it, a
/// client id unique to this process (`umwelt-<command>-<pid>`), a logger at `logLevel`.
enum CLIClient {
    static func make(
        broker: String, command: String, logLevel: Logger.Level, cleanSession: Bool = false
    ) throws -> MQTTClient {
        let (host, port) = try UmweltConfiguration.hostPort(broker, field: "--broker", source: "flags")
        let logger = Self.logger(command: command, level: logLevel)
        var configuration = MQTTConfiguration(clientID: "umwelt-\(command)-\(getpid())", host: host, port: port)
        configuration.cleanSession = cleanSession
        return try MQTTClient(configuration: configuration, logger: logger)
    }

    /// The logger of one CLI command (`umwelt-<command>`).
    static func logger(command: String, level: Logger.Level) -> Logger {
        var logger = Logger(label: "umwelt-\(command)")
        logger.logLevel = level
        return logger
    }
}
