import Foundation
import Logging
import Testing
import UmweltCore
import UmweltMQTT
import UmweltService

/// `/metrics` of a daemon run in-process on simulated data: names, labels and values.
@Suite(.serialized)
struct MetricsEndpointTests {
    @Test(.timeLimit(.minutes(1)))
    func metricsEndpointExposesIngestLearningForecastAndStateMetrics() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        var configuration = DaemonHarness.configuration(work: work, brokerPort: broker.port)
        configuration.checkpointIntervalSeconds = 1
        let logger = DaemonHarness.testLogger()
        let application = try await UmweltApplication.build(
            configuration: configuration,
            logger: logger,
            environment: [:]
        )
        let group = Task { try await application.run() }
        defer { group.cancel() }
        let port = try #require(await application.httpPort())
        // Subscribed before the simulator publishes: nothing it sends is lost.
        #expect(try await DaemonHarness.waitUntilReady(port: port, timeout: .seconds(20)))

        let twin = try TwinFileParser.load(path: DaemonHarness.demoTwinPath)
        let client = try MQTTClient(
            configuration: MQTTConfiguration(clientID: "sim-\(UUID().uuidString.prefix(8))", port: broker.port),
            logger: logger
        )
        try await client.connect(timeout: .seconds(10))
        let publisher = SimulationPublisher(twin: twin, speed: 0, startOffsetSeconds: 86_400, durationSeconds: 4 * 3600)
        _ = try await publisher.run(client: client, logger: logger)
        try client.publish(Message(topic: "site/meeting-room/co2", payload: Array("lots".utf8), qos: 1))
        await client.disconnect()
        _ = try await PrometheusText.scrape(port: port, path: "/v1/twins/demo-office/zones/open-office/forecast")

        var metrics = PrometheusText("")
        let complete = try await DaemonHarness.eventually(timeout: .seconds(15)) {
            metrics = PrometheusText(try await PrometheusText.scrape(port: port).1)
            return (metrics.value("umwelt_steps_learned_total", ["twin": "demo-office"]) ?? 0) >= 40
                && metrics.value("umwelt_payloads_rejected_total", ["reason": "not_a_number"]) == 1
                && metrics.value("umwelt_checkpoint_age_seconds", ["twin": "demo-office"]) != nil
        }
        #expect(complete, "\(metrics.text)")
        #expect((metrics.value("umwelt_mqtt_messages_received_total") ?? 0) > 500)
        for quantity in ["temperature", "humidity", "co2", "occupancy"] {
            #expect((metrics.value("umwelt_readings_total", ["quantity": quantity]) ?? 0) > 25, "\(quantity)")
        }
        #expect((metrics.value("umwelt_step_update_duration_seconds_count", ["twin": "demo-office"]) ?? 0) > 0)
        #expect(metrics.labels("umwelt_step_update_duration_seconds_bucket").contains { $0["le"] == "0.001" })
        #expect((metrics.value("umwelt_forecast_latency_seconds_count") ?? 0) >= 1)
        let scored = metrics.labels("umwelt_forecast_abs_error_count")
        for horizon in ["5m", "1h"] {
            #expect(scored.contains { $0["horizon"] == horizon && $0["quantity"] == "temperature" }, "\(scored)")
        }
        #expect(metrics.value("umwelt_broker_connected") == 1)
        #expect(metrics.value("umwelt_broker_reconnects_total") == 0)
        #expect((metrics.value("umwelt_sqlite_size_bytes") ?? 0) > 4096)
        #expect((metrics.value("umwelt_checkpoint_age_seconds", ["twin": "demo-office"]) ?? 99) < 5)
        #expect(metrics.value("umwelt_twins") == 1)
        let names = Set(metrics.samples.map(\.name))
        #expect(names.allSatisfy { $0.hasPrefix("umwelt_") }, "\(names.sorted())")
        // Every metric the Grafana dashboard queries exists (those counting rare events
        // appear with their first event).
        let dashboard = try String(
            contentsOf: DaemonHarness.packageRoot.appendingPathComponent("Deploy/grafana-umwelt.json"),
            encoding: .utf8
        )
        let queried = Set(dashboard.matches(of: /umwelt_[a-z0-9_]+/).map { String($0.output) })
        let rare: Set<String> = ["umwelt_anomalies_total", "umwelt_storage_errors_total", "umwelt_readings_late_total"]
        for name in queried.subtracting(rare) {
            #expect(names.contains(name), "the dashboard queries \(name), which /metrics does not have")
        }

        await application.shutdown()
        try await group.value
    }
}
