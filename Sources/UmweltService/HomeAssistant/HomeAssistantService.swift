import Logging
import ServiceLifecycle
import UmweltCore
import UmweltMQTT

/// Publishes the Home Assistant discovery documents of every twin (retained) at start and
/// again whenever HA's status topic says `online` (HA restarted and lost its entities).
final class HomeAssistantService: Service {
    let discovery: HomeAssistantDiscovery
    private let registry: TwinRegistry
    let client: MQTTClient
    private let readiness: Readiness
    private let logger: Logger
    private let births: AsyncStream<Void>
    private let birthContinuation: AsyncStream<Void>.Continuation

    init(
        discovery: HomeAssistantDiscovery,
        registry: TwinRegistry,
        client: MQTTClient,
        readiness: Readiness,
        logger: Logger
    ) {
        self.readiness = readiness
        self.discovery = discovery
        self.registry = registry
        self.client = client
        self.logger = logger
        (births, birthContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Consumes messages on HA's status topic (ingest hands every message here first);
    /// returns false for every other topic.
    func handle(_ message: Message) -> Bool {
        guard message.topic == discovery.configuration.statusTopic else { return false }
        if String(decoding: message.payload, as: UTF8.self) == "online" { birthContinuation.yield() }
        return true
    }

    func run() async throws {
        try client.subscribe([discovery.configuration.statusTopic], qos: 1)
        // The broker connection announces readiness once connected; publish after it.
        while !readiness.isReady {
            try? await Task.sleep(for: .milliseconds(100))
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
        }
        publishAll(reason: "start")
        await cancelWhenGracefulShutdown {
            for await _ in self.births {
                self.publishAll(reason: "home assistant online")
            }
        }
    }

    /// Publishes every twin's documents (retained, QoS 1; queued while disconnected).
    func publishAll(reason: String) {
        var count = 0
        for twin in registry.definitions {
            for document in discovery.documents(for: twin) {
                client.publish(topic: document.topic, payload: document.bytes, qos: 1, retain: true)
                count += 1
            }
        }
        logger.info("home assistant discovery published", metadata: ["devices": "\(count)", "reason": "\(reason)"])
    }
}
