import Foundation
import Synchronization
import Testing
import UmweltCore
import UmweltMQTT
import UmweltService

/// Issue 7, scale-out: two daemons on one broker, `shard 0/2` and `shard 1/2` of the same
/// twins directory; every twin is served by exactly one of them.
@Suite(.serialized)
struct ScaleOutShardTests {
    @Test func shardSelectionIsStableAndPartitionsTheFleet() throws {
        let ids = (0..<100).map { "building-\($0)" }
        let counts = (0..<3).map { shard in ids.filter { TwinSelection.shardIndex(of: $0, count: 3) == shard }.count }
        #expect(counts.allSatisfy { $0 > 20 }, "FNV-1a spreads ids: \(counts)")
        #expect(
            TwinSelection.shardIndex(of: "demo-office", count: 4)
                == TwinSelection.shardIndex(of: "demo-office", count: 4))
        #expect(TwinSelection.Shard(parsing: "1/2") == TwinSelection.Shard(index: 1, count: 2))
        #expect(TwinSelection.Shard(parsing: "2/2") == nil)
        #expect(TwinSelection.Shard(parsing: "x") == nil)
        let yaml = try UmweltConfiguration.parse(yaml: "shard: 0/3\ntwins_only: [a, b]\n", source: "test.yaml")
        #expect(yaml.twinSelection == TwinSelection(only: ["a", "b"], shard: .init(index: 0, count: 3)))
        let flags = try DaemonConfiguration.resolve(
            configFile: nil, broker: nil, twins: nil, stateDirectory: nil, http: nil,
            shard: "1/4", twinsOnly: "x,y", environment: [:]
        )
        #expect(flags.twinSelection == TwinSelection(only: ["x", "y"], shard: .init(index: 1, count: 4)))
    }

    @Test(.timeLimit(.minutes(1)))
    func twoShardedDaemonsServeEveryTwinExactlyOnce() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let twins = (0..<6).map { (id: "fleet-\($0)", zones: 2) }
        let shards = Set(twins.map { TwinSelection.shardIndex(of: $0.id, count: 2) })
        try #require(shards == [0, 1], "both shards own a twin")
        let work = try ReliabilityHarness.makeWorkDirectory(twins: twins)
        defer { try? FileManager.default.removeItem(at: work) }
        let logger = DaemonHarness.testLogger()

        // A witness of what the daemons publish.
        var witnessConfiguration = MQTTConfiguration(
            clientID: "witness-\(UUID().uuidString.prefix(8))", port: broker.port)
        witnessConfiguration.cleanSession = true
        let witness = try MQTTClient(configuration: witnessConfiguration, logger: logger)
        try witness.subscribe(["umwelt/+/status", "umwelt/+/+/forecast/temperature"], qos: 1)
        try await witness.connect(timeout: .seconds(10))
        let seen = Mutex<[String: Set<String>]>([:])  // twin -> kinds of topics seen
        let watching = Task {
            for await batch in witness.messages {
                for message in batch {
                    let parts = message.topic.split(separator: "/")
                    seen.withLock { _ = $0[String(parts[1]), default: []].insert(String(parts[2..<parts.count].last!)) }
                }
            }
        }

        var applications: [UmweltApplication] = []
        var groups: [Task<Void, any Error>] = []
        for shard in 0..<2 {
            var configuration = DaemonHarness.configuration(work: work, brokerPort: broker.port)
            configuration.stateDirectory = work.appendingPathComponent("state-\(shard)").path
            configuration.twinSelection = TwinSelection(shard: .init(index: shard, count: 2))
            let application = try await UmweltApplication.build(
                configuration: configuration,
                logger: logger,
                environment: [:]
            )
            applications.append(application)
            groups.append(Task { try await application.run() })
        }
        let served = applications.map { Set($0.twins.map(\.id)) }
        #expect(served[0].isDisjoint(with: served[1]))
        #expect(served[0].union(served[1]) == Set(twins.map(\.id)))

        let publisher = try LoadPublisher(twins: twins, brokerPort: broker.port, messagesPerSecond: 600)
        try await Task.sleep(for: .seconds(1))
        try await publisher.run(for: .seconds(3))
        await publisher.stop()
        for (index, application) in applications.enumerated() {
            let own = served[index].map { publisher.count(twin: $0) }.reduce(0, +)
            let complete = try await DaemonHarness.eventually(timeout: .seconds(20)) {
                application.statistics.snapshot.readingsAccepted >= own
            }
            #expect(complete)
            // Only its own twins' topics are subscribed: nothing of the other shard arrives.
            #expect(application.statistics.snapshot.messagesReceived == own, "shard \(index)")
        }
        let everyTwinServed = try await DaemonHarness.eventually(timeout: .seconds(10)) {
            let kinds = seen.withLock { $0 }
            return twins.allSatisfy { kinds[$0.id]?.isSuperset(of: ["status", "temperature"]) == true }
        }
        #expect(everyTwinServed, "\(seen.withLock { $0 })")
        for application in applications { await application.shutdown() }
        for group in groups { try await group.value }
        watching.cancel()
        await witness.disconnect()
    }
}
