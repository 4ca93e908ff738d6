import Foundation
import Logging
import Testing
import UmweltCore
import UmweltMQTT
import UmweltService

/// The daemon survives what real deployments throw at it: kill -9 and garbage payloads.
@Suite(.serialized)
struct DaemonRobustnessTests {
    /// The real `umweltd` (built with the tests) on the demo twin, with its HTTP port.
    final class DemoDaemon {
        let daemon: DaemonProcess
        let httpPort: Int

        init(work: URL, brokerPort: Int, clientID: String) throws {
            httpPort = try MosquittoBroker.freeLoopbackPort()
            var environment = ProcessInfo.processInfo.environment
            environment["UMWELT_CLIENT_ID"] = clientID
            environment["UMWELT_LOG_LEVEL"] = "warning"
            environment.removeValue(forKey: "NOTIFY_SOCKET")
            daemon = try DaemonProcess.launch(
                binary: DaemonHarness.packageRoot.appendingPathComponent(".build/debug/umweltd").path,
                arguments: [
                    "--broker", "127.0.0.1:\(brokerPort)",
                    "--twins", work.appendingPathComponent("twins").path,
                    "--state-dir", work.appendingPathComponent("state").path,
                    "--http", "127.0.0.1:\(httpPort)",
                ],
                environment: environment
            )
        }

        func summary() async throws -> [String: Any]? {
            let (_, body) = try await DaemonHarness.get(port: httpPort, path: "/v1/twins/demo-office")
            return body as? [String: Any]
        }

        func kill9() {
            daemon.kill()
        }

        /// A test that fails early must not leave its daemon running.
        deinit {
            daemon.kill()
        }

        func terminate() async -> Int32? {
            daemon.signal(SIGTERM)
            return await daemon.waitForExit(timeout: .seconds(30))
        }
    }

    private func simulate(port: Int, offsetDays: Double, hours: Double, seed: UInt64) async throws {
        let logger = DaemonHarness.testLogger()
        let twin = try TwinFileParser.load(path: DaemonHarness.demoTwinPath)
        let client = try MQTTClient(
            configuration: MQTTConfiguration(clientID: "sim-\(UUID().uuidString.prefix(8))", port: port),
            logger: logger
        )
        try await client.connect(timeout: .seconds(10))
        let publisher = SimulationPublisher(
            twin: twin,
            speed: 0,
            startOffsetSeconds: offsetDays * 86_400,
            durationSeconds: hours * 3600,
            seed: seed
        )
        try await publisher.run(client: client, logger: logger)
        await client.disconnect()
    }

    @Test(.timeLimit(.minutes(8)))
    func restartAfterKillNineIsNotWarmingUp() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        // A 2-hour horizon: this test is about restarts, and the debug build's 24-hour
        // rollouts would make a simulated day slow while the rest of the suite runs.
        let twinFile = work.appendingPathComponent("twins/demo-office.yaml").path
        let twinText = try String(contentsOfFile: twinFile, encoding: .utf8)
        try twinText.replacingOccurrences(of: "horizon: 24h", with: "horizon: 2h")
            .write(toFile: twinFile, atomically: true, encoding: .utf8)
        let clientID = "umweltd-kill-\(UUID().uuidString.prefix(8))"
        let first = try DemoDaemon(work: work, brokerPort: broker.port, clientID: clientID)
        defer { first.kill9() }
        let up = try await DaemonHarness.eventually(timeout: .seconds(30)) { try await first.summary() != nil }
        try #require(up, "daemon did not answer on HTTP")
        // A simulated day (the warm-up is half a day), from three days ago.
        try await simulate(port: broker.port, offsetDays: 3, hours: 26, seed: 3)
        // Generous: the whole suite runs in parallel on two cores.
        let learned = try await DaemonHarness.eventually(timeout: .seconds(180)) {
            let zones = try await first.summary()?["zones"] as? [[String: Any]] ?? []
            let indoor = zones.filter { ($0["kind"] as? String) == "indoor" }
            return !indoor.isEmpty && indoor.allSatisfy { ($0["warming_up"] as? Bool) == false }
        }
        let progress = try await first.summary()
        try #require(learned, "zones still warming up after a simulated day: \(String(describing: progress))")
        let stepsBefore = try await first.summary()?["steps_learned"] as? Int ?? 0
        // Give the supervisor a second to write the steps, then crash hard.
        try await Task.sleep(for: .seconds(2))
        first.kill9()

