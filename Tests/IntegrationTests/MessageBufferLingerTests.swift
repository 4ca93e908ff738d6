import Foundation
import Synchronization
import Testing

@testable import UmweltMQTT

/// The consumer of a fast stream waits briefly for more instead of waking per message; a
/// quiet stream is never held back, and nothing is lost, reordered or over capacity.
@Suite struct MessageBufferLingerTests {
    @Test func lingersOnlyForSmallBatchesOfFastStreams() {
        let buffer = MessageBuffer(capacity: 1_000)
        #expect(buffer.lingers(batchCount: 1, elapsedNanoseconds: 50_000))  // 20,000 per second
        #expect(buffer.lingers(batchCount: 10, elapsedNanoseconds: 1_000_000))  // 10,000 per second
        #expect(!buffer.lingers(batchCount: 1, elapsedNanoseconds: 1_000_000))  // 1,000 per second
        #expect(!buffer.lingers(batchCount: 1, elapsedNanoseconds: 10_000_000_000))
        #expect(!buffer.lingers(batchCount: 64, elapsedNanoseconds: 1))  // already a large batch
        #expect(!MessageBuffer(capacity: 8, lingerNanoseconds: 0).lingers(batchCount: 1, elapsedNanoseconds: 1))
    }

    @Test(.timeLimit(.minutes(1)))
    func fastStreamArrivesInOrderInFewerBatchesWithinCapacity() async {
        let capacity = 256
        let buffer = MessageBuffer(capacity: capacity)
        let count = 4_000
        // A network thread delivering one message every ~50 µs (20,000 per second).
        let producer = Thread {
            for index in 0..<count {
                buffer.append(Message(topic: "t", payload: Array("\(index)".utf8), qos: 1))
                usleep(50)
            }
        }
        producer.start()
        var received: [Int] = []
        var batches = 0
        var largest = 0
        while received.count < count, let batch = await buffer.next() {
            batches += 1
            largest = max(largest, batch.count)
            received += batch.map { Int(String(decoding: $0.payload, as: UTF8.self)) ?? -1 }
        }
        buffer.finish()
        #expect(received == Array(0..<count))
        #expect(largest <= capacity)
        // Woken per message, the consumer would see about `count` batches.
        #expect(batches < count / 4, "\(batches) batches for \(count) messages")
    }
}
