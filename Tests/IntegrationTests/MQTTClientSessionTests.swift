import Foundation
import Testing

@testable import UmweltMQTT

/// Persistent sessions, retained messages and the last will against a real mosquitto.
@Suite(.serialized)
struct MQTTClientSessionTests {
    @Test(.timeLimit(.minutes(1)), arguments: [ProtocolVersion.v5, .v311])
    func persistentSessionDeliversMessagesQueuedWhileAway(version: ProtocolVersion) async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        var configuration = MQTTConfiguration(clientID: MQTTTestSupport.uniqueID("persistent"), port: broker.port)
        configuration.protocolVersion = version
        configuration.cleanSession = false
        let first = try MQTTClient(configuration: configuration, logger: MQTTTestSupport.logger())
        try first.subscribe(["away/#"], qos: 1)
        try await first.connect(timeout: .seconds(10))
        await first.disconnect()
        #expect(await first.nextBatch() == nil, "messages stream ends at disconnect")

        let publisher = try MQTTTestSupport.client("away-pub", port: broker.port)
        try await publisher.connect(timeout: .seconds(10))
        for index in 0..<50 {
            try publisher.publish(Message(topic: "away/\(index)", payload: Array("\(index)".utf8), qos: 1))
        }
        await publisher.disconnect()  // returns once the broker acknowledged all 50

        // Same client id, no subscribe call: the broker's session holds the subscription and the queue.
        let second = try MQTTClient(configuration: configuration, logger: MQTTTestSupport.logger())
        try await second.connect(timeout: .seconds(10))
        let result = await MQTTTestSupport.collect(second, count: 50, timeout: .seconds(10))
        #expect(result.messages.map(\.topic) == (0..<50).map { "away/\($0)" })
        await second.disconnect()
    }

    @Test(.timeLimit(.minutes(1)))
    func retainedStatusIsReadByNewSubscriber() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let topic = "\(MQTTTestSupport.uniqueID("device"))/status"
        let device = try MQTTTestSupport.client("device", port: broker.port) {
            $0.will = Message(topic: topic, payload: Array("offline".utf8), qos: 1, retain: true)
        }
        try await device.connect(timeout: .seconds(10))
        try device.publish(Message(topic: topic, payload: Array("online".utf8), qos: 1, retain: true))
        await device.disconnect()  // waits for the PUBACK: the retained value is stored

        let reader = try MQTTTestSupport.client("reader", port: broker.port)
        try reader.subscribe([topic])
        try await reader.connect(timeout: .seconds(10))
        let status = try #require(await MQTTTestSupport.collect(reader, count: 1, timeout: .seconds(5)).messages.first)
        #expect(status.payload == Array("online".utf8), "a clean disconnect must not publish the will")
        #expect(status.retain)
        await reader.disconnect()
    }

    @Test(.timeLimit(.minutes(1)))
    func willIsPublishedWhenConnectionDiesAndClientReconnects() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let topic = "\(MQTTTestSupport.uniqueID("device"))/status"
        let watcher = try MQTTTestSupport.client("watcher", port: broker.port)
        try watcher.subscribe([topic])
        try await watcher.connect(timeout: .seconds(10))
        let device = try MQTTTestSupport.client("device", port: broker.port) {
            $0.will = Message(topic: topic, payload: Array("offline".utf8), qos: 1, retain: true)
        }
        try await device.connect(timeout: .seconds(10))
        try device.publish(Message(topic: topic, payload: Array("online".utf8), qos: 1, retain: true))
        let online = await MQTTTestSupport.collect(watcher, count: 1, timeout: .seconds(5)).messages
        #expect(online.map(\.payload) == [Array("online".utf8)])

        device.simulateConnectionLoss()
        let will = await MQTTTestSupport.collect(watcher, count: 1, timeout: .seconds(5)).messages
        #expect(will.map(\.payload) == [Array("offline".utf8)])
        let reconnected = await MQTTTestSupport.eventually(timeout: .seconds(10)) {
            device.reconnectCount == 1 && device.isConnected
        }
        #expect(reconnected, "device did not reconnect after the connection loss")

        let reader = try MQTTTestSupport.client("reader", port: broker.port)
        try reader.subscribe([topic])
        try await reader.connect(timeout: .seconds(10))
        let retained = await MQTTTestSupport.collect(reader, count: 1, timeout: .seconds(5)).messages
        #expect(retained.map(\.payload) == [Array("offline".utf8)])
        #expect(retained.first?.retain == true)
        await reader.disconnect()
        await device.disconnect()
        await watcher.disconnect()
    }

    @Test(.timeLimit(.minutes(1)))
    func sessionSurvivesAutomaticReconnectAndBrokerRestartWithPersistence() async throws {
        let broker = try MosquittoBroker.start(persistence: true)
        defer { broker.stop() }
        let configuration = MQTTConfiguration(clientID: MQTTTestSupport.uniqueID("durable"), port: broker.port)
        let first = try MQTTClient(configuration: configuration, logger: MQTTTestSupport.logger())
        try first.subscribe(["durable/#"], qos: 1)
        try await first.connect(timeout: .seconds(10))
        first.simulateConnectionLoss()  // libmosquitto's reconnect must ask for the same session expiry
        let reconnected = await MQTTTestSupport.eventually(timeout: .seconds(10)) {
            first.reconnectCount == 1 && first.isConnected
        }
        #expect(reconnected)
        await first.disconnect()

        let publisher = try MQTTTestSupport.client("durable-pub", port: broker.port)
        try await publisher.connect(timeout: .seconds(10))
        for index in 0..<20 {
            try publisher.publish(Message(topic: "durable/\(index)", payload: [UInt8(index)], qos: 1))
        }
        await publisher.disconnect()
        try broker.restart()  // SIGTERM saves the queued messages; the new process loads them

        let second = try MQTTClient(configuration: configuration, logger: MQTTTestSupport.logger())
        try await second.connect(timeout: .seconds(10))
        let result = await MQTTTestSupport.collect(second, count: 20, timeout: .seconds(10))
        #expect(result.messages.map(\.payload) == (0..<20).map { [UInt8($0)] })
        await second.disconnect()
    }
}
