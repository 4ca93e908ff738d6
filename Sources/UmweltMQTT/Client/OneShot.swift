import Synchronization

/// One value handed from any thread (a libmosquitto callback) to one async waiter.
///
/// The first `deliver` wins; later ones are ignored. Single use: make one per wait.
final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var isDelivered = false
        var value: Value?
        var waiter: CheckedContinuation<Value?, Never>?
    }

    private enum Arrival {
        case value(Value?)
        case waiting
    }

    private let state = Mutex(State())

    init() {}

    /// The delivered value, if any.
    var value: Value? {
        state.withLock { $0.value }
    }

    /// Stores `value` (if none yet) and wakes the waiter.
    func deliver(_ value: Value) {
        let waiter: CheckedContinuation<Value?, Never>? = state.withLock { state in
            guard !state.isDelivered else { return nil }
            state.isDelivered = true
            state.value = value
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }

    /// The value, or nil when `timeout` passes or the task is cancelled first.
    func wait(timeout: Duration) async -> Value? {
        let first: Value? = await withTaskGroup(of: Value?.self) { group in
            group.addTask { await self.waitUntilDeliveredOrCancelled() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        return first ?? value
    }

    private func waitUntilDeliveredOrCancelled() async -> Value? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                let arrival: Arrival = state.withLock { state in
                    if state.isDelivered { return .value(state.value) }
                    if Task.isCancelled { return .value(nil) }
                    state.waiter = continuation
                    return .waiting
                }
                if case .value(let value) = arrival {
                    continuation.resume(returning: value)
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
}
