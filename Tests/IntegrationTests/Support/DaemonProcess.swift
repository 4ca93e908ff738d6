import Foundation

/// The `umweltd` executable run as a child process, with its stderr kept for messages.
///
/// `@unchecked Sendable`: `Process` is only touched from the test that owns this value.
final class DaemonProcess: @unchecked Sendable {
    private let process: Process
    private let errorFile: URL

    private init(process: Process, errorFile: URL) {
        self.process = process
        self.errorFile = errorFile
    }

    static func launch(binary: String, arguments: [String], environment: [String: String]) throws -> DaemonProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.environment = environment
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent(
            "umweltd-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardOutput = FileHandle.nullDevice
        // Test runner threads may block signals; the child would inherit the mask.
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        return DaemonProcess(process: process, errorFile: errorFile)
    }

    var standardError: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    func signal(_ signal: Int32) {
        Glibc.kill(process.processIdentifier, signal)
    }

    /// The exit status, or nil if the process still runs after `timeout`.
    func waitForExit(timeout: Duration) async -> Int32? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while process.isRunning, clock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Kills the daemon if it still runs and removes its stderr file.
    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: errorFile)
    }
}
