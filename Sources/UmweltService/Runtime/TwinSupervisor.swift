import Foundation
import Logging
import ServiceLifecycle
import UmweltCore
import UmweltStore

/// Drives the twins' wall-clock work: closing steps of sensors without payload time,
/// flushing to the store every second, checkpoints every interval and at shutdown.
final class TwinSupervisor: Service {
    let registry: TwinRegistry
    private let checkpointIntervalSeconds: Double
    private let retentionSeconds: Double
    private let store: StateStore?
    private let notifier: SystemdNotifier
    private let logger: Logger

    init(
        registry: TwinRegistry,
        checkpointIntervalSeconds: Double,
        retentionSeconds: Double,
        store: StateStore?,
        notifier: SystemdNotifier,
        logger: Logger
    ) {
        self.registry = registry
        self.checkpointIntervalSeconds = checkpointIntervalSeconds
        self.retentionSeconds = retentionSeconds
        self.store = store
        self.notifier = notifier
        self.logger = logger
    }

    func run() async throws {
        var lastCheckpoint = Date().timeIntervalSince1970
        var lastRetention = 0.0
        // The loop ends at graceful shutdown; the final checkpoint follows.
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await Task.sleep(for: .seconds(1))
            let now = Date().timeIntervalSince1970
            let runtimes = registry.ordered
            for runtime in runtimes {
                await runtime.tick(wallClock: now)
                await runtime.flush(now: now)
            }
            if now - lastCheckpoint >= checkpointIntervalSeconds {
                lastCheckpoint = now
                for runtime in runtimes { await runtime.checkpoint(now: now) }
            }
            if let store, now - lastRetention >= 3600 {
                lastRetention = now
                await store.applyRetention(olderThan: now - retentionSeconds, logger: logger)
            }
            // The watchdog beats only when this loop has visited every twin.
            notifier.notify("WATCHDOG=1")
        }
        let now = Date().timeIntervalSince1970
        let runtimes = registry.ordered
        // When another service fails the group cancels this task; the final checkpoint runs
        // in a task of its own (awaited) so that cancellation does not abort its writes.
        await Task {
            for runtime in runtimes {
                await runtime.checkpoint(now: now, force: true)
            }
        }.value
        logger.info("final checkpoint written", metadata: ["twins": "\(runtimes.count)"])
    }
}
