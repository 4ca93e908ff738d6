import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import UmweltCore
import UmweltMQTT

/// Moves MQTT messages through the router into the twin runtimes, in batches.
///
/// A rejected message is counted per reason and logged at most once per reason every
/// ten seconds (with the number suppressed); it never reaches a model.
final class IngestService: Service {
    private let client: MQTTClient
    private let registry: TwinRegistry
    private let statistics: DaemonStatistics
    private let logger: Logger
    private let rejectionLog: RejectionLog
    /// Takes scenario requests; their topics bypass the router.
    private let scenarioRequests: ScenarioRequestQueue?
    /// Sees every message first; returns true for messages it consumed (Home Assistant's status).
    private let controlHandler: (@Sendable (Message) -> Bool)?

    init(
        client: MQTTClient,
        registry: TwinRegistry,
        statistics: DaemonStatistics,
        logger: Logger,
        scenarioRequests: ScenarioRequestQueue? = nil,
        controlHandler: (@Sendable (Message) -> Bool)? = nil
    ) {
        self.scenarioRequests = scenarioRequests
        self.controlHandler = controlHandler
        self.client = client
        self.registry = registry
        self.statistics = statistics
        self.logger = logger
        self.rejectionLog = RejectionLog(logger: logger)
    }

    func run() async throws {
        let messages = client.messages
        await cancelWhenGracefulShutdown {
            for await batch in messages {
                await self.process(batch)
            }
        }
        logger.info("ingest stopped")
    }

    /// Routes one batch and hands each twin its readings in one call.
    func process(_ batch: [Message]) async {
        let now = Date().timeIntervalSince1970
        let twins = registry.current
        let router = twins.router
        statistics.recordReceived(batch.count)
        var perTwin: [String: [Reading]] = [:]
        for message in batch {
            if let controlHandler, controlHandler(message) { continue }
            if let scenarioRequests, let twin = scenarioRequests.twin(ofTopic: message.topic) {
                scenarioRequests.submit(message, twin: twin)
                continue
            }
            for (twin, result) in router.route(topic: message.topic, payload: message.payload, arrivalTime: now) {
                for rejection in result.rejections {
                    statistics.recordRejection(rejection.reason)
                    rejectionLog.log(rejection, now: now)
                }
                if !result.readings.isEmpty {
                    perTwin[twin, default: []].append(contentsOf: result.readings)
                }
            }
        }
        for (twin, readings) in perTwin {
            await twins.runtimes[twin]?.ingest(readings, arrivalTime: now)
        }
    }
}

/// Rate-limited logging of payload rejections: one line per reason per interval.
final class RejectionLog: Sendable {
    private struct State {
        var lastLogged: [PayloadRejection.Reason: Double] = [:]
        var suppressed: [PayloadRejection.Reason: Int] = [:]
    }

    private let logger: Logger
    private let intervalSeconds: Double
    private let state = Mutex(State())

    init(logger: Logger, intervalSeconds: Double = 10) {
        self.logger = logger
        self.intervalSeconds = intervalSeconds
    }

    func log(_ rejection: PayloadRejection, now: Double) {
        let suppressed: Int? = state.withLock { state in
            if let last = state.lastLogged[rejection.reason], now - last < intervalSeconds {
                state.suppressed[rejection.reason, default: 0] += 1
                return nil
            }
            state.lastLogged[rejection.reason] = now
            let count = state.suppressed[rejection.reason] ?? 0
            state.suppressed[rejection.reason] = 0
            return count
        }
        guard let suppressed else { return }
        logger.warning(
            "payload rejected",
            metadata: [
                "topic": "\(rejection.topic)", "reason": "\(rejection.reason.rawValue)",
                "detail": "\(rejection.detail)", "suppressed_since_last": "\(suppressed)",
            ]
        )
    }
}
