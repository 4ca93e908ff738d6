import Foundation
import Testing
import UmweltCore

@testable import WorldModel

@Suite struct CheckpointTests {
    @Test func decodedModelContinuesIdentically() throws {
        let twin = SimulatedBuilding.twin(horizonSteps: 24)
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 50))
        var building = SimulatedBuilding()
        run(&building, &model, steps: 300)
        // Leave a reading in an open step so that the aggregator's state is part of the checkpoint.
        let pending = building.nextReadings()
        for reading in pending.prefix(2) { _ = model.ingest(reading) }
        let data = try JSONEncoder().encode(model)
        var restored = try JSONDecoder().decode(TwinModel.self, from: data)
        #expect(restored.forecasts() == model.forecasts())
        for reading in pending.dropFirst(2) {
            #expect(model.ingest(reading) == restored.ingest(reading))
        }
        var copy = building
        var originalReports: [StepReport] = []
        var restoredReports: [StepReport] = []
        run(&building, &model, steps: 100) { originalReports.append($0) }
        run(&copy, &restored, steps: 100) { restoredReports.append($0) }
        #expect(originalReports.count == restoredReports.count)
        for (a, b) in zip(originalReports, restoredReports) {
            #expect(a.forecasts == b.forecasts)
            #expect(a.scores == b.scores)
            #expect(a.events == b.events)
        }
        #expect(model.forecasts() == restored.forecasts())
        #expect(model.zoneStates() == restored.zoneStates())
        #expect(model.parameters() == restored.parameters())
        // Bumped whenever the encoding changes (2: calibrator corrections, valve heat with a setpoint;
        // 3: sparse long calibration anchors, layout indices).
        #expect(TwinModel.checkpointVersion == 3)
    }

    /// Number of scalars (numbers, strings, booleans, nulls) in a JSON document.
    static func scalarCount(_ value: Any) -> Int {
        if let dictionary = value as? [String: Any] { return dictionary.values.reduce(0) { $0 + scalarCount($1) } }
        if let array = value as? [Any] { return array.reduce(0) { $0 + scalarCount($1) } }
        return 1
    }

    @Test func checkpointSizeDoesNotGrowWithHistory() throws {
        // 30-minute steps: by 2,000 steps (41 days) every time-of-week bin has been visited.
        let twin = SimulatedBuilding.twin(horizonSteps: 6, stepSeconds: 1_800)
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin))
        var building = SimulatedBuilding(step: 1_800)
        run(&building, &model, steps: 2_000)
        let earlyData = try JSONEncoder().encode(model)
        run(&building, &model, steps: 18_000)
        let lateData = try JSONEncoder().encode(model)
        #expect(model.stepsLearned == 20_000)
        // The state holds exactly as many values; only the printed length of numbers varies
        // (decayed counts gain digits), which keeps the byte size within a few per cent.
        let early = Self.scalarCount(try JSONSerialization.jsonObject(with: earlyData))
        let late = Self.scalarCount(try JSONSerialization.jsonObject(with: lateData))
        #expect(early == late)
        let growth = Double(lateData.count - earlyData.count) / Double(earlyData.count)
        #expect(abs(growth) < 0.08, "checkpoint \(earlyData.count) → \(lateData.count) bytes")
    }

    @Test func replayedStepsMatchLiveSteps() {
        let twin = SimulatedBuilding.twin(horizonSteps: 12)
        let configuration = SimulatedBuilding.configuration(twin, warmup: 20)
        var live = TwinModel(twin: twin, configuration: configuration)
        var replayed = TwinModel(twin: twin, configuration: configuration)
        var building = SimulatedBuilding()
        var liveForecasts: [[SeriesForecast]] = []
        var replayedForecasts: [[SeriesForecast]] = []
        run(&building, &live, steps: 200) { report in
            liveForecasts.append(report.forecasts)
            replayedForecasts.append(replayed.learn(report.step).forecasts)
        }
        #expect(liveForecasts == replayedForecasts)
        #expect(live.stepsLearned == replayed.stepsLearned)
        #expect(live.lastClosedStep == replayed.lastClosedStep)
    }
}
