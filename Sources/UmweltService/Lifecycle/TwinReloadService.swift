import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import UmweltCore
import UmweltMQTT
import UmweltStore
import UnixSignals
import WorldModel

/// Reloads the twin files on `SIGHUP` without losing what unchanged zones learned.
///
/// Tells systemd `RELOADING=1`, parses the directory again and compares each twin with the
/// running one: an unchanged definition keeps its runtime (and its learned state in memory),
/// a changed one is checkpointed and rebuilt from its checkpoint and stored steps, a new one
/// is restored from the store, a removed one is checkpointed and announced `offline`. When
/// any file is invalid, the error is logged and the running twins continue untouched.
/// Ends with `READY=1` and a `STATUS=` line either way.
final class TwinReloadService: Service {
    /// What one reload did (for logs, status lines and tests).
    struct Outcome: Sendable, Equatable {
        var kept: [String] = []
        var rebuilt: [String] = []
        var added: [String] = []
        var removed: [String] = []
    }

    private let configuration: UmweltConfiguration
    private let registry: TwinRegistry
    private let client: MQTTClient
    private let store: StateStore?
    private let topics: TopicScheme
    private let statistics: DaemonStatistics
    private let notifier: SystemdNotifier
    private let logger: Logger
    /// Re-sends discovery and removes devices of removed twins, when Home Assistant is on.
    private let homeAssistant: HomeAssistantService?
    /// Gives added twins a last will of their own and closes removed twins' connections.
    let statusService: TwinStatusService?

    init(
        configuration: UmweltConfiguration,
        registry: TwinRegistry,
        client: MQTTClient,
        store: StateStore?,
        topics: TopicScheme,
        statistics: DaemonStatistics,
        notifier: SystemdNotifier,
        logger: Logger,
        homeAssistant: HomeAssistantService? = nil,
        status: TwinStatusService? = nil
    ) {
        self.homeAssistant = homeAssistant
        self.statusService = status
        self.configuration = configuration
        self.registry = registry
        self.client = client
        self.store = store
        self.topics = topics
        self.statistics = statistics
        self.notifier = notifier
        self.logger = logger
    }

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await cancelWhenGracefulShutdown {
            for await _ in hangups {
                _ = await self.reload()
            }
        }
    }

    /// Reloads the twin directory once; returns nil when the new files were rejected.
    @discardableResult
    func reload() async -> Outcome? {
        notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())\nSTATUS=reloading twin files")
        logger.notice("reloading twin files", metadata: ["dir": "\(configuration.twinsDirectory)"])
        let previous = registry.current
        let loaded: [TwinDefinition]
        do {
            loaded = try UmweltApplication.loadTwins(configuration: configuration)
        } catch {
            logger.error(
                "reload rejected; the running twins continue unchanged",
                metadata: ["error": "\(error)"]
            )
            notifier.notify(
                "READY=1\nSTATUS=reload rejected (\(error)); running \(previous.definitions.count) twin(s) unchanged"
            )
            return nil
        }
        let now = Date().timeIntervalSince1970
        var outcome = Outcome()
        var runtimes: [String: TwinRuntime] = [:]
        for definition in loaded {
            if let running = previous.runtimes[definition.id] {
                if running.definition == definition {
                    runtimes[definition.id] = running
                    outcome.kept.append(definition.id)
                    continue
                }
                await running.checkpoint(now: now, force: true)
                outcome.rebuilt.append(definition.id)
            } else {
                outcome.added.append(definition.id)
            }
            runtimes[definition.id] = await TwinRuntime.restore(
                definition: definition,
                configuration: ModelConfiguration(twin: definition),
                store: store,
                publisher: client,
                topics: topics,
                statistics: statistics,
                logger: logger
            )
        }
        let loadedIDs = Set(loaded.map(\.id))
        let removedDefinitions = previous.definitions.filter { !loadedIDs.contains($0.id) }
        for definition in removedDefinitions {
            await previous.runtimes[definition.id]?.checkpoint(now: now, force: true)
            client.publish(
                topic: topics.status(twin: definition.id), payload: Array("offline".utf8), qos: 1, retain: true)
            outcome.removed.append(definition.id)
        }
        // Unsubscribe before the swap and subscribe after it, so no message meets a router
        // that does not know its topic.
        let router = Router(twins: loaded)
        do {
            // Topics no twin reads any more would otherwise arrive as unknown topics.
            try client.unsubscribe(Set(previous.router.subscriptions).subtracting(router.subscriptions).sorted())
        } catch {
            logger.error("cannot unsubscribe from the removed twins' topics", metadata: ["error": "\(error)"])
        }
        registry.replace(definitions: loaded, runtimes: runtimes, router: router)
        do {
            try client.subscribe(router.subscriptions, qos: 1)
        } catch {
            logger.error("cannot subscribe to the reloaded twins' topics", metadata: ["error": "\(error)"])
        }
        await statusService?.update(
            added: loaded.filter { outcome.added.contains($0.id) }, removed: outcome.removed)
        homeAssistant?.twinsReloaded(removed: removedDefinitions)
        for id in outcome.added {
            client.publish(topic: topics.status(twin: id), payload: Array("online".utf8), qos: 1, retain: true)
        }
        let summary =
            "kept \(outcome.kept.count), rebuilt \(outcome.rebuilt.count), added \(outcome.added.count), removed \(outcome.removed.count)"
        logger.notice(
            "twin files reloaded",
            metadata: [
                "kept": "\(outcome.kept.joined(separator: ","))",
                "rebuilt": "\(outcome.rebuilt.joined(separator: ","))",
                "added": "\(outcome.added.joined(separator: ","))",
                "removed": "\(outcome.removed.joined(separator: ","))",
            ]
        )
        notifier.notify("READY=1\nSTATUS=running \(loaded.count) twin(s); reloaded: \(summary)")
        return outcome
    }

    /// `CLOCK_MONOTONIC` in microseconds, as systemd expects next to `RELOADING=1`.
    static func monotonicMicroseconds() -> UInt64 {
        // DispatchTime's uptime is CLOCK_MONOTONIC on Linux.
        DispatchTime.now().uptimeNanoseconds / 1000
    }
}