        // Stopped at the end of the test, or killed by its deinit when the test fails early.
        let second = try DemoDaemon(work: work, brokerPort: broker.port, clientID: clientID)
        let restored = try await DaemonHarness.eventually(timeout: .seconds(60)) {
            try await second.summary() != nil
        }
        try #require(restored)
        let summary = try #require(try await second.summary())
        let stepsAfter = summary["steps_learned"] as? Int ?? 0
        #expect(stepsAfter >= stepsBefore - 2, "lost more than the open steps: \(stepsBefore) -> \(stepsAfter)")
        let zones = summary["zones"] as? [[String: Any]] ?? []
        for zone in zones where (zone["kind"] as? String) == "indoor" {
            #expect((zone["warming_up"] as? Bool) == false, "\(zone["id"] ?? "?") back to warming up")
        }
        // And its next forecast, after more data, is not warming up either.
        try await simulate(port: broker.port, offsetDays: 1.9, hours: 1, seed: 4)
        let forecastOK = try await DaemonHarness.eventually(timeout: .seconds(30)) {
            let (status, body) = try await DaemonHarness.get(
                port: second.httpPort,
                path: "/v1/twins/demo-office/zones/meeting-room/forecast"
            )
            let forecasts = body as? [[String: Any]] ?? []
            return status == 200 && !forecasts.isEmpty && forecasts.allSatisfy { ($0["warming_up"] as? Bool) == false }
        }
        #expect(forecastOK)
        _ = await second.terminate()
    }

    @Test(.timeLimit(.minutes(3)))
    func garbagePayloadsAreCountedAndDaemonKeepsRunning() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let configuration = DaemonHarness.configuration(work: work, brokerPort: broker.port)
        let logger = DaemonHarness.testLogger()
        let application = try await UmweltApplication.build(
            configuration: configuration,
            logger: logger,
            environment: [:]
        )
        let group = Task { try await application.run() }
        let port = try #require(await application.httpPort())
        let ready = try await DaemonHarness.waitUntilReady(port: port, timeout: .seconds(20))
        try #require(ready)

        let client = try MQTTClient(
            configuration: MQTTConfiguration(clientID: "garbage-\(UUID().uuidString.prefix(8))", port: broker.port),
            logger: logger
        )
        try await client.connect(timeout: .seconds(10))
        var random = SystemRandomNumberGenerator()
        let garbage: [(String, [UInt8])] = [
            ("site/meeting-room/co2", (0..<64).map { _ in UInt8.random(in: 0...255, using: &random) }),
            ("site/meeting-room/co2", Array(repeating: UInt8(ascii: "9"), count: 1_000_000)),
            ("site/meeting-room/co2", Array("NaN".utf8)),
            ("zigbee2mqtt/meeting_sensor", Array(#"{"temperature":"warm","last_seen":"2026-01-01T00:00:00Z"}"#.utf8)),
            ("zigbee2mqtt/meeting_sensor", Array(#"{"temperature":21.5,"#.utf8)),
            ("zigbee2mqtt/meeting_sensor", Array(String(repeating: "[", count: 5000).utf8)),
            ("site/meeting-room/co2", [0xC3, 0x28]),
            ("site/meeting-room/co2", Array("-5".utf8)),
            ("tele/open_office/SENSOR", Array(#"{"SCD30":{"Temperature":1e308}}"#.utf8)),
        ]
        let rounds = 20
        for _ in 0..<rounds {
            for (topic, payload) in garbage {
                try client.publish(Message(topic: topic, payload: payload, qos: 1))
            }
        }
        let counted = try await DaemonHarness.eventually(timeout: .seconds(30)) {
            let (_, body) = try await DaemonHarness.get(port: port, path: "/v1/status")
            let rejected = (body as? [String: Any])?["rejected_by_reason"] as? [String: Int] ?? [:]
            return rejected.values.reduce(0, +) >= rounds * garbage.count
        }
        #expect(counted, "\(application.statistics.snapshot.rejectedByReason)")
        let snapshot = application.statistics.snapshot
        #expect(snapshot.readingsAccepted == 0)
        #expect(Set(snapshot.rejectedByReason.keys).count >= 4, "\(snapshot.rejectedByReason)")
        #expect(try await DaemonHarness.get(port: port, path: "/healthz").0 == 200)
        await client.disconnect()
        await application.shutdown()
        try await group.value
    }
}
