import Foundation
import Synchronization
import Testing
import UmweltCore
import UmweltMQTT
import UmweltService

/// A burst of history through a real mosquitto: the daemon learns every step, publishes an
/// anomaly event for every step that has one, spaces out its forecasts while it catches up,
/// and publishes the forecast of the newest step once the burst ends.
@Suite(.serialized)
struct IngestBurstThrottleTests {
    static let twin = "burst"
    static let zones = 3
    static let steps = 1_200
    /// Monday 2024-01-01 00:00 UTC: history, far behind the wall clock.
    static let dataStart = 1_704_067_200.0
    /// Zone z1 reads 8 K too warm in these steps (an anomaly well after warm-up).
    static let spikeSteps = 900..<903

    /// Zone `zone`'s temperature in step `step`: a daily cycle, one reading a minute into the step.
    static func message(step: Int, zone: Int) -> Message {
        let time = dataStart + Double(step) * 300 + 60
        var value = 21 + 1.5 * sin(time / 86_400 * 2 * .pi) + 0.2 * Double(zone)
        if zone == 1 && spikeSteps.contains(step) { value += 8 }
        let payload = #"{"t":\#(Int(time)),"v":\#(String(format: "%.3f", value))}"#
        return Message(topic: ReliabilityHarness.topic(twin: twin, zone: zone), payload: Array(payload.utf8), qos: 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func burstLearnsEveryStepThrottlesForecastsAndPublishesTheNewest() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try ReliabilityHarness.makeWorkDirectory(twins: [(id: Self.twin, zones: Self.zones)])
        defer { try? FileManager.default.removeItem(at: work) }
        let twinFile = work.appendingPathComponent("twins/\(Self.twin).yaml")
        // A 24 h horizon, as the daemon usually runs: the forecast that catching up saves.
        try ReliabilityHarness.twinYAML(id: Self.twin, zones: Self.zones, horizon: "24h")
            .write(to: twinFile, atomically: true, encoding: .utf8)
        let logger = DaemonHarness.testLogger()
        let application = try await UmweltApplication.build(
            configuration: DaemonHarness.configuration(work: work, brokerPort: broker.port),
            logger: logger,
            environment: [:]
        )
        let group = Task { try await application.run() }
        let port = try #require(await application.httpPort())
        #expect(try await DaemonHarness.waitUntilReady(port: port, timeout: .seconds(20)))

        // A witness of every forecast of zone z0 and every anomaly event.
        var witnessConfiguration = MQTTConfiguration(
            clientID: "witness-\(UUID().uuidString.prefix(8))", port: broker.port)
        witnessConfiguration.cleanSession = true
        let witness = try MQTTClient(configuration: witnessConfiguration, logger: logger)
        try witness.subscribe(["umwelt/\(Self.twin)/z0/forecast/temperature", "umwelt/\(Self.twin)/+/anomaly"], qos: 1)
        try await witness.connect(timeout: .seconds(10))
        let seen = BurstWitness()
        let messages = witness.messages
        let watching = Task {
            for await batch in messages { seen.record(batch) }
        }

        // The burst: every step's readings, as fast as the publisher can send them.
        var publisherConfiguration = MQTTConfiguration(
            clientID: "history-\(UUID().uuidString.prefix(8))", port: broker.port)
        publisherConfiguration.cleanSession = true
        let publisher = try MQTTClient(configuration: publisherConfiguration, logger: logger)
        try await publisher.connect(timeout: .seconds(10))
        for step in 0..<Self.steps {
            for zone in 0..<Self.zones { try publisher.publish(Self.message(step: step, zone: zone)) }
        }

        // Every step but the last (still open: no later reading) is learned.
        let expectedSteps = Self.steps - 1
        let newestStepEnd = Self.dataStart + Double(expectedSteps) * 300
        var summary: [String: Any] = [:]
        let learned = try await DaemonHarness.eventually(timeout: .seconds(40)) {
            let (_, body) = try await DaemonHarness.get(port: port, path: "/v1/twins/\(Self.twin)")
            summary = body as? [String: Any] ?? [:]
            return summary["steps_learned"] as? Int == expectedSteps
        }
        #expect(learned, "steps learned: \(summary["steps_learned"] ?? "none") of \(expectedSteps)")
        #expect(application.statistics.snapshot.readingsAccepted == Self.steps * Self.zones)

        // Once the burst ends, the newest step's forecast follows (the supervisor's tick).
        func newest() -> [String: Any] {
            guard let payload = seen.forecasts.last else { return [:] }
            return (try? JSONSerialization.jsonObject(with: Data(payload))) as? [String: Any] ?? [:]
        }
        let newestPublished = try await DaemonHarness.eventually(timeout: .seconds(5)) {
            newest()["issued_at"] as? String == formatRFC3339(newestStepEnd)
        }
        let published = seen.forecasts.count
        #expect(newestPublished, "last forecast issued at \(newest()["issued_at"] ?? "none")")
        #expect(newest()["steps_learned"] as? Int == expectedSteps)
        print(
            "burst of \(expectedSteps) steps: \(published) forecasts of z0 published, \(seen.anomalies) anomaly events")
        // Throttled while catching up: far fewer forecasts than steps.
        #expect(published < expectedSteps / 4, "\(published) forecasts for \(expectedSteps) steps")

        // Every anomaly event the model raised was published (the spike raised at least one).
        let events = application.statistics.snapshot.anomalyEvents
        #expect(events > 0)
        #expect(try await DaemonHarness.eventually(timeout: .seconds(5)) { seen.anomalies == events })

        await publisher.disconnect()
        await application.shutdown()
        try await group.value
        watching.cancel()
        await witness.disconnect()
    }
}

/// What the witness client received: forecast payloads in order, and anomaly events counted.
final class BurstWitness: Sendable {
    private let state = Mutex((forecasts: [[UInt8]](), anomalies: 0))

    var forecasts: [[UInt8]] { state.withLock { $0.forecasts } }
    var anomalies: Int { state.withLock { $0.anomalies } }

    func record(_ batch: [Message]) {
        state.withLock { state in
            for message in batch {
                if message.topic.hasSuffix("/anomaly") {
                    state.anomalies += 1
                } else {
                    state.forecasts.append(message.payload)
                }
            }
        }
    }
}
