import Foundation
import Testing
import UmweltCore
import UmweltMQTT

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

    @Test(.timeLimit(.minutes(1)))
    func reloadAddingAndRemovingATwinUpdatesSubscriptionsWillsAndHomeAssistant() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        var configuration = DaemonHarness.configuration(work: work, brokerPort: broker.port)
        configuration.homeAssistant = HomeAssistantConfiguration(isEnabled: true, discoveryPrefix: "homeassistant")
        let application = try await UmweltApplication.build(
            configuration: configuration, logger: DaemonHarness.testLogger(), environment: [:])
        let group = Task { try await application.run() }
        defer { group.cancel() }
        let port = try #require(await application.httpPort())
        #expect(
            try await DaemonHarness.waitUntilReady(port: port, timeout: .seconds(10)))
        let status = try #require(application.reloader.statusService)
        #expect(status.twins.isEmpty, "one twin: its will rides on the main connection")

        // A second twin on topics of its own.
        let demo = try String(contentsOfFile: DaemonHarness.demoTwinPath, encoding: .utf8)
        let extraFile = work.appendingPathComponent("twins/extra.yaml")
        try demo.replacingOccurrences(of: "twin: demo-office", with: "twin: extra-office")
            .replacingOccurrences(of: "topic: ", with: "topic: extra/")
            .write(to: extraFile, atomically: true, encoding: .utf8)
        #expect(
            await application.reloader.reload()
                == TwinReloadService.Outcome(kept: ["demo-office"], added: ["extra-office"]))
        #expect(status.twins == ["extra-office"], "the added twin gets a last will of its own")

        let devices = CollectedMessages()
        let observer = try MQTTTestSupport.client("reload-observer", port: broker.port)
        try observer.subscribe(["homeassistant/device/+/config", "umwelt/extra-office/status"], qos: 1)
        try await observer.connect(timeout: .seconds(10))
        let collecting = Task { for await batch in observer.messages { devices.append(batch) } }
        defer { collecting.cancel() }
        let extraDevice = "homeassistant/device/umwelt_extra-office_meeting-room/config"
        #expect(
            try await DaemonHarness.eventually(timeout: .seconds(5)) {
                devices.all.contains { $0.topic == extraDevice && !$0.payload.isEmpty }
                    && devices.all.contains {
                        $0.topic == "umwelt/extra-office/status" && $0.payload == Array("online".utf8)
                    }
            }, "\(devices.all.map(\.topic))")

        let publisher = try MQTTTestSupport.client("reload-publisher", port: broker.port)
        try await publisher.connect(timeout: .seconds(10))
        let received = application.statistics.snapshot.messagesReceived
        try publisher.publish(Message(topic: "extra/site/meeting-room/co2", payload: Array("612".utf8), qos: 1))
        #expect(
            try await DaemonHarness.eventually(timeout: .seconds(5)) {
                application.statistics.snapshot.messagesReceived > received
            }, "the added twin's topics are subscribed")

        // Removing it: its topics are unsubscribed, its devices deleted, its status offline.
        try FileManager.default.removeItem(at: extraFile)
        devices.removeAll()
        #expect(
            await application.reloader.reload()
                == TwinReloadService.Outcome(kept: ["demo-office"], removed: ["extra-office"]))
        #expect(status.twins.isEmpty)
        #expect(
            try await DaemonHarness.eventually(timeout: .seconds(5)) {
                devices.all.contains { $0.topic == extraDevice && $0.payload.isEmpty }
                    && devices.all.contains {
                        $0.topic == "umwelt/extra-office/status" && $0.payload == Array("offline".utf8)
                    }
            }, "\(devices.all.map { ($0.topic, $0.payload.count) })")
        let rejectedBefore = application.statistics.snapshot.rejectedByReason["unknown_topic"] ?? 0
        let receivedBefore = application.statistics.snapshot.messagesReceived
        try publisher.publish(Message(topic: "extra/site/meeting-room/co2", payload: Array("613".utf8), qos: 1))
        try publisher.publish(Message(topic: "site/meeting-room/co2", payload: Array("614".utf8), qos: 1))
        #expect(
            try await DaemonHarness.eventually(timeout: .seconds(5)) {
                application.statistics.snapshot.messagesReceived > receivedBefore
            })
        try await Task.sleep(for: .milliseconds(300))
        #expect(application.statistics.snapshot.messagesReceived == receivedBefore + 1, "only the kept twin's message")
        #expect((application.statistics.snapshot.rejectedByReason["unknown_topic"] ?? 0) == rejectedBefore)

        await observer.disconnect()
        await publisher.disconnect()
        await application.shutdown()
        try await group.value
    }
}
