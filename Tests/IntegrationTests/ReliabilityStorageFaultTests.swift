import Foundation
import Testing
import UmweltCore
import UmweltService

/// Issue 7, reliability 4: the state directory fills up (a small tmpfs, filled by a file);
/// the daemon keeps learning and forecasting from memory, reports the fault in `/healthz`
/// and `/v1/twins`, and writes what it buffered once space returns.
///
/// Needs root with CAP_SYS_ADMIN (`mount -t tmpfs`), as `make test` runs in CI; elsewhere
/// the test is skipped. (`chmod` cannot make a directory read-only for root, and
/// `chattr +i` does not stop writes through the descriptors SQLite already holds.)
@Suite(.serialized)
struct ReliabilityStorageFaultTests {
    @Test(.timeLimit(.minutes(1)), .enabled(if: ReliabilityHarness.canMountTmpfs))
    func fullStateDirectoryDegradesHealthAndRecoversWithoutLosingReadings() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let twin = (id: "rel-disk", zones: 3)
        let work = try ReliabilityHarness.makeWorkDirectory(twins: [twin])
        defer { try? FileManager.default.removeItem(at: work) }
        let state = work.appendingPathComponent("state")
        try #require(
            await ReliabilityHarness.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", state.path]) == 0)
        defer { ReliabilityHarness.runBlocking("/bin/umount", ["-l", state.path]) }

        let configuration = DaemonHarness.configuration(work: work, brokerPort: broker.port)
        let application = try await UmweltApplication.build(
            configuration: configuration,
            logger: DaemonHarness.testLogger(),
            environment: [:]
        )
        let group = Task { try await application.run() }
        let port = try #require(await application.httpPort())
        try #require(
            try await DaemonHarness.waitUntilReady(port: port, timeout: .seconds(20)))
        let publisher = try LoadPublisher(twins: [twin], brokerPort: broker.port, messagesPerSecond: 150)
        let publishing = Task { try await publisher.run(for: .seconds(12)) }
        try await Task.sleep(for: .seconds(2))
        #expect(try await Self.health(port) == "ok")

        // Fill the file system.
        let filler = state.appendingPathComponent("filler")
        let chunk = Data(repeating: 0x55, count: 64 * 1024)
        _ = FileManager.default.createFile(atPath: filler.path, contents: nil)
        let handle = try FileHandle(forWritingTo: filler)
        while (try? handle.write(contentsOf: chunk)) != nil {}
        try? handle.close()

        let degraded = try await DaemonHarness.eventually(timeout: .seconds(10)) {
            try await Self.health(port) == "degraded"
        }
        #expect(degraded, "healthz did not report the storage fault")
        let summary = try await DaemonHarness.get(port: port, path: "/v1/twins/rel-disk").1 as? [String: Any]
        #expect(summary?["storage_fault"] is String, "storage_fault in /v1/twins/{twin}")
        #expect(try await DaemonHarness.get(port: port, path: "/healthz").0 == 200, "degraded, not dead")
        // Still learning and forecasting from memory.
        let stepsAtFault = application.statistics.snapshot.stepsLearned
        let learning = try await DaemonHarness.eventually(timeout: .seconds(10)) {
            application.statistics.snapshot.stepsLearned > stepsAtFault + 3
        }
        #expect(learning)
        let (forecastStatus, forecasts) = try await DaemonHarness.get(
            port: port,
            path: "/v1/twins/rel-disk/zones/z1/forecast"
        )
        #expect(forecastStatus == 200 && !((forecasts as? [Any]) ?? []).isEmpty)
        #expect(application.statistics.snapshot.storageErrors > 0)

        // Space returns.
        try FileManager.default.removeItem(at: filler)
        let recovered = try await DaemonHarness.eventually(timeout: .seconds(10)) {
            try await Self.health(port) == "ok"
        }
        #expect(recovered, "healthz still degraded after space returned")
        try await publishing.value
        await publisher.stop()
        let expected = publisher.publishedKeys(twin: twin.id)
        var stored = Set<String>()
        let complete = try await DaemonHarness.eventually(timeout: .seconds(15)) {
            stored = try await ReliabilityHarness.storedReadingKeys(
                databasePath: configuration.databasePath,
                twin: twin.id
            )
            return stored.isSuperset(of: expected)
        }
        print(
            "disk full: \(application.statistics.snapshot.storageErrors) failed writes, "
                + "\(expected.subtracting(stored).count) of \(expected.count) readings missing after recovery"
        )
        #expect(complete, "readings buffered during the fault were written after it")
        await application.shutdown()
        try await group.value
    }

    private static func health(_ port: Int) async throws -> String? {
        let (_, body) = try await DaemonHarness.get(port: port, path: "/healthz")
        return (body as? [String: Any])?["status"] as? String
    }
}
