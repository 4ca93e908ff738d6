import Foundation
import Logging
import Synchronization
import Testing
import UmweltCore
import UmweltMQTT
import UmweltService
import UmweltStore
import WorldModel

/// The daemon end to end against a real mosquitto: the simulator publishes days of the demo
/// office at full speed, the daemon learns them, and its published forecasts are scored.
@Suite(.serialized)
struct DaemonForecastTests {
    @Test(.timeLimit(.minutes(5)))
    func publishedOneHourTemperatureForecastsBeatPersistence() async throws {
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
        // Subscribed before the simulator publishes: nothing it sends is lost.
        #expect(try await DaemonHarness.waitUntilReady(port: port, timeout: .seconds(20)))

        // Collect every temperature forecast the daemon publishes.
        var collectorConfiguration = MQTTConfiguration(
            clientID: "collector-\(UUID().uuidString.prefix(8))", port: broker.port)
        collectorConfiguration.cleanSession = true
        let collector = try MQTTClient(configuration: collectorConfiguration, logger: logger)
        try collector.subscribe(["umwelt/demo-office/+/forecast/temperature"], qos: 1)
        try await collector.connect(timeout: .seconds(10))
        let collected = Mutex<[[UInt8]]>([])
        let collecting = Task {
            for await batch in collector.messages {
                collected.withLock { $0.append(contentsOf: batch.map(\.payload)) }
            }
        }

        let twin = try TwinFileParser.load(path: DaemonHarness.demoTwinPath)
        // Paced (about 35 ms of wall time per simulated step) so that the daemon handles
        // nearly every step on its own and publishes a forecast for it.
        let days = 3.0
        let simulatorClient = try MQTTClient(
            configuration: MQTTConfiguration(clientID: "sim-\(UUID().uuidString.prefix(8))", port: broker.port),
            logger: logger
        )
        try await simulatorClient.connect(timeout: .seconds(10))
        let publisher = SimulationPublisher(
            twin: twin,
            speed: 8_640,
            startOffsetSeconds: (days + 2) * 86_400,
            durationSeconds: days * 86_400,
            seed: 11
        )
        try await publisher.run(client: simulatorClient, logger: logger)

        let expectedSteps = Int(days * 86_400) / twin.stepSeconds - 3
        let learned = try await DaemonHarness.eventually(timeout: .seconds(90)) {
            let (_, body) = try await DaemonHarness.get(port: port, path: "/v1/twins/demo-office")
            let steps = (body as? [String: Any])?["steps_learned"] as? Int ?? 0
            return steps >= expectedSteps
        }
        #expect(learned, "daemon learned fewer than \(expectedSteps) steps")
        await simulatorClient.disconnect()
        await application.shutdown()
        try await group.value
        collecting.cancel()
        await collector.disconnect()

        // Truth: the step means the daemon stored (what a backtest would score against).
        let store = try StateStore(path: configuration.databasePath)
        let steps = try await store.steps(twin: "demo-office", after: -Double.infinity)
        var truth: [String: [Double: Double]] = [:]
        for stored in steps {
            let step = try JSONDecoder().decode(ClosedStep.self, from: Data(stored.payload))
            // Indoor zones: the building, not the weather.
            for (key, value) in step.values where key.quantity == .temperature && key.zone != "outdoor" {
                truth[key.zone, default: [:]][step.start] = value.mean
            }
        }
        let firstStep = try #require(steps.first?.start)
        let stepSeconds = Double(twin.stepSeconds)
        let hourIndex = 3600 / twin.stepSeconds - 1
        var modelErrors: [Double] = []
        var persistenceErrors: [Double] = []
        for payload in collected.withLock({ $0 }) {
            guard let object = try JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
                let zone = object["zone"] as? String,
                let issued = (object["issued_at"] as? String).flatMap({ TimestampParser.parseRFC3339($0) }),
                let horizon = object["horizon"] as? [[String: Any]], horizon.count > hourIndex,
                let mean = horizon[hourIndex]["mean"] as? Double,
                let targetText = horizon[hourIndex]["time"] as? String,
                let target = TimestampParser.parseRFC3339(targetText)
            else { continue }
            let origin = issued - stepSeconds
            guard origin >= firstStep + 86_400,  // skip the first simulated day (warm-up)
                let observed = truth[zone]?[target], let last = truth[zone]?[origin]
            else { continue }
            modelErrors.append(abs(mean - observed))
            persistenceErrors.append(abs(last - observed))
        }
        let modelMAE = modelErrors.reduce(0, +) / Double(max(modelErrors.count, 1))
        let persistenceMAE = persistenceErrors.reduce(0, +) / Double(max(persistenceErrors.count, 1))
        print(
            "1-hour indoor temperature MAE over \(modelErrors.count) forecasts: model \(modelMAE) °C, persistence \(persistenceMAE) °C"
        )
        #expect(modelErrors.count >= 200)
        #expect(modelMAE < persistenceMAE)
    }
}
