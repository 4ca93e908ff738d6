import Foundation
import Logging
import UmweltMQTT
import UmweltService

/// Ingest throughput of the whole daemon pipeline (libmosquitto → IngestService → Router →
/// TwinRuntime/TwinModel → SQLite flush), in-process through `UmweltApplication.build`,
/// against the ceiling: `mosquitto_sub` receiving the same messages from the same
/// publisher (an in-process `MQTTClient`, QoS 1, as fast as it can) on the same broker.
struct IngestBenchmark {
    var zones = 10
    var steps = ProcessInfo.processInfo.environment["UMWELT_BENCH_QUICK"] == nil ? 4_000 : 200

    struct Result {
        var messages: Int
        var ceilingPerSecond: Double
        var daemonPerSecond: Double
        /// CPU seconds of the daemon per reading (process CPU of the daemon run minus the
        /// publisher-only ceiling run).
        var daemonCPUSecondsPerReading: Double
    }

    func run() async throws -> Result {
        let building = BenchBuilding(zones: zones)
        var messages: [Message] = []
        for k in 0..<steps {
            for reading in building.readings(step: k) {
                let (topic, payload) = BenchBuilding.message(reading)
                messages.append(Message(topic: topic, payload: payload, qos: 1))
            }
        }
        let broker = try BenchBroker()
        defer { broker.stop() }
        var logger = Logger(label: "umwelt-bench")
        logger.logLevel = .error

        // Ceiling: mosquitto_sub exits after receiving every message.
        let subscriber = Process()
        subscriber.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        subscriber.arguments = ["-p", "\(broker.port)", "-t", "b/#", "-q", "1", "-C", "\(messages.count)"]
        subscriber.standardOutput = FileHandle.nullDevice
        try subscriber.run()
        try await Task.sleep(for: .milliseconds(500))
        let ceilingCPU = BenchClock.processCPUSeconds()
        let ceilingSeconds = try await publish(messages, port: broker.port, logger: logger) {
            !subscriber.isRunning
        }
        let publisherCPU = BenchClock.processCPUSeconds() - ceilingCPU
        if subscriber.isRunning { subscriber.terminate() }
        progress("ceiling: \(messages.count) messages in \(ceilingSeconds) s")

        // The daemon, in this process.
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("umwelt-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.createDirectory(
            at: work.appendingPathComponent("twins"),
            withIntermediateDirectories: true
        )
        try Self.yaml(building).write(
            to: work.appendingPathComponent("twins/bench.yaml"),
            atomically: true,
            encoding: .utf8
        )
        var configuration = UmweltConfiguration()
        configuration.broker.port = broker.port
        configuration.broker.clientID = "umweltd-bench"
        configuration.twinsDirectory = work.appendingPathComponent("twins").path
        configuration.stateDirectory = work.appendingPathComponent("state").path
        configuration.httpPort = 0
        let application = try await UmweltApplication.build(
            configuration: configuration,
            logger: logger,
            environment: [:]
        )
        let group = Task { try await application.run() }
        try await Task.sleep(for: .milliseconds(1500))
        let daemonCPU = BenchClock.processCPUSeconds()
        let total = messages.count
        let daemonSeconds = try await publish(messages, port: broker.port, logger: logger) {
            let snapshot = application.statistics.snapshot
            return snapshot.readingsAccepted + snapshot.readingsLate + snapshot.rejectedTotal >= total
        }
        let cpu = BenchClock.processCPUSeconds() - daemonCPU - publisherCPU
        progress("daemon: \(messages.count) messages in \(daemonSeconds) s; \(application.statistics.snapshot)")
        await application.shutdown()
        try await group.value
        return Result(
            messages: messages.count,
            ceilingPerSecond: Double(messages.count) / ceilingSeconds,
            daemonPerSecond: Double(messages.count) / daemonSeconds,
            daemonCPUSecondsPerReading: cpu / Double(messages.count)
        )
    }

    /// Publishes every message, then waits for `done`; wall seconds from first publish to done.
    private func publish(
        _ messages: [Message],
        port: Int,
        logger: Logger,
        done: @escaping @Sendable () -> Bool
    ) async throws -> Double {
        var configuration = MQTTConfiguration(clientID: "bench-pub-\(UUID().uuidString.prefix(6))", port: port)
        configuration.cleanSession = true
        let client = try MQTTClient(configuration: configuration, logger: logger)
        try await client.connect(timeout: .seconds(10))
        let clock = ContinuousClock()
        let began = clock.now
        for message in messages { try client.publish(message) }
        while !done() {
            try await Task.sleep(for: .milliseconds(2))
            if clock.now - began > .seconds(60) {
                FileHandle.standardError.write(Data("ingest benchmark: timed out after 60 s\n".utf8))
                break
            }
        }
        let elapsed = BenchClock.seconds(clock.now - began)
        await client.disconnect()
        return elapsed
    }

    static func yaml(_ building: BenchBuilding) -> String {
        var lines = ["twin: bench", "timezone: UTC", "step: 5m", "horizon: 24h", "zones:"]
        lines.append("  - id: outdoor")
        lines.append("    kind: outdoor")
        lines.append("    sensors:")
        lines.append("      - { quantity: temperature, topic: b/outdoor/t, format: json, path: v, time_path: t }")
        for zone in 0..<building.zones {
            lines.append("  - id: z\(zone)")
            var neighbours: [String] = []
            if zone > 0 { neighbours.append("z\(zone - 1)") }
            if zone + 1 < building.zones { neighbours.append("z\(zone + 1)") }
            if !neighbours.isEmpty { lines.append("    neighbors: [\(neighbours.joined(separator: ", "))]") }
            lines.append("    sensors:")
            for (quantity, suffix) in [("temperature", "t"), ("co2", "c"), ("occupancy", "o"), ("hvac", "h")] {
                let kind = quantity == "occupancy" ? ", kind: presence" : ""
                lines.append(
                    "      - { quantity: \(quantity), topic: b/z\(zone)/\(suffix), format: json, path: v, time_path: t\(kind) }"
                )
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// A private mosquitto on a free loopback port, in a temporary directory.
final class BenchBroker {
    let port: Int
    private let process = Process()
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "umwelt-bench-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = Int.random(in: 20_000...60_000)
        var config = [
            "listener \(port) 127.0.0.1", "allow_anonymous true", "max_queued_messages 10000000",
            "max_inflight_messages 0", "persistence false",
        ]
        if getuid() == 0 { config.append("user root") }
        let path = directory.appendingPathComponent("mosquitto.conf").path
        try (config.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/mosquitto")
        process.arguments = ["-c", path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(300_000)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A progress line on stderr (stdout carries the table).
func progress(_ text: String) {
    FileHandle.standardError.write(Data(("umwelt-bench: " + text + "\n").utf8))
}
