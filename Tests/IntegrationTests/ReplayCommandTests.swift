import Foundation
import Testing
import UmweltMQTT
import UmweltService

/// `umwelt replay`: a recording reaches a real broker complete, in order, byte for byte.
struct ReplayCommandTests {
    @Test(.timeLimit(.minutes(1)))
    func recordingArrivesCompleteInOrderWithItsPayloads() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        // Out of order in the file: replay sorts by recorded time (stable for equal times).
        var messages: [RecordedMessage] = []
        for i in 0..<5_000 {
            let payload = i % 2 == 0 ? #"{"temperature":\#(20 + Double(i) / 1000),"n":\#(i)}"# : "\(i)"
            messages.append(
                RecordedMessage(
                    time: 1_700_000_000 + Double(i / 2), topic: "rec/\(i % 7)", payload: Array(payload.utf8)))
        }
        messages.swapAt(10, 4_000)

        let subscriber = try MQTTTestSupport.client("replay-sub", port: broker.port) { $0.cleanSession = true }
        try subscriber.subscribe(["rec/#"], qos: 1)
        try await subscriber.connect(timeout: .seconds(10))
        let received = CollectedMessages()
        let collecting = Task { for await batch in subscriber.messages { received.append(batch) } }
        defer { collecting.cancel() }

        let publisher = try MQTTTestSupport.client("replay-pub", port: broker.port)
        try await publisher.connect(timeout: .seconds(10))
        let count = try await RecordingPublisher(messages: messages, speed: 0).run(client: publisher)
        await publisher.disconnect()
        #expect(count == 5_000)

        #expect(try await DaemonHarness.eventually(timeout: .seconds(10)) { received.count >= 5_000 })
        let expected = messages.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element)
        let got = received.all
        #expect(got.count == 5_000)
        // Per topic, MQTT keeps the order of one publisher's QoS 1 messages.
        for topic in Set(expected.map(\.topic)) {
            let sent = expected.filter { $0.topic == topic }.map(\.payload)
            let arrived = got.filter { $0.topic == topic }.map(\.payload)
            #expect(sent == arrived, "\(topic)")
        }
        await subscriber.disconnect()
    }
}
