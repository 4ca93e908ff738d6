import Foundation
import Logging
import Synchronization
import UmweltCore
import UmweltMQTT
import UmweltService
import UmweltStore

/// Generated twins, a paced load publisher and process probes for the reliability tests.
enum ReliabilityHarness {
    /// The topic of zone `zone`'s temperature sensor in a generated twin.
    static func topic(twin: String, zone: Int) -> String { "rel/\(twin)/z\(zone)/t" }

    /// A twin file with `zones` indoor zones in a row, each with one timestamped JSON
    /// temperature sensor (`{"t": <unix s>, "v": <°C>}`), so every message is one reading.
    static func twinYAML(id: String, zones: Int, horizon: String = "1h") -> String {
        var lines = ["twin: \(id)", "timezone: UTC", "step: 5m", "horizon: \(horizon)", "zones:"]
        for zone in 0..<zones {
            var neighbours: [String] = []
            if zone > 0 { neighbours.append("z\(zone - 1)") }
            if zone + 1 < zones { neighbours.append("z\(zone + 1)") }
            lines.append("  - id: z\(zone)")
            if !neighbours.isEmpty { lines.append("    neighbors: [\(neighbours.joined(separator: ", "))]") }
            lines.append("    sensors:")
            lines.append(
                "      - { quantity: temperature, topic: \(topic(twin: id, zone: zone)), format: json, path: v, time_path: t }"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A fresh work directory with `twins/` holding generated twins and an empty `state/`.
    static func makeWorkDirectory(twins: [(id: String, zones: Int)]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("umwelt-rel-\(UUID().uuidString)")
        let twinsDirectory = url.appendingPathComponent("twins")
        try FileManager.default.createDirectory(at: twinsDirectory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("state"),
            withIntermediateDirectories: true
        )
        for twin in twins {
            try twinYAML(id: twin.id, zones: twin.zones)
                .write(to: twinsDirectory.appendingPathComponent("\(twin.id).yaml"), atomically: true, encoding: .utf8)
        }
        return url
    }

    /// Distinct `(zone, time)` pairs of the readings stored for `twin`.
    static func storedReadingKeys(databasePath: String, twin: String) async throws -> Set<String> {
        let store = try StateStore(path: databasePath)
        defer { try? store.close() }
        let readings = try await store.readings(twin: twin, zone: nil, since: -Double.infinity, limit: 10_000_000)
        return Set(readings.map { "\($0.zone)|\(Int($0.time))" })
    }

    /// Resident set size of process `pid` in bytes (from `/proc/<pid>/statm`).
    static func residentBytes(pid: Int32) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Entries of `/proc/<pid>/<directory>` (`fd`: open files, `task`: threads).
    static func count(pid: Int32, _ directory: String) -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/\(directory)").count) ?? 0
    }

    /// Least-squares slope of `values` over `times` (units of value per unit of time).
    static func slope(times: [Double], values: [Double]) -> Double {
        let n = Double(times.count)
        guard n >= 2 else { return 0 }
        let meanT = times.reduce(0, +) / n
        let meanV = values.reduce(0, +) / n
        var covariance = 0.0
        var variance = 0.0
        for (t, v) in zip(times, values) {
            covariance += (t - meanT) * (v - meanV)
            variance += (t - meanT) * (t - meanT)
        }
        return variance > 0 ? covariance / variance : 0
    }

    /// Whether this process may mount a tmpfs (root with CAP_SYS_ADMIN), tried once.
    static let canMountTmpfs: Bool = {
        guard getuid() == 0 else { return false }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("umwelt-mount-probe-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        guard runBlocking("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", directory.path]) == 0 else {
            return false
        }
        _ = runBlocking("/bin/umount", [directory.path])
        return true
    }()

    /// Runs a command to completion; its exit status.
    @discardableResult
    static func runBlocking(_ executable: String, _ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Runs a command to completion off the cooperative pool; its exit status.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) async -> Int32 {
        await OffPool.run { runBlocking(executable, arguments) }
    }
}

/// Publishes one reading per message for every zone of generated twins, round-robin, each
/// zone's data time advancing `dataSecondsPerRound` per round, paced at `messagesPerSecond`,
/// with QoS 1 through its own libmosquitto client. Counts what it published per twin.
final class LoadPublisher: Sendable {
    let twins: [(id: String, zones: Int)]
    let messagesPerSecond: Double
    let dataStart: Double
    let dataSecondsPerRound: Double
    let client: MQTTClient?
    private let lines: [String: LinePublisher]
    private let published = Mutex<[String: Int]>([:])
    private let keys = Mutex<[String: Set<String>]>([:])
    /// Where the next message continues: round, zone, twin (a second `run` goes on).
    private let cursor = Mutex((0, 0, 0))

    init(
        twins: [(id: String, zones: Int)],
        brokerPort: Int,
        messagesPerSecond: Double,
        dataStart: Double = (Date().timeIntervalSince1970 / 300 - 2 * 288).rounded(.down) * 300,
        dataSecondsPerRound: Double = 10,
        throughMosquittoPub: Bool = false
    ) throws {
        self.twins = twins
        self.messagesPerSecond = messagesPerSecond
        self.dataStart = dataStart
        self.dataSecondsPerRound = dataSecondsPerRound
        if throughMosquittoPub {
            client = nil
            var lines: [String: LinePublisher] = [:]
            for twin in twins {
                for zone in 0..<twin.zones {
                    let topic = ReliabilityHarness.topic(twin: twin.id, zone: zone)
                    lines[topic] = try LinePublisher(topic: topic, brokerPort: brokerPort)
                }
            }
            self.lines = lines
        } else {
            var configuration = MQTTConfiguration(clientID: "load-\(UUID().uuidString.prefix(8))", port: brokerPort)
            configuration.cleanSession = false
            client = try MQTTClient(configuration: configuration, logger: DaemonHarness.testLogger())
            lines = [:]
        }
    }

    /// Messages published so far, all twins.
    var total: Int { published.withLock { $0.values.reduce(0, +) } }

    /// Messages published so far for `twin`.
    func count(twin: String) -> Int { published.withLock { $0[twin] ?? 0 } }

    /// The `(zone, time)` keys published for `twin` (as `storedReadingKeys` spells them).
    func publishedKeys(twin: String) -> Set<String> { keys.withLock { $0[twin] ?? [] } }

    /// The `(zone, time)` keys of `twin` whose data time is at most `dataTime`.
    func publishedKeys(twin: String, upTo dataTime: Double) -> Set<String> {
        publishedKeys(twin: twin).filter { key in
            Double(key.split(separator: "|")[1]).map { $0 <= dataTime } ?? false
        }
    }

    /// Publishes until `duration` has passed or the task is cancelled.
    func run(for duration: Duration) async throws {
        try await client?.connect(timeout: .seconds(10))
        let clock = ContinuousClock()
        let began = clock.now
        let slice = Duration.milliseconds(10)
        let perSlice = max(1, Int((messagesPerSecond / 100).rounded()))
        var (round, zoneCursor, twinCursor) = cursor.withLock { $0 }
        defer { cursor.withLock { $0 = (round, zoneCursor, twinCursor) } }
        var sent = 0
        while clock.now - began < duration, !Task.isCancelled {
            for _ in 0..<perSlice {
                let twin = twins[twinCursor]
                let time = dataStart + Double(round) * dataSecondsPerRound
                let value = 21 + 2 * sin(time / 86_400 * 2 * .pi) + 0.1 * Double(zoneCursor % 5)
                let payload = #"{"t":\#(Int(time)),"v":\#(String(format: "%.3f", value))}"#
                let topic = ReliabilityHarness.topic(twin: twin.id, zone: zoneCursor)
                if let client {
                    try client.publish(Message(topic: topic, payload: Array(payload.utf8), qos: 1))
                } else {
                    lines[topic]?.send(payload)
                }
                let key = "z\(zoneCursor)|\(Int(time))"
                published.withLock { $0[twin.id, default: 0] += 1 }
                keys.withLock { _ = $0[twin.id, default: []].insert(key) }
                zoneCursor += 1
                if zoneCursor == twin.zones {
                    zoneCursor = 0
                    twinCursor += 1
                    if twinCursor == twins.count {
                        twinCursor = 0
                        round += 1
                    }
                }
            }
            sent += perSlice
            let target = began + slice * (sent / perSlice)
            if target > clock.now { try await Task.sleep(until: target, clock: clock) }
        }
    }

    /// Disconnects once every message in flight is acknowledged (up to 5 s).
    func stop() async {
        await client?.disconnect()
        for line in lines.values { await line.finish() }
    }
}

/// Collects log events (message and level) for assertions on what the daemon logged.
final class LogCapture: Sendable {
    struct Event: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let events = Mutex<[Event]>([])

    var all: [Event] { events.withLock { $0 } }

    func append(_ event: Event) { events.withLock { $0.append(event) } }

    /// A logger writing into this capture at `level` and above.
    func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "umwelt-capture") { _ in CaptureHandler(capture: self) }
        logger.logLevel = level
        return logger
    }

