import Foundation
import Testing
import UmweltMQTT

/// Every twin of a daemon that serves several has a last will: after a kill -9 the broker
/// marks each twin `offline`, and a restarted daemon marks each `online` again.
@Suite(.serialized)
struct TwinStatusWillTests {
    private func statuses(port: Int, twins: [String]) async throws -> [String: String] {
        var configuration = MQTTConfiguration(clientID: "status-reader-\(UUID().uuidString.prefix(8))", port: port)
        configuration.cleanSession = true
        let reader = try MQTTClient(configuration: configuration, logger: DaemonHarness.testLogger())
        try reader.subscribe(twins.map { "umwelt/\($0)/status" }, qos: 1)
        try await reader.connect(timeout: .seconds(10))
        var result: [String: String] = [:]
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while result.count < twins.count, clock.now < deadline {
            let batch = await withTaskGroup(of: [Message]?.self) { group in
                group.addTask { await reader.nextBatch() }
                group.addTask {
                    try? await Task.sleep(for: .seconds(1))
                    return nil
                }
                let first = await group.next() ?? nil
                group.cancelAll()
                return first
            }
            for message in batch ?? [] {
                result[message.topic.split(separator: "/")[1].description] = String(
                    decoding: message.payload, as: UTF8.self)
            }
        }
        await reader.disconnect()
        return result
    }

    @Test(.timeLimit(.minutes(2)))
    func everyTwinGoesOfflineWhenTheDaemonIsKilled() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let twins = ["site-a", "site-b"]
        let work = try ReliabilityHarness.makeWorkDirectory(twins: twins.map { ($0, 1) })
        defer { try? FileManager.default.removeItem(at: work) }
        let binary = DaemonHarness.packageRoot.appendingPathComponent(".build/debug/umweltd").path
        let arguments = [
            "--broker", "127.0.0.1:\(broker.port)", "--twins", work.appendingPathComponent("twins").path,
            "--state-dir", work.appendingPathComponent("state").path, "--http", "127.0.0.1:0",
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["UMWELT_CLIENT_ID"] = "umweltd-will-\(UUID().uuidString.prefix(8))"
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        let daemon = try DaemonProcess.launch(binary: binary, arguments: arguments, environment: environment)
        defer { daemon.kill() }

        var online: [String: String] = [:]
        for _ in 0..<20 where online.values.filter({ $0 == "online" }).count < twins.count {
            online = try await statuses(port: broker.port, twins: twins)
        }
        #expect(online == ["site-a": "online", "site-b": "online"], "\(daemon.standardError.suffix(2000))")

        daemon.kill()  // SIGKILL: no clean shutdown, only the broker's wills
        var offline: [String: String] = [:]
        for _ in 0..<20 where offline.values.filter({ $0 == "offline" }).count < twins.count {
            offline = try await statuses(port: broker.port, twins: twins)
        }
        #expect(offline == ["site-a": "offline", "site-b": "offline"])
    }
}
