import Foundation
import Glibc
import Logging
import Synchronization
import UmweltCore
import UmweltMQTT
import UmweltService

/// Ingest throughput of the whole daemon pipeline (libmosquitto → IngestService → Router →
/// TwinRuntime/TwinModel → SQLite flush), in-process through `UmweltApplication.build`,
/// against the ceiling: `mosquitto_sub` receiving the same messages from the same
/// publisher (an in-process `MQTTClient`, QoS 1, as fast as it can) on the same broker.
struct IngestBenchmark {
    var zones = 10
    var steps = ProcessInfo.processInfo.environment["UMWELT_BENCH_QUICK"] == nil ? 1_000 : 200
    /// Live shape: every reading carries the current time, as a building streaming now would,
    /// so steps close on the wall clock (none during the run) and the figure is the cost per
    /// message. Otherwise replay shape: history, one step closing (and forecasting) every
    /// `4 × zones + 1` messages.
    var live = false

    struct Result {
        var messages: Int
        var ceilingPerSecond: Double
        var daemonPerSecond: Double
        /// CPU seconds of the daemon per reading (process CPU of the daemon run minus the
        /// publisher-only ceiling run).
        var daemonCPUSecondsPerReading: Double
        /// CPU seconds per message of everything in the ceiling run: publisher, broker and
        /// `mosquitto_sub`.
        var ceilingPipelineCPUPerMessage: Double = .nan
        /// CPU seconds per message of everything in the daemon run: publisher, broker and daemon.
        var daemonPipelineCPUPerMessage: Double = .nan
        /// CPU seconds per message of `mosquitto_sub` alone (what the daemon's own share compares with).
        var subscriberCPUPerMessage: Double = .nan
        /// CPU seconds per message of the publisher alone (in this process, during the ceiling run).
        var publisherCPUPerMessage: Double = .nan

        /// What the throughput ratio tends to when the machine is saturated (other work
        /// competing for both cores): the ceiling's CPU per message over the daemon run's.
        var cpuRatio: Double { ceilingPipelineCPUPerMessage / daemonPipelineCPUPerMessage }
    }

