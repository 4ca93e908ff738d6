import Foundation
import Testing
import UmweltCore

@testable import UmweltService

/// `SIGHUP` reload in-process: unchanged twins keep their runtime, changed ones are rebuilt,
/// an invalid file leaves the running twins untouched.
@Suite(.serialized)
struct TwinReloadTests {
    @Test(.timeLimit(.minutes(1)))
    func reloadKeepsUnchangedTwinsRebuildsChangedAndRejectsInvalidFiles() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let twins = work.appendingPathComponent("twins")
        let demo = try String(contentsOfFile: DaemonHarness.demoTwinPath, encoding: .utf8)
        let second = twins.appendingPathComponent("second.yaml")
        try demo.replacingOccurrences(of: "twin: demo-office", with: "twin: second-office")
            .write(to: second, atomically: true, encoding: .utf8)
        let application = try await UmweltApplication.build(
            configuration: DaemonHarness.configuration(work: work, brokerPort: broker.port),
            logger: DaemonHarness.testLogger(),
            environment: [:]
        )
        let group = Task { try await application.run() }
        defer { group.cancel() }
        let before = application.registry.runtimes
        #expect(before.keys.sorted() == ["demo-office", "second-office"])

        let broken = twins.appendingPathComponent("broken.yaml")
        try "twin: broken\nstep: 5m\nzones: [".write(to: broken, atomically: true, encoding: .utf8)
        #expect(await application.reloadTwins() == false)
        #expect(
            application.registry.runtimes.mapValues(ObjectIdentifier.init) == before.mapValues(ObjectIdentifier.init))

        try FileManager.default.removeItem(at: broken)
        try demo.replacingOccurrences(of: "twin: demo-office", with: "twin: second-office")
            .replacingOccurrences(of: "horizon: 24h", with: "horizon: 12h")
            .write(to: second, atomically: true, encoding: .utf8)
        let outcome = await application.reloader.reload()
        #expect(outcome == TwinReloadService.Outcome(kept: ["demo-office"], rebuilt: ["second-office"]))
        let after = application.registry.runtimes
        #expect(after["demo-office"].map(ObjectIdentifier.init) == before["demo-office"].map(ObjectIdentifier.init))
        #expect(after["second-office"].map(ObjectIdentifier.init) != before["second-office"].map(ObjectIdentifier.init))
        #expect(after["second-office"]?.definition.horizonSteps == 144)

        await application.shutdown()
        try await group.value
    }
}
