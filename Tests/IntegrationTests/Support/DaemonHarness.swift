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

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { throw HarnessError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
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