    struct CaptureHandler: LogHandler {
        let capture: LogCapture
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var flattened: [String: String] = [:]
            for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) {
                flattened[key] = "\(value)"
            }
            capture.append(Event(level: event.level, message: event.message.description, metadata: flattened))
        }
    }
}

/// A `mosquitto_pub -l` child process (C libmosquitto, QoS 1, persistent session): each line
/// written is one message on `topic`. It queues while the broker is away and reconnects.
///
/// `@unchecked Sendable`: the process and pipe are set in `init`; writes go through one
/// `FileHandle`, serialised by `lock`.
final class LinePublisher: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let lock = NSLock()

    init(topic: String, brokerPort: Int) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_pub")
        process.arguments = [
            "-p", "\(brokerPort)", "-t", topic, "-q", "1", "-l", "-c", "-i", "line-\(UUID().uuidString.prefix(8))",
            "-V", "mqttv5", "-x", "604800",
        ]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }

    func send(_ line: String) {
        lock.withLock { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }
    }

    /// Ends the input; mosquitto_pub delivers what it holds and exits (killed after 30 s).
    func finish() async {
        lock.withLock { try? input.fileHandleForWriting.close() }
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning, Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        _ = await process.exitStatus()
    }
}

/// The real `umweltd` (built with the tests) as a child process, configured by a YAML file,
/// with its stderr (the log, `info` and above) kept in a file.
///
/// `@unchecked Sendable`: the process is only touched from the test that owns this value.
final class ChildDaemon: @unchecked Sendable {
    let process = Process()
    let httpPort: Int
    let logFile: URL

