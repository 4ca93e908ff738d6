import Foundation
import Testing
import UmweltCore
import UmweltService

/// Issue 7, reliability 5: a bounded soak of the real `umweltd` (a child process, so the
/// measurements are the daemon's alone) with a simulated 50-zone building at high speed:
/// resident memory flat after warm-up, no growth in open files or threads.
@Suite(.serialized)
struct ReliabilitySoakTests {
    /// Wall time of the soak; the issue asks for minutes, CI gets one and a half.
    static let duration = 90.0
    /// Samples before this are warm-up (allocator pools, SQLite page cache, first checkpoints).
    /// With 20 s of 60, one late step of a few MB on a loaded CI machine (an allocator pool, the
    /// page cache filling) read as 6.8-10 MB/min; the fit now spans 60 s after 30 s.
    static let warmUp = 30.0
    /// Generous: a leak of one reading's worth per message at 1,000 msg/s would be ~10 MB/min.
    static let maximumSlopeMBPerMinute = 8.0

    @Test(.timeLimit(.minutes(3)))
    func fiftyZoneBuildingAtHighSpeedKeepsMemoryFilesAndThreadsFlat() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let twin = (id: "rel-soak", zones: 50)
        let work = try ReliabilityHarness.makeWorkDirectory(twins: [twin])
        defer { try? FileManager.default.removeItem(at: work) }
        let daemon = try ChildDaemon(
            work: work,
            brokerPort: broker.port,
            clientID: "umweltd-soak-\(UUID().uuidString.prefix(8))",
            checkpointInterval: "5s"
        )
        defer { daemon.kill9() }
        try #require(try await daemon.waitUntilReady(), "\(daemon.log)")
        // 1,000 readings/s: each zone every 10 data-seconds, 200 data-seconds per wall second
        // (a 5-minute step closes every 1.5 s, each with a forecast for all 50 zones).
        let publisher = try LoadPublisher(twins: [twin], brokerPort: broker.port, messagesPerSecond: 1_000)
        let publishing = Task { try await publisher.run(for: .seconds(Self.duration)) }
        let clock = ContinuousClock()
        let began = clock.now
        var samples: [(time: Double, rssMB: Double, files: Int, threads: Int)] = []
        while clock.now - began < .seconds(Self.duration) {
            try await Task.sleep(for: .seconds(2))
            let elapsed = clock.now - began
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            samples.append(
                (
                    seconds,
                    Double(ReliabilityHarness.residentBytes(pid: daemon.pid)) / 1_048_576,
                    ReliabilityHarness.count(pid: daemon.pid, "fd"),
                    ReliabilityHarness.count(pid: daemon.pid, "task")
                )
            )
        }
        try await publishing.value
        await publisher.stop()
        let status = try await daemon.object("/v1/status")
        let steady = samples.filter { $0.time >= Self.warmUp }
        try #require(steady.count >= 5)
        let slope = ReliabilityHarness.slope(times: steady.map { $0.time / 60 }, values: steady.map(\.rssMB))
        let first = steady[0]
        let last = steady[steady.count - 1]
        print(
            "soak \(Int(Self.duration)) s, 50 zones, \(publisher.total) messages, "
                + "\(status?["readings_accepted"] ?? "?") accepted, \(status?["steps_learned"] ?? "?") steps: "
                + "RSS \(String(format: "%.1f", first.rssMB)) -> \(String(format: "%.1f", last.rssMB)) MB "
                + "(slope \(String(format: "%.2f", slope)) MB/min after \(Int(Self.warmUp)) s), "
                + "fds \(first.files) -> \(last.files) (max \(steady.map(\.files).max() ?? 0)), "
                + "threads \(first.threads) -> \(last.threads) (max \(steady.map(\.threads).max() ?? 0)); "
                + "RSS MB every 2 s: \(samples.map { String(format: "%.1f", $0.rssMB) }.joined(separator: " "))"
        )
        #expect(slope < Self.maximumSlopeMBPerMinute)
        #expect(steady.map(\.files).max()! <= first.files + 4, "open files grow")
        #expect(steady.map(\.threads).max()! <= first.threads + 4, "threads grow")
        #expect((status?["readings_accepted"] as? Int ?? 0) > publisher.total / 2)
    }
}
