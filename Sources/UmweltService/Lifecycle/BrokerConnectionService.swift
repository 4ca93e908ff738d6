import Logging
import ServiceLifecycle
import UmweltCore
import UmweltMQTT

/// Owns the broker session: connects (retrying), announces `online` on every twin's
/// status topic, tells systemd it is ready, and at shutdown publishes `offline` and
/// disconnects. Listed first in the group, so it stops last.
final class BrokerConnectionService: Service {
    private let client: MQTTClient
    private let twins: [TwinDefinition]
    private let topics: TopicScheme
    private let notifier: SystemdNotifier
    private let readiness: Readiness
    private let logger: Logger

    init(
        client: MQTTClient,
        twins: [TwinDefinition],
        topics: TopicScheme,
        notifier: SystemdNotifier,
        readiness: Readiness,
        logger: Logger
    ) {
        self.client = client
        self.twins = twins
        self.topics = topics
        self.notifier = notifier
        self.readiness = readiness
        self.logger = logger
    }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            try await self.client.connect()
        }
        if Task.isShuttingDownGracefully || Task.isCancelled {
            await client.disconnect()
            return
        }
        announce(status: "online")
        readiness.markReady(true)
        notifier.notify("READY=1\nSTATUS=connected to broker, \(twins.count) twin(s) loaded")
        logger.info("ready", metadata: ["twins": "\(twins.map(\.id).joined(separator: ","))"])
        try? await gracefulShutdown()
        readiness.markReady(false)
        notifier.notify("STOPPING=1\nSTATUS=stopping: checkpoint written, publishing offline")
        announce(status: "offline")
        await client.disconnect()
        logger.info("disconnected from broker")
    }

    private func announce(status: String) {
        for twin in twins {
            client.publish(topic: topics.status(twin: twin.id), payload: Array(status.utf8), qos: 1, retain: true)
        }
    }
}
