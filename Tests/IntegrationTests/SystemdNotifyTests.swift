import Foundation
import Testing

/// The real `umweltd` binary under a stand-in for systemd: notifications arrive on a socket
/// of the test's own through `NOTIFY_SOCKET`; SIGHUP reloads, SIGTERM stops cleanly.
@Suite(.serialized)
struct SystemdNotifyTests {
    @Test(.timeLimit(.minutes(1)))
    func daemonSendsReadyStatusWatchdogReloadingAndStopping() async throws {
        let binary = DaemonHarness.packageRoot.appendingPathComponent(".build/debug/umweltd").path
        try #require(FileManager.default.isExecutableFile(atPath: binary), "build umweltd first")
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let notify = try NotifySocket()

        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment["WATCHDOG_USEC"] = "3000000"
        environment["UMWELT_LOG_LEVEL"] = "warning"
        environment["UMWELT_CLIENT_ID"] = "umweltd-notify-\(UUID().uuidString.prefix(8))"
        let daemon = try DaemonProcess.launch(
            binary: binary,
            arguments: [
                "--broker", "127.0.0.1:\(broker.port)",
                "--twins", work.appendingPathComponent("twins").path,
                "--state-dir", work.appendingPathComponent("state").path,
                "--http", "127.0.0.1:0",
            ],
            environment: environment
        )
        defer { daemon.kill() }

        let ready = notify.waitFor(timeout: .seconds(15)) { $0 == "READY=1" }
        #expect(ready.found, "no READY=1; got \(ready.messages)")
        #expect(ready.messages.joined(separator: "\n").contains("STATUS="), "\(ready.messages)")
        let watchdog = notify.waitFor(timeout: .seconds(5)) { $0 == "WATCHDOG=1" }
        #expect(watchdog.found, "no WATCHDOG=1; got \(watchdog.messages)")

        daemon.signal(SIGHUP)
        let reloading = notify.waitFor(timeout: .seconds(5)) { $0 == "RELOADING=1" }
        #expect(reloading.found, "no RELOADING=1 after SIGHUP; got \(reloading.messages)")
        let reloaded = notify.waitFor(timeout: .seconds(10)) { $0 == "READY=1" }
        #expect(reloaded.found, "no READY=1 after reload; got \(reloaded.messages)")
        #expect(
            (reloading.messages + reloaded.messages).contains {
                $0.contains("STATUS=running 1 twin(s); reloaded: kept 1")
            },
            "\(reloading.messages + reloaded.messages)"
        )

        daemon.signal(SIGTERM)
        let stopping = notify.waitFor(timeout: .seconds(10)) { $0 == "STOPPING=1" }
        #expect(stopping.found, "no STOPPING=1 after SIGTERM; got \(stopping.messages)")
        let status = await daemon.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "exit status \(String(describing: status)); stderr: \(daemon.standardError)")
    }
}
