import Foundation
import Testing

@testable import UmweltMQTT

/// A client that keeps publishing while its broker is away must reconnect and deliver.
@Suite(.serialized)
struct MQTTClientOutageTests {
    @Test(.timeLimit(.minutes(2)))
    func publishingDuringABrokerOutageStillReconnectsAndDelivers() async throws {
        let broker = try MosquittoBroker.start(persistence: true)
        defer { broker.stop() }
        let subscriberConfiguration = MQTTConfiguration(
            clientID: MQTTTestSupport.uniqueID("outage-sub"),
            port: broker.port
        )
        let subscriber = try MQTTClient(configuration: subscriberConfiguration, logger: MQTTTestSupport.logger())
        try subscriber.subscribe(["outage/#"], qos: 1)
        try await subscriber.connect(timeout: .seconds(10))
        let publisher = try MQTTTestSupport.client("outage-pub", port: broker.port)
        try await publisher.connect(timeout: .seconds(10))

        // Ten seconds without a broker, publishing all along (a daemon keeps forecasting).
        let outage = Task { try await broker.restart(downtime: .seconds(10)) }
        let gone = await MQTTTestSupport.eventually(timeout: .seconds(5)) { !publisher.isConnected }
        #expect(gone, "publisher did not notice the broker stopping")
        for index in 0..<50 {
            try publisher.publish(Message(topic: "outage/\(index)", payload: [UInt8(index)], qos: 1))
            try await Task.sleep(for: .milliseconds(150))
        }
        try await outage.value
        let back = await MQTTTestSupport.eventually(timeout: .seconds(45)) { publisher.isConnected }
        #expect(back, "publisher never reconnected after the outage")
        let result = await MQTTTestSupport.collect(subscriber, count: 50, timeout: .seconds(30))
        #expect(Set(result.messages.map(\.payload)) == Set((0..<50).map { [UInt8($0)] }))
        await publisher.disconnect()
        await subscriber.disconnect()
    }
}
