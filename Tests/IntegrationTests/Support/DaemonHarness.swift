import Foundation
import FoundationNetworking
import Logging
import UmweltCore
import UmweltService

/// Temporary directories, free ports, HTTP GETs and the package's paths, for daemon tests.
enum DaemonHarness {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var demoTwinPath: String { packageRoot.appendingPathComponent("Twins/demo-office.yaml").path }

    /// A fresh directory with `twins/` holding the demo twin and an empty `state/`.
    static func makeWorkDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("umwelt-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("twins"),
            withIntermediateDirectories: true
        )
        try FileManager.default.createDirectory(
            at: url.appendingPathComponent("state"),
            withIntermediateDirectories: true
        )
        try FileManager.default.copyItem(
            atPath: demoTwinPath,
            toPath: url.appendingPathComponent("twins/demo-office.yaml").path
        )
        return url
    }

    static func configuration(work: URL, brokerPort: Int, clientID: String = "umweltd-test") -> UmweltConfiguration {
        var configuration = UmweltConfiguration()
        configuration.broker.port = brokerPort
        configuration.broker.clientID = clientID + "-" + UUID().uuidString.prefix(8)
        configuration.twinsDirectory = work.appendingPathComponent("twins").path
        configuration.stateDirectory = work.appendingPathComponent("state").path
        configuration.httpPort = 0
        configuration.logLevel = "warning"
        return configuration
    }

    /// GETs `path` on 127.0.0.1:`port`; returns status and JSON body.
    static func get(port: Int, path: String) async throws -> (Int, Any?) {
        let url = URL(string: "http://127.0.0.1:\(port)\(path)")!
        let (data, response) = try await URLSession.shared.data(from: url)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        return (status, try? JSONSerialization.jsonObject(with: data))
    }

    /// Polls `condition` every 100 ms until it holds or `timeout` passes.
    static func eventually(
        timeout: Duration,
        _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if (try? await condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    /// Polls the daemon's `/readyz` on `port` until it answers 200 (twins loaded, broker
    /// connected) or `timeout` passes.
    static func waitUntilReady(port: Int, timeout: Duration) async throws -> Bool {
        try await eventually(timeout: timeout) { try await get(port: port, path: "/readyz").0 == 200 }
    }

    static func testLogger() -> Logger {
        var logger = Logger(label: "umwelt-test")
        logger.logLevel = .warning
        return logger
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
