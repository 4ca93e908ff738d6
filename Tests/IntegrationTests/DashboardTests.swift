import Foundation
import Testing
import UmweltCore
import UmweltMQTT
import UmweltService

/// The dashboard at `/` of a daemon run in-process on a simulated day: the HTML has the
/// charts, and headless Chromium renders it to a screenshot that is not blank.
@Suite(.serialized)
struct DashboardTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test(.timeLimit(.minutes(1)), .enabled(if: chromium != nil, "needs chromium (make deps installs it)"))
    func dashboardRendersChartsAndChromiumScreenshotIsNotBlank() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let logger = DaemonHarness.testLogger()
        let application = try await UmweltApplication.build(
            configuration: DaemonHarness.configuration(work: work, brokerPort: broker.port),
            logger: logger,
            environment: [:]
        )
        let group = Task { try await application.run() }
        defer { group.cancel() }
        let port = try #require(await application.httpPort())
        // Subscribed before the simulator publishes: nothing it sends is lost.
        #expect(try await DaemonHarness.waitUntilReady(port: port, timeout: .seconds(20)))
        let client = try MQTTClient(
            configuration: MQTTConfiguration(clientID: "sim-\(UUID().uuidString.prefix(8))", port: broker.port),
            logger: logger
        )
        try await client.connect(timeout: .seconds(10))
        let twin = try TwinFileParser.load(path: DaemonHarness.demoTwinPath)
        let publisher = SimulationPublisher(
            twin: twin, speed: 0, startOffsetSeconds: 86_400, durationSeconds: 6 * 3600)
        _ = try await publisher.run(client: client, logger: logger)
        await client.disconnect()

        var html = ""
        let rendered = try await DaemonHarness.eventually(timeout: .seconds(15)) {
            html = try await PrometheusText.scrape(port: port, path: "/").1
            // Wait until the store holds most of the simulated steps (flushed every second).
            guard let range = html.range(of: "class=\"past\" points=\"") else { return false }
            let points = html[range.upperBound...].prefix { $0 != "\"" }.split(separator: " ").count
            return points >= 60 && html.contains("class=\"band\"")
        }
        #expect(rendered, "\(html.prefix(2000))")
        #expect(html.contains("<meta http-equiv=\"refresh\""))
        #expect(html.components(separatedBy: "<svg").count - 1 >= 12, "a chart per quantity and zone")
        for zone in ["meeting-room", "open-office", "kitchen", "focus-room"] {
            #expect(html.contains("<h3>\(zone)</h3>"), "\(zone)")
        }
        #expect(html.contains("occupancy probability"))
        #expect(html.contains("learned parameter"))
        #expect(!html.contains("<script"))

        let screenshot = DaemonHarness.packageRoot.appendingPathComponent(".build/dashboard.png")
        try? FileManager.default.removeItem(at: screenshot)
        let status = try await Self.run(
            Self.chromium!,
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,1400",
                "--user-data-dir=\(work.appendingPathComponent("chromium").path)",
                "--screenshot=\(screenshot.path)", "http://127.0.0.1:\(port)/",
            ]
        )
        #expect(status == 0)
        let distinct = try await Self.distinctPixelBytes(png: screenshot.path)
        #expect(distinct > 16, "the screenshot looks blank (\(distinct) distinct byte values)")

        await application.shutdown()
        try await group.value
    }

    private static func run(_ executable: String, _ arguments: [String]) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return await process.exitStatus()
    }

    /// Distinct byte values in the PNG's decompressed image data (a blank page has 1–3).
    private static func distinctPixelBytes(png path: String) async throws -> Int {
        let script = """
            import sys, zlib, struct
            data = open(sys.argv[1], 'rb').read()
            assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n'
            pos, idat = 8, b''
            while pos < len(data):
                length, kind = struct.unpack('>I4s', data[pos:pos + 8])
                if kind == b'IDAT': idat += data[pos + 8:pos + 8 + length]
                pos += 12 + length
            print(len(set(zlib.decompress(idat))))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = await OffPool.run { pipe.fileHandleForReading.readDataToEndOfFile() }
        _ = await process.exitStatus()
        return Int(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
