import Logging
import ServiceLifecycle
import UmweltCore
import UmweltMQTT

/// Gives every twin of a multi-twin daemon its own last will: one small MQTT connection per
/// twin, whose will is a retained `offline` on `<prefix>/<twin>/status` (one connection can
/// carry one will). A daemon with one twin puts the will on its main connection instead.
///
/// Listed first in the service group, so it stops last: `offline` goes out after the final
/// checkpoint, and a crash makes the broker publish every twin's will.
final class TwinStatusService: Service {
    private let clients: [(twin: String, client: MQTTClient)]
    private let topics: TopicScheme
    private let logger: Logger

    init(twins: [TwinDefinition], base: MQTTConfiguration, topics: TopicScheme, logger: Logger) throws {
        self.topics = topics
        self.logger = logger
        var clients: [(String, MQTTClient)] = []
        for twin in twins {
            var configuration = base
            configuration.clientID = "\(base.clientID)-status-\(twin.id)"
            configuration.cleanSession = true
            configuration.will = Message(
                topic: topics.status(twin: twin.id),
                payload: Array("offline".utf8),
                qos: 1,
                retain: true
            )
            clients.append((twin.id, try MQTTClient(configuration: configuration, logger: logger)))
        }
        self.clients = clients
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                for (_, client) in self.clients { try await client.connect() }
            }
        } catch {
            logger.error("status connections failed; twins have no last will", metadata: ["error": "\(error)"])
        }
        for (twin, client) in clients where client.isConnected {
            client.publish(topic: topics.status(twin: twin), payload: Array("online".utf8), qos: 1, retain: true)
        }
        try? await gracefulShutdown()
        for (twin, client) in clients where client.isConnected {
            client.publish(topic: topics.status(twin: twin), payload: Array("offline".utf8), qos: 1, retain: true)
        }
        for (_, client) in clients { await client.disconnect() }
    }
}
