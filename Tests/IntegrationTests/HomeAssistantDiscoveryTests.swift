import Foundation
import Synchronization
import Testing
import UmweltMQTT
import UmweltService

/// Home Assistant device discovery against a real broker: the retained documents read back
/// and checked against HA's documented device-discovery schema, and re-sent on HA's birth.
@Suite(.serialized)
struct HomeAssistantDiscoveryTests {
    /// Platforms HA's MQTT integration accepts in `cmps.*.p` (the ones used here and a few more).
    static let platforms: Set<String> = ["sensor", "binary_sensor", "switch", "number", "select", "button"]
    /// HA's sensor device classes for the quantities published.
    static let sensorDeviceClasses: Set<String> = ["temperature", "humidity", "carbon_dioxide"]

    @Test(.timeLimit(.minutes(1)))
    func publishesRetainedDeviceDiscoveryPerZoneAndResendsOnBirth() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        var configuration = DaemonHarness.configuration(work: work, brokerPort: broker.port)
        configuration.homeAssistant = HomeAssistantConfiguration(isEnabled: true, discoveryPrefix: "homeassistant")
        let application = try await UmweltApplication.build(
            configuration: configuration,
            logger: DaemonHarness.testLogger(),
            environment: [:]
        )
        let group = Task { try await application.run() }
        defer { group.cancel() }
        let port = try #require(await application.httpPort())
        #expect(
            try await DaemonHarness.waitUntilReady(port: port, timeout: .seconds(10)))

        // Wait for the documents, then read them again with a fresh client: they are
        // retained, as Home Assistant sees them when it starts.
        let (first, firstReceived) = try await Self.subscriber(port: broker.port)
        #expect(try await DaemonHarness.eventually(timeout: .seconds(5)) { firstReceived.count >= 4 })
        await first.disconnect()
        let (reader, received) = try await Self.subscriber(port: broker.port)
        #expect(try await DaemonHarness.eventually(timeout: .seconds(5)) { received.count >= 4 })
        let retained = received.all
        #expect(retained.allSatisfy { $0.retain }, "discovery documents must be retained")
        let topics = Set(retained.map(\.topic))
        #expect(
            topics
                == Set(
                    ["meeting-room", "open-office", "kitchen", "focus-room"].map {
                        "homeassistant/device/umwelt_demo-office_\($0)/config"
                    }),
            "\(topics.sorted())"
        )

        for message in retained {
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any], "\(message.topic)")
            let nodeID = String(message.topic.split(separator: "/")[2])
            // Device: identifiers and a name; origin: a name (required by HA for device discovery).
            let device = try #require(document["dev"] as? [String: Any])
            #expect((device["ids"] as? [String]) == [nodeID])
            #expect(device["name"] is String)
            let origin = try #require(document["o"] as? [String: Any])
            #expect(origin["name"] as? String == "umwelt")
            #expect(document["avty_t"] as? String == "umwelt/demo-office/status")
            #expect(document["pl_avail"] as? String == "online")
            #expect(document["pl_not_avail"] as? String == "offline")
            let components = try #require(document["cmps"] as? [String: [String: Any]])
            var uniqueIDs = Set<String>()
            for (key, component) in components {
                let platform = try #require(component["p"] as? String, "\(key) has no platform")
                #expect(Self.platforms.contains(platform), "\(key): \(platform)")
                let uniqueID = try #require(component["uniq_id"] as? String, "\(key) has no unique id")
                #expect(uniqueIDs.insert(uniqueID).inserted)
                let stateTopic = try #require(component["stat_t"] as? String)
                #expect(stateTopic.hasPrefix("umwelt/demo-office/"), "\(stateTopic)")
                #expect((component["val_tpl"] as? String)?.hasPrefix("{{") == true)
            }
            let temperature = try #require(components["temperature_forecast_1h"], "\(components.keys.sorted())")
            #expect(temperature["dev_cla"] as? String == "temperature")
            #expect(temperature["unit_of_meas"] as? String == "°C")
            // Five-minute steps: the 1-hour point is the twelfth, index 11.
            #expect((temperature["val_tpl"] as? String)?.contains("horizon[11].mean") == true)
            #expect(temperature["json_attr_t"] as? String == temperature["stat_t"] as? String)
            let attributes = try #require(temperature["json_attr_tpl"] as? String)
            #expect(attributes.contains("p10") && attributes.contains("p90") && attributes.contains("tojson"))
            for (key, component) in components where key.hasSuffix("_forecast_1h") {
                #expect(Self.sensorDeviceClasses.contains(component["dev_cla"] as? String ?? ""), "\(key)")
            }
            let anomaly = try #require(components["anomaly"])
            #expect(anomaly["p"] as? String == "binary_sensor")
            #expect(anomaly["dev_cla"] as? String == "problem")
            if nodeID.hasSuffix("meeting-room") || nodeID.hasSuffix("open-office") {
                let occupancy = try #require(components["occupancy_probability"])
                #expect(
                    occupancy["stat_t"] as? String == "umwelt/demo-office/\(nodeID.split(separator: "_").last!)/state")
                #expect(occupancy["unit_of_meas"] as? String == "%")
            }
        }

        // Home Assistant's birth message makes the daemon send every document again.
        received.removeAll()
        try reader.publish(Message(topic: "homeassistant/status", payload: Array("online".utf8), qos: 1))
        #expect(try await DaemonHarness.eventually(timeout: .seconds(5)) { received.count >= 4 })
        let rejected = application.statistics.snapshot.rejectedByReason["unknown_topic"] ?? 0
        #expect(rejected == 0, "the birth message reached the router")

        await reader.disconnect()
        await application.shutdown()
        try await group.value
    }

    /// A clean-session client subscribed to every device discovery topic, collecting messages.
    private static func subscriber(port: Int) async throws -> (MQTTClient, CollectedMessages) {
        var configuration = MQTTConfiguration(clientID: "ha-\(UUID().uuidString.prefix(8))", port: port)
        configuration.cleanSession = true
        let client = try MQTTClient(configuration: configuration, logger: DaemonHarness.testLogger())
        try client.subscribe(["homeassistant/device/+/config"], qos: 1)
        try await client.connect(timeout: .seconds(10))
        let received = CollectedMessages()
        Task {
            for await batch in client.messages { received.append(batch) }
        }
        return (client, received)
    }
}

/// Messages a test subscriber received, safe to read from the test while they arrive.
final class CollectedMessages: Sendable {
    private let state = Mutex<[Message]>([])

    func append(_ batch: [Message]) { state.withLock { $0.append(contentsOf: batch) } }
    func removeAll() { state.withLock { $0.removeAll() } }
    var all: [Message] { state.withLock { $0 } }
    var count: Int { state.withLock { $0.count } }
}
