import Synchronization
import UmweltCore

/// The twins the daemon runs now: their definitions, runtimes and the router built from
/// them. Ingest, the supervisor and the HTTP API read it on every use, so a `SIGHUP`
/// reload swaps the whole set at once.
public final class TwinRegistry: Sendable {
    /// One consistent set of twins.
    struct Generation: Sendable {
        var definitions: [TwinDefinition]
        var runtimes: [String: TwinRuntime]
        var router: Router

        /// Runtimes in the order of the twin files.
        var ordered: [TwinRuntime] { definitions.compactMap { runtimes[$0.id] } }
    }

    private let state: Mutex<Generation>

    init(definitions: [TwinDefinition], runtimes: [String: TwinRuntime]) {
        state = Mutex(Generation(definitions: definitions, runtimes: runtimes, router: Router(twins: definitions)))
    }

    /// The current twin definitions, in file order.
    public var definitions: [TwinDefinition] { state.withLock { $0.definitions } }

    var current: Generation { state.withLock { $0 } }

    var runtimes: [String: TwinRuntime] { state.withLock { $0.runtimes } }

    var ordered: [TwinRuntime] { state.withLock { $0.ordered } }

    var router: Router { state.withLock { $0.router } }

    /// Swaps in a new set of twins; `router` when already built from `definitions`.
    func replace(definitions: [TwinDefinition], runtimes: [String: TwinRuntime], router: Router? = nil) {
        let generation = Generation(
            definitions: definitions, runtimes: runtimes, router: router ?? Router(twins: definitions))
        state.withLock { $0 = generation }
    }
}