    func run() async throws -> Result {
        let building = BenchBuilding(zones: zones)
        var messages: [Message] = []
        let now = Date().timeIntervalSince1970
        for k in 0..<steps {
            for var reading in building.readings(step: k) {
                if live { reading.time = now }
                let (topic, payload) = BenchBuilding.message(reading)
                messages.append(Message(topic: topic, payload: payload, qos: 1))
            }
        }
        let broker = try BenchBroker()
        defer { broker.stop() }
        // Whatever hangs (the daemon's shutdown once did, not reproduced since), the run ends.
        let watchdog = Watchdog(seconds: Double(steps) * 0.1 + 120) {
            progress("ingest benchmark: not finished in time; stopping the broker and exiting")
            broker.stop()
        }
        defer { watchdog.finish() }
        var logger = Logger(label: "umwelt-bench")
        logger.logLevel =
            ProcessInfo.processInfo.environment["UMWELT_BENCH_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .error

        // Ceiling: mosquitto_sub exits after receiving every message.
        let subscriber = Process()
        subscriber.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        subscriber.arguments = ["-p", "\(broker.port)", "-t", "b/#", "-q", "1", "-C", "\(messages.count)"]
        let lines = LineCounter()
        subscriber.standardOutput = lines.pipe
        try subscriber.run()
        lines.start()
        try await Task.sleep(for: .milliseconds(500))
        let ceilingCPU = BenchClock.processCPUSeconds()
        let ceilingBrokerCPU = Self.cpuSeconds(pid: broker.pid)
        let subscriberStartCPU = Self.cpuSeconds(pid: subscriber.processIdentifier)
        let reapedStartCPU = Self.reapedChildrenCPUSeconds()
        let expected = messages.count
        let ceilingSeconds = try await publish(
            messages, port: broker.port, logger: logger, received: lines.count
        ) {
            !subscriber.isRunning || lines.count() >= expected
        }
        let publisherCPU = BenchClock.processCPUSeconds() - ceilingCPU
        let ceilingBrokerUsed = Self.cpuSeconds(pid: broker.pid) - ceilingBrokerCPU
        // mosquitto_sub exits after its count (-C) and is reaped: its /proc entry is gone and
        // its CPU time shows in this process's reaped children instead.
        let runningSubscriberCPU = Self.cpuSeconds(pid: subscriber.processIdentifier)
        await Self.stop(subscriber)
        _ = await Self.wait(upTo: .seconds(2)) { Self.reapedChildrenCPUSeconds() > reapedStartCPU }
        let subscriberCPU =
            max(runningSubscriberCPU, Self.reapedChildrenCPUSeconds() - reapedStartCPU) - subscriberStartCPU
        let ceilingPipelineCPU = publisherCPU + ceilingBrokerUsed + subscriberCPU
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
        let stopped = Flag()
        let group = Task {
            defer { stopped.set() }
            try await application.run()
        }
        try await Task.sleep(for: .milliseconds(1500))
        let daemonCPU = BenchClock.processCPUSeconds()
        let daemonBrokerCPU = Self.cpuSeconds(pid: broker.pid)
        let total = messages.count
        let daemonSeconds = try await publish(
            messages, port: broker.port, logger: logger,
            received: { application.statistics.snapshot.messagesReceived }
        ) {
            let snapshot = application.statistics.snapshot
            return snapshot.readingsAccepted + snapshot.readingsLate + snapshot.rejectedTotal >= total
        }
        let daemonPipelineCPU =
            BenchClock.processCPUSeconds() - daemonCPU + Self.cpuSeconds(pid: broker.pid) - daemonBrokerCPU
        let cpu = BenchClock.processCPUSeconds() - daemonCPU - publisherCPU
        progress("daemon: \(messages.count) messages in \(daemonSeconds) s; \(application.statistics.snapshot)")
        // Bounded: graceful shutdown first, then cancellation; never wait forever.
        await application.shutdown()
        if await !Self.wait(upTo: .seconds(15), until: stopped.isSet) {
            progress("daemon: no graceful stop within 15 s; cancelling its service group")
            group.cancel()
            if await !Self.wait(upTo: .seconds(5), until: stopped.isSet) {
                progress("daemon: still running 5 s after cancellation; leaving it to process exit")
            }
        }
        return Result(
            messages: messages.count,
            ceilingPerSecond: Double(messages.count) / ceilingSeconds,
            daemonPerSecond: Double(messages.count) / daemonSeconds,
            daemonCPUSecondsPerReading: cpu / Double(messages.count),
            ceilingPipelineCPUPerMessage: ceilingPipelineCPU / Double(messages.count),
            daemonPipelineCPUPerMessage: daemonPipelineCPU / Double(messages.count),
            subscriberCPUPerMessage: subscriberCPU / Double(messages.count),
            publisherCPUPerMessage: publisherCPU / Double(messages.count)
        )
    }

    /// CPU seconds (user + system) process `pid` has used, from /proc (0 if unreadable).
    static func cpuSeconds(pid: Int32) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return 0 }
        // After "pid (comm)": state is field 3, utime and stime fields 14 and 15.
        let fields = text[text.index(after: end)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// CPU seconds (user + system) of this process's children that have ended and been reaped.
    static func reapedChildrenCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) * 1e-6
    }

    /// Polls `condition` every 10 ms until it holds or `timeout` passes; whether it held.
    static func wait(upTo timeout: Duration, until condition: @Sendable () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while !condition() {
            if clock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// Stops a child process: SIGTERM, then SIGKILL after 1 s (see `BenchBroker.stop`); reaps it.
    static func stop(_ process: Process) async {
        guard process.isRunning else { return }
        process.terminate()
        if await !wait(upTo: .seconds(1), until: { !process.isRunning }) {
            kill(process.processIdentifier, SIGKILL)
            _ = await wait(upTo: .seconds(5), until: { !process.isRunning })
        }
    }

    /// Publishes every message, then waits for `done`; wall seconds from first publish to done.
    ///
    /// Flow control: at most `window` messages ahead of what the receiver has counted
    /// (`received`), so that the publisher and the broker's queues are not what is measured.
    private func publish(
        _ messages: [Message],
        port: Int,
        logger: Logger,
        window: Int = 2_000,
        received: @escaping @Sendable () -> Int,
        done: @escaping @Sendable () -> Bool
    ) async throws -> Double {
        var configuration = MQTTConfiguration(clientID: "bench-pub-\(UUID().uuidString.prefix(6))", port: port)
        configuration.cleanSession = true
        let client = try MQTTClient(configuration: configuration, logger: logger)
        try await client.connect(timeout: .seconds(10))
        let clock = ContinuousClock()
        let began = clock.now
        for (index, message) in messages.enumerated() {
            while index - received() > window {
                try await Task.sleep(for: .microseconds(200))
                if clock.now - began > .seconds(120) { break }
            }
            try client.publish(message)
        }
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

    /// The report's table row for `result`.
    static func line(_ result: Result, live: Bool = false) -> String {
        "| ingest, 10 zones, \(live ? "live" : "replay") shape, \(result.messages) msgs QoS 1 "
            + "(libmosquitto → router → model → SQLite) | "
            + "\(PerformanceReport.format(result.daemonPerSecond, 0)) readings/s | mosquitto_sub, same publisher: "
            + "\(PerformanceReport.format(result.ceilingPerSecond, 0)) msgs/s (target ratio ≥ 0.8) | "
            + "\(PerformanceReport.format(result.daemonPerSecond / result.ceilingPerSecond, 2)) |"
    }

    /// The CPU side of `result`: CPU per message of both runs and their ratio.
    static func cpuLine(_ result: Result, live: Bool = false) -> String {
        "| ingest CPU, \(live ? "live" : "replay") shape: publisher + broker + daemon "
            + "\(PerformanceReport.format(result.daemonPipelineCPUPerMessage * 1e6, 1)) µs/msg | publisher + broker + "
            + "mosquitto_sub \(PerformanceReport.format(result.ceilingPipelineCPUPerMessage * 1e6, 1)) µs/msg | "
            + "CPU ratio (the throughput ratio on a saturated machine) \(PerformanceReport.format(result.cpuRatio, 2)) | "
            + "daemon alone \(PerformanceReport.format(result.daemonCPUSecondsPerReading * 1e6, 1)) µs/msg, "
            + "mosquitto_sub alone \(PerformanceReport.format(result.subscriberCPUPerMessage * 1e6, 1)), "
            + "publisher alone \(PerformanceReport.format(result.publisherCPUPerMessage * 1e6, 1)) |"
    }

    /// The median ratio of repeated runs (each ceiling and daemon pair measured back to back,
    /// so a load change between pairs moves both), with every ratio.
    static func summary(_ results: [Result], live: Bool = false) -> String {
        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1
                ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let ratios = results.map { $0.daemonPerSecond / $0.ceilingPerSecond }
        let cpuRatios = results.map(\.cpuRatio)
        return "| ingest, \(live ? "live" : "replay") shape, median of \(ratios.count) runs | ratio "
            + "\(PerformanceReport.format(median(ratios), 2)) (runs: "
            + ratios.map { PerformanceReport.format($0, 2) }.joined(separator: ", ") + ") | CPU ratio "
            + "\(PerformanceReport.format(median(cpuRatios), 2)) (runs: "
            + cpuRatios.map { PerformanceReport.format($0, 2) }.joined(separator: ", ") + ") |"
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

/// A flag set once from any thread (the daemon task's end).
final class Flag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    @Sendable func isSet() -> Bool { value.withLock { $0 } }
}

/// Counts the lines a child process writes to `pipe` (mosquitto_sub: one line per message),
/// on a thread of its own.
final class LineCounter: Sendable {
    let pipe = Pipe()
    private let lines = Mutex(0)

    @Sendable func count() -> Int { lines.withLock { $0 } }

    func start() {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                let newlines = data.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
                lines.withLock { $0 += newlines }
            }
        }
    }
}

/// Ends the process when a run has not finished within `seconds`, on a thread of its own (a
/// blocked cooperative pool cannot stop it): calls `onExpiry`, then exits with status 2.
final class Watchdog: Sendable {
    private let finished = Mutex(false)

    init(seconds: Double, onExpiry: @escaping @Sendable () -> Void) {
        Thread.detachNewThread { [self] in
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if finished.withLock({ $0 }) { return }
                Thread.sleep(forTimeInterval: 0.1)
            }
            if finished.withLock({ $0 }) { return }
            onExpiry()
            exit(2)
        }
    }

    func finish() { finished.withLock { $0 = true } }
}

