import Foundation
import Logging
import Synchronization
import Testing
import UmweltMQTT

@testable import UmweltService

/// The MQTT scenario door's queue: ingest never waits for it, and it never grows unbounded.
struct ScenarioRequestQueueTests {
    @Test
    func requestsBeyondTheCapacityAreAnsweredBusyAtOnce() throws {
        let published = Mutex<[Message]>([])
        let topics = TopicScheme()
        let queue = ScenarioRequestQueue(
            handler: ScenarioRequestHandler(
                topics: topics,
                registry: TwinRegistry(definitions: [], runtimes: [:]),
                publish: { message in published.withLock { $0.append(message) } },
                logger: Logger(label: "test")
            )
        )
        let topic = topics.scenarioRequest(twin: "demo-office")
        #expect(queue.twin(ofTopic: topic) == "demo-office")
        #expect(queue.twin(ofTopic: "zigbee2mqtt/sensor") == nil)
        // Nobody runs the queue, so the first `capacity` wait and the rest are refused.
        let extra = 3
        for n in 0..<(ScenarioRequestQueue.capacity + extra) {
            let body = #"{"horizon": "1h", "id": "r\#(n)", "reply_to": "replies/\#(n)"}"#
            queue.submit(Message(topic: topic, payload: Array(body.utf8)), twin: "demo-office")
        }
        let answers = published.withLock { $0 }
        #expect(answers.count == extra)
        for (offset, answer) in answers.enumerated() {
            let n = ScenarioRequestQueue.capacity + offset
            #expect(answer.topic == "replies/\(n)")
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(answer.payload)) as? [String: Any])
            #expect(document["field"] as? String == "request")
            #expect((document["error"] as? String ?? "").contains("busy"), "\(document)")
            #expect(document["id"] as? String == "r\(n)")
        }
    }
}
