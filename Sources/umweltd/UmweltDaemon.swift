import ArgumentParser
import Foundation
import Logging
import UmweltService

/// `umweltd`: the daemon. Parses flags, builds the configuration, runs the service group.
@main
struct UmweltDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umweltd",
        abstract: "Keeps a learned world model of a building from its MQTT sensor streams."
    )

    @Option(help: "Configuration file (YAML).")
    var config: String?

    @Option(help: "Broker as HOST:PORT (overrides config and UMWELT_BROKER).")
    var broker: String?

    @Option(help: "Directory of twin files.")
    var twins: String?

    @Option(name: .customLong("state-dir"), help: "Directory of the SQLite state file.")
    var stateDirectory: String?

    @Option(help: "HTTP listen address HOST:PORT (port 0 picks a free port).")
    var http: String?

    @Option(help: "Serve only shard I of N of the twins (stable FNV-1a hash of the twin id), as I/N.")
    var shard: String?

    @Option(name: .customLong("twins-only"), help: "Serve only these twins (comma-separated ids).")
    var twinsOnly: String?

    func run() async throws {
        AllocatorTuning.apply()
        let environment = ProcessInfo.processInfo.environment
        let configuration: UmweltConfiguration
        do {
            configuration = try DaemonConfiguration.resolve(
                configFile: config,
                broker: broker,
                twins: twins,
                stateDirectory: stateDirectory,
                http: http,
                shard: shard,
                twinsOnly: twinsOnly,
                environment: environment
            )
        } catch {
            FileHandle.standardError.write(Data("umweltd: \(error)\n".utf8))
            throw ExitCode(78)  // EX_CONFIG
        }
        let logger = DaemonLogging.bootstrap(configuration: configuration)
        do {
            let application = try await UmweltApplication.build(
                configuration: configuration,
                logger: logger,
                environment: environment
            )
            try await application.run()
        } catch {
            logger.critical("umweltd cannot run", metadata: ["error": "\(error)"])
            // A broker that refuses these credentials or certificates, or an invalid twin
            // file, will refuse again: EX_CONFIG, which the unit does not restart on.
            throw ExitCode(UmweltApplication.isConfigurationFailure(error) ? 78 : 1)
        }
    }
}
