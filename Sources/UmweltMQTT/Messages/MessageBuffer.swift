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
final class MessageBuffer: Sendable {
    private struct State {
        var batch: [Message] = []
        var waiter: CheckedContinuation<[Message]?, Never>?
        var isFinished = false
        var isProducerBlocked = false
        var dropped = 0
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

    init(capacity: Int) {
        self.capacity = max(1, capacity)
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
