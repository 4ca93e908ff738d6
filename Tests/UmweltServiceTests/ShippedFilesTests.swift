import BuildingSimulator
import Foundation
import Testing
import UmweltCore
import UmweltService

/// Every twin file and import mapping the repository ships loads, and the single-stream
/// recipe of the README (a NAB-format CSV through import and backtest) finds a fault.
struct ShippedFilesTests {
    static let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    static func files(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/" + directory)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { root + "/" + directory + "/" + $0 }
    }

    @Test func everyShippedTwinFileAndMappingLoads() throws {
        let twins = try Self.files(in: "Twins")
        #expect(twins.count >= 4)
        for path in twins {
            #expect(throws: Never.self, "\(path)") { try TwinFileParser.load(path: path) }
        }
        let mappings = try Self.files(in: "Twins/import")
        #expect(mappings.count >= 3)
        for path in mappings {
            let mapping = try WideCSVImport.loadMapping(path: path)
            #expect(!mapping.columns.isEmpty, "\(path)")
        }
    }

    @Test func singleStreamRecipeScoresAFailureAboveEveryNormalStep() throws {
        // A machine temperature in NAB's format: a daily cycle plus noise, and a dip of one
        // hour (a failure) after ten days.
        var generator = SimulationRandom(seed: 11)
        var csv = "timestamp,value\n"
        let start = Date(timeIntervalSince1970: 1_385_975_700)  // 2013-12-02 09:15:00 UTC
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        let failure = 3_000..<3_012
        for i in 0..<3_600 {
            let noise = generator.normal() * 0.5
            var value = 80 + 5 * sin(2 * Double.pi * Double(i) / 288) + noise
            if failure.contains(i) { value -= 25 }
            csv += "\(formatter.string(from: start.addingTimeInterval(Double(i) * 300))),\(value)\n"
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("machine.csv").path
        try csv.write(toFile: input, atomically: true, encoding: .utf8)

        let messages = try WideCSVImport.loadMapping(path: Self.root + "/Twins/import/single-stream.yaml")
            .convert(path: input)
        #expect(messages.count == 3_600)
        let twin = try TwinFileParser.load(path: Self.root + "/Twins/single-stream.yaml")
        let outcome = Backtest(twin: twin, horizons: [1, 12]).run(warmup: [], input: messages)
        #expect(outcome.rejected == 0)
        #expect(outcome.anomalies.count == 3_600)
        // After NAB's probationary 15 %, the failure's first step outscores every normal step.
        let firstFailure = start.timeIntervalSince1970 + Double(failure.lowerBound) * 300
        let probation = start.timeIntervalSince1970 + 540 * 300
        let normal = outcome.anomalies.filter {
            $0.time >= probation && ($0.time < firstFailure || $0.time > firstFailure + 86_400)
        }
        let atFailure = try #require(outcome.anomalies.first { $0.time == firstFailure })
        let highestNormal = normal.map(\.score).max() ?? 1
        #expect(atFailure.score > highestNormal, "failure \(atFailure.score) vs normal max \(highestNormal)")
        #expect(!atFailure.kind.isEmpty, "the failure is flagged: \(atFailure)")
    }
}
