import Foundation
import Hummingbird
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization
import UmweltCore
import UmweltMQTT
import UmweltStore
import UnixSignals
import WorldModel

/// The daemon, assembled: `build` loads and validates every twin file, opens the store,
/// restores the models and returns the service group that `umweltd` runs.
///
/// Services start in dependency order and stop in reverse: HTTP, ingest, twin supervisor
/// (final checkpoint), broker connection (publishes `offline`, disconnects).
public struct UmweltApplication: Sendable {
    public let group: ServiceGroup
    public let statistics: DaemonStatistics
    public let twins: [TwinDefinition]
    let httpPortBox: HTTPPortBox
    /// The twins running now (changes on reload).
    public let registry: TwinRegistry
    let reloader: TwinReloadService

    /// Runs every service until SIGTERM/SIGINT (or `shutdown()`), then stops them in order.
    public func run() async throws {
        try await group.run()
    }

    /// Starts the graceful shutdown, as SIGTERM does.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
    }

    /// The bound HTTP port once the server listens (useful with port 0).
    public func httpPort(timeout: Duration = .seconds(10)) async -> Int? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if let port = httpPortBox.port { return port }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    public static func build(
        configuration: UmweltConfiguration,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) async throws -> UmweltApplication {
        let notifier = SystemdNotifier(environment: environment)
        notifier.notify("STATUS=loading twins from \(configuration.twinsDirectory)")
        let twins = try loadTwins(configuration: configuration)
        let bearerToken = try configuration.httpBearerToken()
        try FileManager.default.createDirectory(
            atPath: configuration.stateDirectory,
            withIntermediateDirectories: true
        )
        let store = try StateStore(path: configuration.databasePath)
        let prometheus = PrometheusCollectorRegistry()
        let metrics = UmweltMetrics(factory: PrometheusMetricsFactory.umwelt(registry: prometheus))
        let statistics = DaemonStatistics(metrics: metrics)
        let topics = TopicScheme(prefix: configuration.topicPrefix)
        let router = Router(twins: twins)

        var mqttConfiguration = MQTTConfiguration(
            clientID: configuration.broker.clientID,
            host: configuration.broker.host,
            port: configuration.broker.port
        )
        mqttConfiguration.username = configuration.broker.username
        mqttConfiguration.password = try configuration.brokerPassword()
        mqttConfiguration.caFile = configuration.broker.caFile
        mqttConfiguration.certFile = configuration.broker.certFile
        mqttConfiguration.keyFile = configuration.broker.keyFile
        if let first = twins.first, twins.count == 1 {
            mqttConfiguration.will = Message(
                topic: topics.status(twin: first.id),
                payload: Array("offline".utf8),
                qos: 1,
                retain: true
            )
        }
        let client = try MQTTClient(configuration: mqttConfiguration, logger: logger)
        try client.subscribe(router.subscriptions + [topics.scenarioRequest(twin: "+")], qos: 1)

        notifier.notify("STATUS=restoring \(twins.count) twin(s) from \(configuration.databasePath)")
        var runtimes: [String: TwinRuntime] = [:]
        for twin in twins {
            runtimes[twin.id] = await TwinRuntime.restore(
                definition: twin,
                configuration: ModelConfiguration(twin: twin),
                store: store,
                publisher: client,
                topics: topics,
                statistics: statistics,
                logger: logger
            )
        }
        let registry = TwinRegistry(definitions: twins, runtimes: runtimes)

        let readiness = Readiness(brokerConnected: { client.isConnected })
        let broker = BrokerConnectionService(
            client: client,
            twins: twins,
            topics: topics,
            notifier: notifier,
            readiness: readiness,
            logger: logger
        )
        let supervisor = TwinSupervisor(
            registry: registry,
            checkpointIntervalSeconds: configuration.checkpointIntervalSeconds,
            retentionSeconds: configuration.retentionDays * 86_400,
            store: store,
            notifier: notifier,
            logger: logger
        )
        var homeAssistant: HomeAssistantService?
        if configuration.homeAssistant.isEnabled {
            homeAssistant = HomeAssistantService(
                discovery: HomeAssistantDiscovery(configuration: configuration.homeAssistant, topics: topics),
                registry: registry,
                client: client,
                readiness: readiness,
                logger: logger
            )
        }
        var controlHandler: (@Sendable (Message) -> Bool)?
        if let homeAssistant {
            controlHandler = { message in homeAssistant.handle(message) }
        }
        let scenarioRequests = ScenarioRequestQueue(
            handler: ScenarioRequestHandler(
                topics: topics, registry: registry, publish: { try? client.publish($0) }, logger: logger)
        )
        let ingest = IngestService(
            client: client,
            registry: registry,
            statistics: statistics,
            logger: logger,
            scenarioRequests: scenarioRequests,
            controlHandler: controlHandler
        )
        let portBox = HTTPPortBox()
        let http = Application(
            router: APIRoutes(
                registry: registry,
                statistics: statistics,
                readiness: readiness,
                bearerToken: bearerToken,
                metricsEndpoint: MetricsEndpoint(
                    registry: prometheus,
                    metrics: metrics,
                    twins: registry,
                    brokerState: { (client.isConnected, client.reconnectCount) },
                    databasePath: configuration.databasePath
                ),
                dashboard: DashboardPage(registry: registry, store: store)
            ).build(),
            configuration: .init(
                address: .hostname(configuration.httpHost, port: configuration.httpPort),
                serverName: "umweltd"
            ),
            onServerRunning: { channel in
                portBox.port = channel.localAddress?.port
            },
            logger: logger
        )
        // Several twins: one will each, on connections of their own (see TwinStatusService);
        // one twin: its will rides on the main connection, and twins a reload adds get their own.
        let status = try TwinStatusService(
            twins: twins.count > 1 ? twins : [], base: mqttConfiguration, topics: topics, logger: logger)
        let reload = TwinReloadService(
            configuration: configuration,
            registry: registry,
            client: client,
            store: store,
            topics: topics,
            statistics: statistics,
            notifier: notifier,
            logger: logger,
            homeAssistant: homeAssistant,
            status: status
        )
        let optionalServices: [ServiceGroupConfiguration.ServiceConfiguration] =
            homeAssistant.map { [.init(service: $0)] } ?? []
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    .init(service: status),
                    .init(service: broker),
                    .init(service: supervisor),
                    .init(service: ingest),
                    .init(service: scenarioRequests),
                    .init(service: http),
                    .init(service: reload),
                ] + optionalServices,
                gracefulShutdownSignals: [.sigterm, .sigint],
                cancellationSignals: [],
                logger: logger
            )
        )
        return UmweltApplication(
            group: group,
            statistics: statistics,
            twins: twins,
            httpPortBox: portBox,
            registry: registry,
            reloader: reload
        )
    }
}

/// Holds the HTTP port once the server is bound.
final class HTTPPortBox: Sendable {
    private let state = Mutex<Int?>(nil)

    var port: Int? {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }
}
