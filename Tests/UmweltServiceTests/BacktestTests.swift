import BuildingSimulator
import Foundation
import Testing
import UmweltCore
import UmweltService

/// The backtest on a simulated building: its metrics must match what an independent
/// reading of its own forecasts.csv gives, and the model must beat persistence at 1 h.
struct BacktestTests {
    static func simulatedRecording(days: Double, seed: UInt64) throws -> (TwinDefinition, [RecordedMessage]) {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let twin = try TwinFileParser.load(path: "/" + root + "/Twins/demo-office.yaml")
        var configuration = SimulatorConfiguration(start: 1_767_225_600)  // 2026-01-01T00:00:00Z
        configuration.seed = seed
        var simulator = BuildingSimulator(twin: twin, configuration: configuration)
        var messages: [RecordedMessage] = []
        while simulator.time < configuration.start + days * 86_400 {
            for message in simulator.step() {
                messages.append(RecordedMessage(time: message.time, topic: message.topic, payload: message.payload))
            }
        }
        return (twin, messages)
    }

    @Test func metricsAgreeWithForecastsCSVAndBeatPersistence() throws {
        // Thursday 1 January to Monday 5 January 2026: the scored day is a working day.
        let (twin, messages) = try Self.simulatedRecording(days: 5, seed: 5)
        let split = 1_767_225_600 + 4 * 86_400.0
        let backtest = Backtest(twin: twin, horizons: [1, 12])
        let outcome = backtest.run(
            warmup: messages.filter { $0.time < split },
            input: messages.filter { $0.time >= split }
        )
        let metrics = BacktestMetrics(outcome: outcome, twin: twin.id)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try outcome.write(to: directory, metrics: metrics)
        #expect(outcome.origins >= 280)

        // Independent: parse forecasts.csv and recompute MAE and coverage for indoor
        // temperature at 12 steps (the outdoor zone is reported on its own).
        let text = try String(contentsOfFile: directory + "/forecasts.csv", encoding: .utf8)
        var lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(
            lines.removeFirst().joined(separator: ",")
                == "origin,zone,quantity,horizon,target,mean,p10,p50,p90,observed")
        var absolute = 0.0, covered = 0, n = 0
        for fields in lines
        where fields[1] != "outdoor" && fields[2] == "temperature" && fields[3] == "12" && !fields[9].isEmpty {
            let mean = Double(fields[5])!, p10 = Double(fields[6])!, p90 = Double(fields[8])!
            let observed = Double(fields[9])!
            absolute += abs(mean - observed)
            if observed >= p10 && observed <= p90 { covered += 1 }
            n += 1
        }
        let score = try #require(metrics.quantities["temperature"]?.first { $0.horizon == 12 })
        #expect(score.n == n)
        #expect(abs(score.mae - absolute / Double(n)) < 1e-4)
        #expect(abs(score.coverage - Double(covered) / Double(n)) < 1e-9)
        #expect(score.mae < score.persistenceMAE, "model \(score.mae) vs persistence \(score.persistenceMAE)")
        let anomalies = try String(contentsOfFile: directory + "/anomalies.csv", encoding: .utf8)
        #expect(anomalies.hasPrefix("time,zone,quantity,value,score,kind\n"))
        let json = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: directory + "/metrics.json")))
        #expect((json as? [String: Any])?["origins"] as? Int == outcome.origins)
    }
}
