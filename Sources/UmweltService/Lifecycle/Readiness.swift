import Synchronization

/// Whether the daemon is ready: twins loaded and the broker connected (`/readyz`).
public final class Readiness: Sendable {
    private let state = Mutex(false)

    public init() {}

    public var isReady: Bool { state.withLock { $0 } }

    func markReady(_ ready: Bool) {
        state.withLock { $0 = ready }
    }
}
