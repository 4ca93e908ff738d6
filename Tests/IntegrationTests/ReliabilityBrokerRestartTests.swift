import Foundation
import Testing
import UmweltCore
import UmweltService

/// Issue 7, reliability 1: the broker goes away while readings flow and comes back; with
/// QoS 1 and persistent sessions (the daemon's and the publisher's) nothing is lost.
@Suite(.serialized)
struct ReliabilityBrokerRestartTests {
    /// How long the broker stays down. The issue asks for 30 s; 10 s keeps CI time sane and
    /// exercises the same path (the clients' backoff, 1 s doubling, is past its third retry).
    static let outage = Duration.seconds(10)

    @Test(.timeLimit(.minutes(2)))
    func noReadingPublishedDuringABrokerOutageIsLost() async throws {
        let broker = try MosquittoBroker.start(persistence: true)
        defer { broker.stop() }
        let twins = [(id: "rel-restart", zones: 3)]
        let work = try ReliabilityHarness.makeWorkDirectory(twins: twins)
        defer { try? FileManager.default.removeItem(at: work) }
        let configuration = DaemonHarness.configuration(work: work, brokerPort: broker.port)
        let application = try await UmweltApplication.build(
            configuration: configuration,
            logger: DaemonHarness.testLogger(),
            environment: [:]
        )
        let group = Task { try await application.run() }
        let port = try #require(await application.httpPort())
        let ready = try await DaemonHarness.waitUntilReady(port: port, timeout: .seconds(20))
        try #require(ready)

        // The devices: `mosquitto_pub` processes (C libmosquitto), which queue QoS 1 messages
        // while the broker is away. (An `MQTTClient` publishing during the outage loses its
        // network thread; see the closing note of issue 7.)
        let publisher = try LoadPublisher(
            twins: twins,
            brokerPort: broker.port,
            messagesPerSecond: 100,
            throughMosquittoPub: true
        )
        let publishing = Task { try await publisher.run(for: .seconds(2) + Self.outage + .seconds(3)) }
        try await Task.sleep(for: .seconds(2))
        let beforeOutage = publisher.total
        async let outage: Void = broker.restart(downtime: Self.outage)
        // While the broker is away the daemon says so on /readyz (503), and forecasts go on.
        var readiness: (Int, Any?) = (0, nil)
        let notReady = try await DaemonHarness.eventually(timeout: Self.outage - .seconds(2)) {
            readiness = try await DaemonHarness.get(port: port, path: "/readyz")
            return readiness.0 == 503
        }
        try await outage
        #expect(notReady, "readyz during the outage: \(readiness)")
        #expect((readiness.1 as? [String: Any])?["status"] as? String == "broker_disconnected")
        try await publishing.value
        let published = publisher.total
        await publisher.stop()  // waits until every mosquitto_pub has delivered its queue
        #expect(published - beforeOutage > 800, "the publisher kept publishing during the outage")

        let expected = publisher.publishedKeys(twin: "rel-restart")
        var stored = Set<String>()
        let complete = try await DaemonHarness.eventually(timeout: .seconds(60)) {
            stored = try await ReliabilityHarness.storedReadingKeys(
                databasePath: configuration.databasePath,
                twin: "rel-restart"
            )
            return stored.isSuperset(of: expected)
        }
        let snapshot = application.statistics.snapshot
        print(
            "broker outage \(Self.outage): published \(published) (\(published - beforeOutage) from the outage on), "
                + "received \(snapshot.messagesReceived), stored distinct \(stored.count), "
                + "missing \(expected.subtracting(stored).count), late \(snapshot.readingsLate)"
        )
        // Late readings (one device's backlog arriving after another's moved the data clock
        // on) are not learned, but they are received and stored like every other reading.
        #expect(
            complete,
            "\(expected.subtracting(stored).count) of \(expected.count) readings lost; broker log: \(broker.log)")
        #expect(snapshot.messagesReceived >= published)
        #expect(try await DaemonHarness.get(port: port, path: "/readyz").0 == 200, "ready again after reconnecting")
        await application.shutdown()
        try await group.value
    }
}