    init(work: URL, brokerPort: Int, clientID: String, checkpointInterval: String = "1s") throws {
        httpPort = try MosquittoBroker.freeLoopbackPort()
        let config = work.appendingPathComponent("umwelt.yaml")
        try """
        broker: { host: 127.0.0.1, port: \(brokerPort), client_id: \(clientID) }
        http: { listen: "127.0.0.1:\(httpPort)" }
        state_dir: \(work.appendingPathComponent("state").path)
        twins_dir: \(work.appendingPathComponent("twins").path)
        checkpoint_interval: \(checkpointInterval)
        log_level: info
        """.write(to: config, atomically: true, encoding: .utf8)
        logFile = work.appendingPathComponent("umweltd-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logFile.path, contents: nil)
        process.executableURL = DaemonHarness.packageRoot.appendingPathComponent(".build/debug/umweltd")
        process.arguments = ["--config", config.path]
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        for key in environment.keys where key.hasPrefix("UMWELT_") { environment.removeValue(forKey: key) }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: logFile)
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// GETs a JSON object from the daemon's HTTP API.
    func object(_ path: String) async throws -> [String: Any]? {
        let (_, body) = try await DaemonHarness.get(port: httpPort, path: path)
        return body as? [String: Any]
    }

    /// Waits until the daemon answers `/readyz` with 200.
    func waitUntilReady(timeout: Duration = .seconds(30)) async throws -> Bool {
        try await DaemonHarness.waitUntilReady(port: httpPort, timeout: timeout)
    }

    func kill9() {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, then waits for the graceful shutdown; the exit status.
    func terminate() async -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        return await process.exitStatus()
    }
}
