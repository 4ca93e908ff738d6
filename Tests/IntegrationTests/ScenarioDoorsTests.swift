import BuildingSimulator
import Foundation
import Logging
import Synchronization
import Testing
import UmweltCore
import UmweltMQTT
import UmweltService
import UmweltStore
import WorldModel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One scenario request through all three doors (HTTP, MQTT 5 request/response, MQTT 3.1.1
/// `reply_to`, and the CLI function) against a daemon with a real mosquitto: the same bytes.
@Suite(.serialized)
struct ScenarioDoorsTests {
    static let horizonSeconds = 10_800

    /// Simulates a day and a half of the demo office and stores its closed steps, as a daemon
    /// that learned them would have (the daemon and the CLI both replay them at start).
    static func storeLearnedSteps(twinPath: String, databasePath: String) async throws -> Double {
        var twin = try TwinFileParser.load(path: twinPath)
        twin.horizonSteps = horizonSeconds / twin.stepSeconds
        let router = Router(twins: [twin])
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        let monday = 1_767_567_600.0
        var simulator = BuildingSimulator(twin: twin, configuration: SimulatorConfiguration(start: monday))
        var steps: [StoredStep] = []
        let encoder = JSONEncoder()
        func keep(_ reports: [StepReport]) throws {
            for report in reports {
                steps.append(StoredStep(start: report.step.start, payload: Array(try encoder.encode(report.step))))
            }
        }
        let end = monday + 30 * 3_600
        while simulator.time < end {
            for message in simulator.step() {
                for (_, routed) in router.route(
                    topic: message.topic, payload: message.payload, arrivalTime: message.time)
                {
                    for reading in routed.readings { _ = model.ingest(reading) }
                }
            }
            if Int(simulator.time) % 300 == 0 { try keep(model.advance(to: simulator.time - 300 + 30)) }
        }
        try keep(model.advance(to: end + 30))
        let store = try StateStore(path: databasePath)
        try await store.saveSteps(twin: twin.id, steps)
        return try #require(model.lastClosedStep) + 300
    }

    /// Runs `mosquitto_rr` (as in README.md, "What if") and returns the answer it prints.
    static func mosquittoRR(port: Int, request: [UInt8], responseTopic: String) async throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_rr")
        process.arguments = [
            "-p", "\(port)", "-t", "umwelt/demo-office/scenario/request", "-e", responseTopic,
            "-m", String(decoding: request, as: UTF8.self), "-W", "15", "-N",
        ]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = await OffPool.run { output.fileHandleForReading.readDataToEndOfFile() }
        _ = await process.exitStatus()
        return Array(data)
    }

    static func post(port: Int, body: [UInt8]) async throws -> (Int, [UInt8]) {
        try await ScenarioClient.post(url: "http://127.0.0.1:\(port)", twin: "demo-office", request: body)
    }

    @Test(.timeLimit(.minutes(2)))
    func allDoorsAnswerTheSameRequestWithTheSameBytes() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        var configuration = DaemonHarness.configuration(work: work, brokerPort: broker.port)
        configuration.horizonSeconds = Double(Self.horizonSeconds)
        let twinPath = work.appendingPathComponent("twins/demo-office.yaml").path
        try FileManager.default.createDirectory(atPath: configuration.stateDirectory, withIntermediateDirectories: true)
        let start = try await Self.storeLearnedSteps(twinPath: twinPath, databasePath: configuration.databasePath)

        let logger = DaemonHarness.testLogger()
        let application = try await UmweltApplication.build(
            configuration: configuration, logger: logger, environment: [:])
        let group = Task { try await application.run() }
        let port = try #require(await application.httpPort())

        let request = Array(
            """
            {"horizon": "2h", "id": "doors",
             "overrides": [
               {"zone": "meeting-room", "quantity": "setpoint", "value": 23, "from": "\(formatRFC3339(start + 1_800))"},
               {"zone": "open-office", "quantity": "occupancy", "scale": 2},
               {"zone": "outdoor", "quantity": "temperature", "offset": -5}
             ],
             "targets": [{"zone": "focus-room", "quantity": "temperature", "value": 22, "by": "\(formatRFC3339(start + 5_400))"}]}
            """.utf8)

        // HTTP (and the CLI's --url, which posts the same way).
        let (status, httpAnswer) = try await Self.post(port: port, body: request)
        #expect(status == 200, "\(String(decoding: httpAnswer, as: UTF8.self))")
        let (badStatus, badAnswer) = try await Self.post(
            port: port,
            body: Array("{\"overrides\": [{\"zone\": \"attic\", \"quantity\": \"setpoint\", \"value\": 20}]}".utf8))
        #expect(badStatus == 422)
        #expect(String(decoding: badAnswer, as: UTF8.self).contains("overrides[0].zone"))

        // MQTT 5: response topic and correlation data; MQTT 3.1.1: reply_to in the payload.
        var clientConfiguration = MQTTConfiguration(clientID: "asker-\(UUID().uuidString.prefix(8))", port: broker.port)
        clientConfiguration.cleanSession = true
        let asker = try MQTTClient(configuration: clientConfiguration, logger: logger)
        let replies = "test/\(UUID().uuidString.prefix(8))/answers"
        try asker.subscribe([replies + "/#"], qos: 1)
        try await asker.connect(timeout: .seconds(10))
        let received = Mutex<[Message]>([])
        let collecting = Task {
            for await batch in asker.messages { received.withLock { $0.append(contentsOf: batch) } }
        }
        try await Task.sleep(for: .milliseconds(300))
        try asker.publish(
            Message(
                topic: "umwelt/demo-office/scenario/request", payload: request, qos: 1, responseTopic: replies + "/v5",
                correlationData: [0xCA, 0xFE, 0x01]))
        var legacy = try #require(try JSONSerialization.jsonObject(with: Data(request)) as? [String: Any])
        legacy["reply_to"] = replies + "/v311"
        try asker.publish(
            Message(
                topic: "umwelt/demo-office/scenario/request",
                payload: Array(try JSONSerialization.data(withJSONObject: legacy)), qos: 1))
        try asker.publish(
            Message(
                topic: "umwelt/demo-office/scenario/request", payload: Array("{\"horizon\": \"9d\"}".utf8), qos: 1,
                responseTopic: replies + "/error", correlationData: [7]))
        let answered = try await DaemonHarness.eventually(timeout: .seconds(20)) {
            received.withLock { $0.count >= 3 }
        }
        #expect(answered)
        let messages = received.withLock { $0 }
        let v5 = try #require(messages.first { $0.topic == replies + "/v5" })
        #expect(v5.correlationData == [0xCA, 0xFE, 0x01])
        let v311 = try #require(messages.first { $0.topic == replies + "/v311" })
        let error = try #require(messages.first { $0.topic == replies + "/error" })
        #expect(error.correlationData == [7])
        #expect(String(decoding: error.payload, as: UTF8.self).contains("\"field\":\"horizon\""))
        collecting.cancel()
        await asker.disconnect()

        // mosquitto_rr, the README's client (MQTT 5 request/response).
        let rr = try await Self.mosquittoRR(port: broker.port, request: request, responseTopic: replies + "/rr")
        #expect(rr == httpAnswer, "\(String(decoding: rr, as: UTF8.self).prefix(300))")

        // Every door's answer was timed for Prometheus.
        let (metricsData, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let metricsText = String(decoding: metricsData, as: UTF8.self)
        #expect(
            metricsText.contains("umwelt_scenario_latency_seconds_count{twin=\"demo-office\"}"),
            "\(metricsText.prefix(2000))")

        await application.shutdown()
        try await group.value

        // The CLI function, from the daemon's state database.
        let cli = try await ScenarioClient.answer(
            twinPath: twinPath, databasePath: configuration.databasePath, request: request,
            horizonSeconds: Self.horizonSeconds, logger: logger)
        #expect(cli.isAnswer)

        #expect(v5.payload == httpAnswer)
        #expect(v311.payload == httpAnswer)
        #expect(cli.body == httpAnswer)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(httpAnswer)) as? [String: Any])
        #expect(document["id"] as? String == "doors")
        let zones = try #require(document["zones"] as? [String: Any])
        #expect(Set(zones.keys) == ["meeting-room", "open-office", "kitchen", "focus-room", "outdoor"])
        let targets = try #require(document["targets"] as? [[String: Any]])
        #expect(targets.count == 1)
    }
}
