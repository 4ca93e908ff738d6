import Foundation
import Logging
import Testing
import UmweltMQTT

/// Publish/subscribe through a real mosquitto: throughput and order, backpressure, MQTT 5
/// request/response properties.
@Suite(.serialized)
struct MQTTClientRoundTripTests {
    @Test(.timeLimit(.minutes(1)))
    func tenThousandQoS1MessagesArriveInOrderInBatches() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let subscriber = try MQTTTestSupport.client("subscriber", port: broker.port)
        try subscriber.subscribe(["bench/#"], qos: 1)
        try await subscriber.connect(timeout: .seconds(10))
        let publisher = try MQTTTestSupport.client("publisher", port: broker.port)
        try await publisher.connect(timeout: .seconds(10))

        let count = 10_000
        let clock = ContinuousClock()
        let start = clock.now
        async let collected = MQTTTestSupport.collect(subscriber, count: count, timeout: .seconds(15))
        for index in 0..<count {
            try publisher.publish(Message(topic: "bench/\(index % 10)", payload: Array("\(index)".utf8), qos: 1))
        }
        let result = await collected
        let seconds =
            Double((clock.now - start).components.attoseconds) / 1e18
            + Double((clock.now - start).components.seconds)
        print(
            "MQTT round trip: \(result.messages.count) QoS 1 messages in \(String(format: "%.3f", seconds)) s = "
                + "\(Int(Double(result.messages.count) / seconds)) msg/s, \(result.batches) batches")

        #expect(result.messages.count == count)
        let received = result.messages.map { Int(String(decoding: $0.payload, as: UTF8.self)) ?? -1 }
        #expect(received == Array(0..<count))
        #expect(result.messages.allSatisfy { $0.qos == 1 && !$0.retain })
        #expect(result.batches < count, "messages were never batched")
        #expect(subscriber.statistics.received == count)
        #expect(subscriber.statistics.dropped == 0)
        #expect(publisher.statistics.published == count)
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test(.timeLimit(.minutes(1)))
    func smallReceiveBufferAppliesBackpressureWithoutLoss() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let subscriber = try MQTTTestSupport.client("slow", port: broker.port) { $0.receiveBufferCapacity = 8 }
        try subscriber.subscribe(["pressure/#"])
        try await subscriber.connect(timeout: .seconds(10))
        let publisher = try MQTTTestSupport.client("fast", port: broker.port)
        try await publisher.connect(timeout: .seconds(10))

        let count = 3_000
        for index in 0..<count {
            try publisher.publish(Message(topic: "pressure/x", payload: Array("\(index)".utf8), qos: 1))
        }
        let result = await MQTTTestSupport.collect(subscriber, count: count, timeout: .seconds(15))
        #expect(result.messages.count == count)
        #expect(result.messages.map { String(decoding: $0.payload, as: UTF8.self) } == (0..<count).map(String.init))
        #expect(result.messages.count <= result.batches * 8)
        #expect(subscriber.statistics.dropped == 0)
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test(.timeLimit(.minutes(1)))
    func requestResponsePropertiesRoundTripUnderMQTT5() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let service = MQTTTestSupport.uniqueID("service")
        let responder = try MQTTTestSupport.client("responder", port: broker.port)
        try responder.subscribe(["\(service)/request"])
        try await responder.connect(timeout: .seconds(10))
        let requester = try MQTTTestSupport.client("requester", port: broker.port)
        let responseTopic = "\(service)/response/42"
        try requester.subscribe([responseTopic])
        try await requester.connect(timeout: .seconds(10))

        let correlation: [UInt8] = [0, 1, 2, 250, 255]
        try requester.publish(
            Message(
                topic: "\(service)/request",
                payload: Array("ping".utf8),
                qos: 1,
                responseTopic: responseTopic,
                correlationData: correlation
            )
        )
        let request = try #require(
            await MQTTTestSupport.collect(responder, count: 1, timeout: .seconds(5)).messages.first)
        #expect(request.responseTopic == responseTopic)
        #expect(request.correlationData == correlation)
        #expect(request.payload == Array("ping".utf8))

        try responder.publish(
            Message(
                topic: try #require(request.responseTopic),
                payload: Array("pong".utf8),
                qos: 1,
                correlationData: request.correlationData
            )
        )
        let response = try #require(
            await MQTTTestSupport.collect(requester, count: 1, timeout: .seconds(5)).messages.first)
        #expect(response.topic == responseTopic)
        #expect(response.payload == Array("pong".utf8))
        #expect(response.correlationData == correlation)
        #expect(response.responseTopic == nil)
        await requester.disconnect()
        await responder.disconnect()
    }
}

/// Helpers shared by the `MQTTClient*Tests` suites.
enum MQTTTestSupport {
    /// What `collect` gathered: the messages and in how many batches they came.
    struct Collected: Sendable {
        var messages: [Message] = []
        var batches = 0
    }

    static func logger() -> Logger {
        var logger = Logger(label: "umwelt-mqtt-test")
        logger.logLevel = .warning
        return logger
    }

    static func uniqueID(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8))"
    }

    /// A client with a unique id on 127.0.0.1:`port`, adjusted by `configure`.
    static func client(
        _ prefix: String,
        port: Int,
        configure: (inout MQTTConfiguration) -> Void = { _ in }
    ) throws -> MQTTClient {
        var configuration = MQTTConfiguration(clientID: uniqueID(prefix), port: port)
        configure(&configuration)
        return try MQTTClient(configuration: configuration, logger: logger())
    }

    /// Messages received by `client` until `count` arrived or `timeout` passed.
    static func collect(_ client: MQTTClient, count: Int, timeout: Duration) async -> Collected {
        await withTaskGroup(of: Collected?.self) { group in
            group.addTask {
                var collected = Collected()
                while collected.messages.count < count, let batch = await client.nextBatch() {
                    collected.messages += batch
                    collected.batches += 1
                }
                return collected
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            var result = Collected()
            while let finished = await group.next() {
                if let finished { result = finished }
                group.cancelAll()
            }
            return result
        }
    }

    /// Polls `condition` every 10 ms until it holds or `timeout` passes (for state that
    /// changes on libmosquitto's thread without an event to await).
    static func eventually(timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
