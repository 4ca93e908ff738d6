import Foundation
import Testing

@testable import UmweltMQTT

/// Connecting, reconnecting and sessions against a real mosquitto.
@Suite(.serialized)
struct MQTTClientConnectionTests {
    @Test(.timeLimit(.minutes(1)))
    func connectToClosedPortRetriesThenThrowsAfterTimeout() async throws {
        let port = try MosquittoBroker.freeLoopbackPort()
        let client = try MQTTTestSupport.client("nobody", port: port)
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: MQTTError.self) {
            try await client.connect(timeout: .milliseconds(2_500))
        }
        let elapsed = clock.now - start
        // Generous upper bound: a loaded CI machine may be slow to schedule the retries.
        #expect(elapsed >= .milliseconds(2_500) && elapsed < .seconds(15), "\(elapsed)")
        #expect(error?.isPermanent == false)
        let message = error?.message ?? ""
        #expect(message.contains("could not connect to broker 127.0.0.1:\(port)"), "\(message)")
        #expect(message.contains("attempts)") || message.contains("attempt)"), "\(message)")
        #expect(message.lowercased().contains("connection refused"), "\(message)")
        #expect(!client.isConnected)
        await client.disconnect()
    }

    @Test(.timeLimit(.minutes(1)))
    func connectToSilentServerTimesOutWaitingForConnack() async throws {
        // A listening socket nobody accepts from: TCP connects, CONNECT is sent, no CONNACK comes.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        try #require(listening)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let client = try MQTTTestSupport.client("silent", port: port)
        let error = await #expect(throws: MQTTError.self) {
            try await client.connect(timeout: .milliseconds(1_500))
        }
        #expect(error?.message.contains("no CONNACK") == true, "\(String(describing: error))")
        await client.disconnect()
    }

    @Test(.timeLimit(.minutes(1)))
    func refusedCredentialsThrowPermanentErrorWithoutRetrying() async throws {
        let broker = try MosquittoBroker.start(extraConfig: "allow_anonymous false")
        defer { broker.stop() }
        for version in [ProtocolVersion.v5, .v311] {
            let client = try MQTTTestSupport.client("anonymous", port: broker.port) { $0.protocolVersion = version }
            let clock = ContinuousClock()
            let start = clock.now
            let error = await #expect(throws: MQTTError.self) {
                try await client.connect(timeout: .seconds(10))
            }
            #expect(clock.now - start < .seconds(2), "retried a permanent refusal")
            #expect(error?.isPermanent == true)
            #expect(error?.message.lowercased().contains("not authori") == true, "\(String(describing: error))")
            await client.disconnect()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func resubscribesAndRedeliversAfterBrokerRestart() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let subscriber = try MQTTTestSupport.client("restart-sub", port: broker.port)
        try subscriber.subscribe(["restart/#"])
        try await subscriber.connect(timeout: .seconds(10))
        let publisher = try MQTTTestSupport.client("restart-pub", port: broker.port)
        try await publisher.connect(timeout: .seconds(10))

        try broker.restart()  // no persistence: the broker forgets every session and subscription
        let reconnected = await MQTTTestSupport.eventually(timeout: .seconds(10)) {
            subscriber.reconnectCount == 1 && subscriber.isConnected && publisher.isConnected
        }
        #expect(reconnected, "clients did not reconnect")

        let late = try MQTTTestSupport.client("restart-late", port: broker.port)
        try await late.connect(timeout: .seconds(10))
        for index in 0..<100 {
            try publisher.publish(Message(topic: "restart/a", payload: Array("\(index)".utf8), qos: 1))
            try late.publish(Message(topic: "restart/b", payload: Array("\(index)".utf8), qos: 1))
        }
        let result = await MQTTTestSupport.collect(subscriber, count: 200, timeout: .seconds(10))
        #expect(result.messages.count == 200)
        #expect(
            result.messages.filter { $0.topic == "restart/a" }.map(\.payload) == (0..<100).map { Array("\($0)".utf8) })
        #expect(publisher.reconnectCount == 1)
        await late.disconnect()
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test(.timeLimit(.minutes(1)))
    func qos1PublishedWhileDisconnectedIsDeliveredOnceConnected() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let subscriber = try MQTTTestSupport.client("queue-sub", port: broker.port)
        try subscriber.subscribe(["queued/#"])
        try await subscriber.connect(timeout: .seconds(10))
        let publisher = try MQTTTestSupport.client("queue-pub", port: broker.port)
        try publisher.publish(Message(topic: "queued/before-connect", payload: [1], qos: 1))
        #expect(throws: MQTTError.self) {
            try publisher.publish(Message(topic: "queued/qos0", payload: [0], qos: 0))
        }
        try await publisher.connect(timeout: .seconds(10))
        publisher.simulateConnectionLoss()
        let lost = await MQTTTestSupport.eventually(timeout: .seconds(5)) { !publisher.isConnected }
        #expect(lost)
        try publisher.publish(Message(topic: "queued/during-outage", payload: [2], qos: 1))

        // At least once, in order: the connection loss may cut "before-connect" after the broker
        // took it but before its PUBACK, and libmosquitto then sends it again (a duplicate).
        var topics: [String] = []
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(10)
        while !topics.contains("queued/during-outage"), clock.now < deadline {
            let result = await MQTTTestSupport.collect(subscriber, count: 1, timeout: deadline - clock.now)
            if result.messages.isEmpty { break }
            topics += result.messages.map(\.topic)
        }
        #expect(Set(topics) == ["queued/before-connect", "queued/during-outage"], "\(topics)")
        #expect(topics.first == "queued/before-connect", "published first, so delivered first: \(topics)")
        #expect(topics.last == "queued/during-outage", "\(topics)")
        #expect(publisher.statistics.published == 2)
        await publisher.disconnect()
        await subscriber.disconnect()
    }
}
