import Dispatch
import Synchronization

/// The hand-over of received messages from libmosquitto's network thread to one async
/// consumer, in batches.
///
/// The network thread appends under a mutex; the consumer takes everything accumulated
/// since its last call in one swap, so a slow consumer gets large batches and the per-
/// message cost stays a lock and an append. When `capacity` messages are waiting, the
/// network thread blocks until the consumer drains them (backpressure: the broker then
/// holds further QoS 1 messages, none is lost). After `finish()` messages are counted as
/// dropped and the consumer gets what is left, then nil.
///
/// Under a fast stream the consumer lingers: a batch smaller than ``lingerBelowCount`` that
/// arrived at ``lingerRatePerSecond`` or more (messages in the batch over the time since the
/// previous batch) is held for ``lingerNanoseconds`` and topped up with what arrived
/// meanwhile. A waiting consumer is otherwise woken (a thread wake-up and a task switch) for
/// nearly every message; a quiet stream is never delayed.
final class MessageBuffer: Sendable {
    private struct State {
        var batch: [Message] = []
        var waiter: CheckedContinuation<[Message]?, Never>?
        var isFinished = false
        var isProducerBlocked = false
        var dropped = 0
        /// When the consumer last got a batch (`DispatchTime` nanoseconds).
        var lastTakeNanoseconds: UInt64 = 0
    }

    private enum Append {
        case stored
        case handed(CheckedContinuation<[Message]?, Never>)
        case full
    }

    private enum Take {
        case batch([Message]?, wakeProducer: Bool)
        case waiting
    }

    private let state = Mutex(State())
    private let space = DispatchSemaphore(value: 0)
    private let capacity: Int
    /// How long a small batch of a fast stream waits for more; 0 never lingers.
    let lingerNanoseconds: UInt64
    /// Lingers only for batches smaller than this.
    let lingerBelowCount: Int
    /// Lingers only when messages arrive at least this fast.
    let lingerRatePerSecond: Double

    init(
        capacity: Int,
        lingerNanoseconds: UInt64 = 1_000_000,
        lingerBelowCount: Int = 64,
        lingerRatePerSecond: Double = 4_000
    ) {
        self.capacity = max(1, capacity)
        self.lingerNanoseconds = lingerNanoseconds
        self.lingerBelowCount = lingerBelowCount
        self.lingerRatePerSecond = lingerRatePerSecond
    }

    /// Messages discarded after `finish()`.
    var dropped: Int {
        state.withLock { $0.dropped }
    }

    /// Adds one message; called on the network thread. Blocks while the buffer is full.
    func append(_ message: Message) {
        while true {
            let outcome: Append = state.withLock { state in
                if state.isFinished {
                    state.dropped += 1
                    return .stored
                }
                if let waiter = state.waiter {
                    state.waiter = nil
                    return .handed(waiter)
                }
                if state.batch.count < capacity {
                    state.batch.append(message)
                    return .stored
                }
                state.isProducerBlocked = true
                return .full
            }
            switch outcome {
            case .stored:
                return
            case .handed(let waiter):
                waiter.resume(returning: [message])
                return
            case .full:
                space.wait()
            }
        }
    }

    /// Everything received since the last call, waiting for at least one message; nil once
    /// finished and drained, or when the calling task is cancelled.
    func next() async -> [Message]? {
        guard var batch = await waitForBatch() else { return nil }
        let now = DispatchTime.now().uptimeNanoseconds
        let previous = state.withLock { state in
            defer { state.lastTakeNanoseconds = now }
            return state.lastTakeNanoseconds
        }
        guard previous > 0, lingers(batchCount: batch.count, elapsedNanoseconds: now &- previous) else {
            return batch
        }
        // A cancelled sleep returns at once; the batch is still delivered.
        try? await Task.sleep(nanoseconds: lingerNanoseconds)
        batch.append(contentsOf: takeAvailable(upTo: capacity - batch.count))
        state.withLock { $0.lastTakeNanoseconds = DispatchTime.now().uptimeNanoseconds }
        return batch
    }

    /// Whether a batch of `batchCount` messages, `elapsedNanoseconds` after the previous one,
    /// waits ``lingerNanoseconds`` for more: small, and from a stream at least
    /// ``lingerRatePerSecond`` fast.
    func lingers(batchCount: Int, elapsedNanoseconds: UInt64) -> Bool {
        lingerNanoseconds > 0 && batchCount < lingerBelowCount
            && Double(batchCount) >= lingerRatePerSecond * Double(elapsedNanoseconds) / 1e9
    }

    /// At most `limit` of the waiting messages, oldest first, without waiting (wakes a
    /// blocked network thread). A batch never exceeds the capacity.
    private func takeAvailable(upTo limit: Int) -> [Message] {
        guard limit > 0 else { return [] }
        let (batch, wakeProducer) = state.withLock { state in
            var batch: [Message] = []
            if state.batch.count <= limit {
                swap(&batch, &state.batch)
            } else {
                batch = Array(state.batch.prefix(limit))
                state.batch.removeFirst(limit)
            }
            defer { state.isProducerBlocked = false }
            return (batch, state.isProducerBlocked && !batch.isEmpty)
        }
        if wakeProducer { space.signal() }
        return batch
    }

    private func waitForBatch() async -> [Message]? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[Message]?, Never>) in
                let take: Take = state.withLock { state in
                    if !state.batch.isEmpty {
                        var batch: [Message] = []
                        swap(&batch, &state.batch)
                        defer { state.isProducerBlocked = false }
                        return .batch(batch, wakeProducer: state.isProducerBlocked)
                    }
                    if state.isFinished || Task.isCancelled {
                        return .batch(nil, wakeProducer: false)
                    }
                    state.waiter = continuation
                    return .waiting
                }
                if case .batch(let batch, let wakeProducer) = take {
                    if wakeProducer { space.signal() }
                    continuation.resume(returning: batch)
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Ends the stream: wakes a waiting consumer (with nil) and a blocked network thread.
    func finish() {
        let (waiter, wakeProducer) = state.withLock { state in
            state.isFinished = true
            defer {
                state.waiter = nil
                state.isProducerBlocked = false
            }
            return (state.batch.isEmpty ? state.waiter : nil, state.isProducerBlocked)
        }
        waiter?.resume(returning: nil)
        if wakeProducer { space.signal() }
    }
}
