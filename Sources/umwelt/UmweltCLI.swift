import ArgumentParser
import Foundation
import Logging
import UmweltCore
import UmweltMQTT
import UmweltService

/// `umwelt`: validate twins, simulate a building, watch a daemon's output.
@main
struct UmweltCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umwelt",
        abstract: "Tools around umweltd: validate twin files, simulate a building, watch forecasts.",
        subcommands: [
            Validate.self, Simulate.self, Watch.self, RecordCommand.self, ReplayCommand.self, ImportCommand.self,
            BacktestCommand.self,
            InspectCommand.self, ScenarioCommand.self,
        ]
    )
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check twin files; prints each error with file, line and field.")

    @Argument(help: "Twin files or directories.")
    var paths: [String]

    func run() throws {
        var failed = false
        for path in paths {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            do {
                let twins =
                    isDirectory.boolValue
                    ? try TwinFileParser.loadDirectory(path) : [try TwinFileParser.load(path: path)]
                for twin in twins {
                    let sensors = twin.zones.reduce(0) { $0 + $1.sensors.count }
                    print(
                        "ok: \(twin.sourcePath ?? path): twin \(twin.id), \(twin.zones.count) zones, \(sensors) sensors, step \(twin.stepSeconds) s"
                    )
                }
            } catch {
                failed = true
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            }
        }
        if failed { throw ExitCode(1) }
    }
}

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish a simulated building to MQTT in the twin's own topics and payload formats."
    )

    @Option(help: "Twin file describing the building.")
    var twin: String

    @Option(help: "Broker as HOST:PORT.")
    var broker: String = "127.0.0.1:1883"

    @Option(help: "Simulated seconds per wall-clock second (600: ten minutes per second; 0: as fast as possible).")
    var speed: Double = 600

    @Option(help: "Start this many simulated days before now (the clock then catches up with real time).")
    var days: Double = 7

    @Option(help: "Stop after this many simulated hours (default: run until interrupted).")
    var hours: Double?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    func run() async throws {
        let definition = try TwinFileParser.load(path: twin)
        let client = try CLIClient.make(broker: broker, command: "simulate", logLevel: .info)
        try await client.connect(timeout: .seconds(30))
        let publisher = SimulationPublisher(
            twin: definition,
            speed: speed,
            startOffsetSeconds: days * 86_400,
            durationSeconds: hours.map { $0 * 3600 },
            seed: seed
        )
        let logger = CLIClient.logger(command: "simulate", level: .info)
        let count = try await publisher.run(client: client, logger: logger) { time, published in
            print("simulated \(formatRFC3339(time)): \(published) messages published")
            fflush(nil)
        }
        await client.disconnect()
        print("done: \(count) messages")
    }
}

struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the forecasts and anomalies a daemon publishes, as they arrive."
    )

    @Option(help: "Broker as HOST:PORT.")
    var broker: String = "127.0.0.1:1883"

    @Option(help: "Topic prefix of the daemon.")
    var prefix: String = "umwelt"

    @Option(help: "Only forecasts of these quantities (comma separated).")
    var quantities: String = "temperature,humidity,co2,occupancy"

    @Option(help: "Print the table of latest forecasts every this many seconds (0: every message).")
    var every: Double = 5

    func run() async throws {
        let client = try CLIClient.make(broker: broker, command: "watch", logLevel: .warning, cleanSession: true)
        let wanted = Set(quantities.split(separator: ",").map(String.init))
        var filters = ["\(prefix)/+/status", "\(prefix)/+/+/anomaly"]
        filters += wanted.map { "\(prefix)/+/+/forecast/\($0)" }
        try client.subscribe(filters, qos: 0)
        try await client.connect(timeout: .seconds(30))
        let watcher = ForecastWatcher(prefix: prefix)
        print("watching \(prefix)/# on \(broker) (Ctrl-C to stop)")
        var latest: [String: String] = [:]
        var lastPrint = Date.distantPast
        for await batch in client.messages {
            for message in batch {
                guard let line = watcher.describe(topic: message.topic, payload: message.payload) else { continue }
                if message.topic.contains("/forecast/") && every > 0 {
                    latest[message.topic] = line
                } else {
                    print(line)
                }
            }
            if !latest.isEmpty && Date().timeIntervalSince(lastPrint) >= every {
                lastPrint = Date()
                print("---- \(latest.count) forecasts")
                for topic in latest.keys.sorted() { print(latest[topic]!) }
            }
            fflush(nil)
        }
    }
}