/// A private mosquitto on a free loopback port, in a temporary directory.
final class BenchBroker: Sendable {
    let port: Int
    private let process = Process()
    /// The broker's process id (its CPU time is part of both runs).
    var pid: Int32 { process.processIdentifier }
    private let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "umwelt-bench-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        port = try Self.freePort()
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
        // Ready when it accepts a TCP connection (at most 5 s).
        for _ in 0..<100 where !Self.accepts(port: port) { usleep(50_000) }
    }

    /// Stops the broker: SIGTERM, SIGKILL after 1 s, reaped; removes its directory.
    ///
    /// SIGKILL is needed: a child spawned from a thread with SIGTERM blocked (Swift's
    /// cooperative threads block it) inherits the blocked mask and never sees SIGTERM; waiting
    /// for it to exit after `terminate()` was the benchmark's hang.
    func stop() {
        if process.isRunning { process.terminate() }
        for _ in 0..<20 where process.isRunning { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            for _ in 0..<100 where process.isRunning { usleep(50_000) }
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A loopback TCP port nobody listens on (bound to port 0, read back, closed).
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw CocoaError(.fileWriteUnknown) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on the loopback `port`.
    static func accepts(port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// A progress line on stderr (stdout carries the table).
func progress(_ text: String) {
    FileHandle.standardError.write(Data(("umwelt-bench: " + text + "\n").utf8))
}
