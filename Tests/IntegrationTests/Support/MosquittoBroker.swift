import Foundation

/// A real `mosquitto` broker on a free loopback port, for integration tests.
///
/// The broker gets a generated configuration in a fresh temporary directory (listener on
/// 127.0.0.1 only, anonymous access, optional persistence, a queue large enough that a test
/// publishing at full speed loses no QoS 1 message) plus any `extraConfig` lines; its log is
/// `log` in that directory. `start` returns once the port accepts connections; `stop()`
/// sends SIGTERM and waits (SIGKILL after 5 s) and removes the directory; `restart()` stops
/// and starts it again on the same port with the same persistence file.
///
/// `@unchecked Sendable`: the only mutable state (the running process) is guarded by `lock`.
final class MosquittoBroker: @unchecked Sendable {
    /// The loopback port the broker listens on.
    let port: Int
    /// The temporary directory holding the configuration, log and persistence file.
    let directory: URL
    private let executable: URL
    private let configPath: String
    private let lock = NSLock()
    private var process: Process?
    private var isStopped = false

    private init(port: Int, directory: URL, executable: URL, configPath: String) {
        self.port = port
        self.directory = directory
        self.executable = executable
        self.configPath = configPath
    }

    deinit {
        stop()
    }

    /// Starts a broker; retries on a fresh port if another process took the first one.
    static func start(persistence: Bool = false, extraConfig: String = "") throws -> MosquittoBroker {
        let executable = try findExecutable()
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = try freeLoopbackPort()
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("mosquitto-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let configPath = directory.appendingPathComponent("mosquitto.conf").path
            let config = configuration(port: port, directory: directory, persistence: persistence, extra: extraConfig)
            try config.write(toFile: configPath, atomically: true, encoding: .utf8)
            let broker = MosquittoBroker(
                port: port,
                directory: directory,
                executable: executable,
                configPath: configPath
            )
            do {
                try broker.launch()
                return broker
            } catch {
                lastError = error
                broker.stop()
            }
        }
        throw lastError ?? BrokerError("mosquitto did not start")
    }

    /// Stops the broker (SIGTERM, then waits) and removes its directory. Idempotent.
    func stop() {
        lock.withLock {
            guard !isStopped else { return }
            isStopped = true
            terminateLocked()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    /// Stops the broker and starts it again on the same port; with persistence on, the
    /// broker saves its sessions at SIGTERM and loads them at start.
    func restart() throws {
        lock.withLock { terminateLocked() }
        try launch()
    }

    /// Stops the broker (SIGTERM: with persistence on it saves its sessions and queues),
    /// keeps it down for `downtime`, and starts it again on the same port.
    func restart(downtime: Duration) async throws {
        lock.withLock { terminateLocked() }
        try await Task.sleep(for: downtime)
        try launch()
    }

    /// The broker's log so far (for failure messages).
    var log: String {
        (try? String(contentsOf: directory.appendingPathComponent("log"), encoding: .utf8)) ?? ""
    }

    /// A port that was free on 127.0.0.1 a moment ago (bound to port 0, then closed).
    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BrokerError("socket() failed: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = loopbackAddress(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw BrokerError("cannot bind a loopback socket: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private func launch() throws {
        try lock.withLock {
            guard !isStopped else { throw BrokerError("broker was stopped") }
            let process = Process()
            process.executableURL = executable
            process.arguments = ["-c", configPath]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            // The child inherits this thread's signal mask; test runner threads may block
            // SIGTERM, which would leave the broker deaf to `stop()`. Unblock around the spawn.
            var empty = sigset_t()
            var previous = sigset_t()
            sigemptyset(&empty)
            pthread_sigmask(SIG_SETMASK, &empty, &previous)
            defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
            try process.run()
            self.process = process
        }
        try waitUntilAccepting(timeout: 5)
    }

    /// Polls a TCP connect to the port until it succeeds or the process exits.
    private func waitUntilAccepting(timeout: TimeInterval) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let running = lock.withLock { process?.isRunning ?? false }
            guard running else { throw BrokerError("mosquitto exited at start on port \(port): \(log)") }
            // Every listener, including those of `extraConfig` (a TLS port, say).
            if ([port] + extraListenerPorts).allSatisfy({ Self.accepts(port: $0) }) { return }
            usleep(5_000)
        }
        throw BrokerError("mosquitto did not accept connections on port \(port) within \(timeout) s: \(log)")
    }

    private func terminateLocked() {
        guard let process, process.isRunning else {
            self.process = nil
            return
        }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning, Date() < deadline {
            usleep(5_000)
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        self.process = nil
    }

    /// Ports of `listener N ...` lines in the configuration file beyond the main one.
    private var extraListenerPorts: [Int] {
        guard let text = try? String(contentsOfFile: configPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line -> Int? in
            let words = line.split(separator: " ")
            guard words.count >= 2, words[0] == "listener", let value = Int(words[1]), value != port else { return nil }
            return value
        }
    }

    private static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopbackAddress(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                connect(fd, raw, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopbackAddress(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    private static func configuration(port: Int, directory: URL, persistence: Bool, extra: String) -> String {
        var lines = [
            "listener \(port) 127.0.0.1",
            "allow_anonymous true",
            "max_queued_messages 1000000",
            "log_dest file \(directory.appendingPathComponent("log").path)",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
        ]
        if getuid() == 0 {
            // As root, mosquitto would drop to the `mosquitto` user, which cannot write here.
            lines.append("user root")
        }
        if persistence {
            lines.append("persistence true")
            lines.append("persistence_location \(directory.path)/")
            lines.append("autosave_interval 1800")
        } else {
            lines.append("persistence false")
        }
        if !extra.isEmpty {
            lines.append(extra)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func findExecutable() throws -> URL {
        var candidates = ["/usr/sbin/mosquitto"]
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        candidates += path.split(separator: ":").map { "\($0)/mosquitto" }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BrokerError("mosquitto not found in /usr/sbin or PATH")
        }
        return URL(fileURLWithPath: found)
    }
}

/// Why the test broker could not be started.
struct BrokerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
