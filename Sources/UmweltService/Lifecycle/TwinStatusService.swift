import Logging
import ServiceLifecycle
import Synchronization
import UmweltCore
import UmweltMQTT

/// Gives every twin of a multi-twin daemon its own last will: one small MQTT connection per
/// twin, whose will is a retained `offline` on `<prefix>/<twin>/status` (one connection can
/// carry one will). A daemon started with one twin puts that twin's will on its main
/// connection; twins added later by a reload get connections here.
///
/// Listed first in the service group, so it stops last: `offline` goes out after the final
/// checkpoint, and a crash makes the broker publish every twin's will.
final class TwinStatusService: Service {
    private let base: MQTTConfiguration
    private let topics: TopicScheme
    private let logger: Logger
    private let clients: Mutex<[String: MQTTClient]>

    /// - Parameter twins: the twins that need a connection of their own from the start.
    init(twins: [TwinDefinition], base: MQTTConfiguration, topics: TopicScheme, logger: Logger) throws {
        self.base = base
        self.topics = topics
        self.logger = logger
        var clients: [String: MQTTClient] = [:]
        for twin in twins {
            clients[twin.id] = try Self.client(twin: twin.id, base: base, topics: topics, logger: logger)
        }
        self.clients = Mutex(clients)
    }

    /// The twins that have a status connection now (for tests).
    var twins: Set<String> { clients.withLock { Set($0.keys) } }

    func run() async throws {
        // The connections of the twins given at start (a reload connects its own).
        let startClients = clients.withLock { Array($0) }
        do {
            try await cancelWhenGracefulShutdown {
                for (_, client) in startClients { try await client.connect() }
            }
        } catch {
            logger.error("status connections failed; twins have no last will", metadata: ["error": "\(error)"])
        }
        for (twin, client) in startClients where client.isConnected { announce("online", twin: twin, on: client) }
        try? await gracefulShutdown()
        let all = clients.withLock { clients in
            defer { clients = [:] }
            return clients
        }
        for (twin, client) in all where client.isConnected { announce("offline", twin: twin, on: client) }
        for client in all.values { await client.disconnect() }
    }

    /// After a reload: connects a status connection (with its will) for each added twin and
    /// closes that of each removed twin (after announcing `offline` on it).
    func update(added: [TwinDefinition], removed: [String]) async {
        for id in removed {
            guard let client = clients.withLock({ $0.removeValue(forKey: id) }) else { continue }
            if client.isConnected { announce("offline", twin: id, on: client) }
            await client.disconnect()
        }
        for twin in added where clients.withLock({ $0[twin.id] == nil }) {
            do {
                let client = try Self.client(twin: twin.id, base: base, topics: topics, logger: logger)
                clients.withLock { $0[twin.id] = client }
                try await client.connect(timeout: .seconds(10))
                announce("online", twin: twin.id, on: client)
            } catch {
                logger.error(
                    "status connection failed; the twin has no last will",
                    metadata: ["twin": "\(twin.id)", "error": "\(error)"])
            }
        }
    }

    private func announce(_ status: String, twin: String, on client: MQTTClient) {
        client.publish(topic: topics.status(twin: twin), payload: Array(status.utf8), qos: 1, retain: true)
    }

    private static func client(
        twin: String, base: MQTTConfiguration, topics: TopicScheme, logger: Logger
    ) throws -> MQTTClient {
        var configuration = base
        configuration.clientID = "\(base.clientID)-status-\(twin)"
        configuration.cleanSession = true
        configuration.will = Message(
            topic: topics.status(twin: twin),
            payload: Array("offline".utf8),
            qos: 1,
            retain: true
        )
        return try MQTTClient(configuration: configuration, logger: logger)
    }
}
