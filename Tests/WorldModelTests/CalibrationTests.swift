import Foundation
import Testing
import UmweltCore

@testable import WorldModel

@Suite struct CalibrationTests {
    @Test func bandsCoverAboutEightyPercentOnStationaryProcess() {
        let twin = TwinDefinition(
            id: "ar", stepSeconds: 300, horizonSteps: 12,
            zones: [ZoneDefinition(id: "room", sensors: [SensorBinding(quantity: .temperature, topic: "t")])]
        )
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 100))
        var generator = SeededGenerator(seed: 11)
        var value = 21.0
        var issued: [Int: [Int: ForecastPoint]] = [:]
        var inside: [Int: Int] = [:]
        var total: [Int: Int] = [:]
        for k in 0..<3_000 {
            value = 21 + 0.9 * (value - 21) + 0.1 * generator.gaussian()
            let time = SimulatedBuilding.start + Double(k) * 300
            _ = model.ingest(Reading(zone: "room", quantity: .temperature, time: time + 1, value: value))
            for report in model.advance(to: time + 400) {
                let index = Int(report.step.start / 300)
                for h in [1, 6, 12] {
                    if let point = issued[h]?[index], k > 500 {
                        total[h, default: 0] += 1
                        if value >= point.p10 && value <= point.p90 { inside[h, default: 0] += 1 }
                    }
                    issued[h]?[index] = nil
                    if let forecast = report.forecasts.first {
                        issued[h, default: [:]][index + h] = forecast.points[h - 1]
                    }
                }
            }
        }
        for h in [1, 6, 12] {
            let coverage = Double(inside[h] ?? 0) / Double(max(1, total[h] ?? 0))
            print("coverage h=\(h): \(coverage)")
            #expect(coverage > 0.7 && coverage < 0.9, "h=\(h) coverage \(coverage)")
        }
    }

    @Test func warmingUpForecastsAreWideAndFlagged() {
        let twin = SimulatedBuilding.twin(horizonSteps: 12)
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 144))
        var building = SimulatedBuilding()
        var early: SeriesForecast?
        run(&building, &model, steps: 10) { report in
            early = report.forecasts.first { $0.zone == "room" && $0.quantity == .temperature }
        }
        #expect(early?.warmingUp == true)
        #expect(model.isWarmingUp(zone: "room"))
        run(&building, &model, steps: 600)
        let late = model.forecasts().first { $0.zone == "room" && $0.quantity == .temperature }
        #expect(late?.warmingUp == false)
        #expect(!model.isWarmingUp(zone: "room"))
        let earlyWidth = early.map { $0.points[0].p90 - $0.points[0].p10 } ?? 0
        let lateWidth = late.map { $0.points[0].p90 - $0.points[0].p10 } ?? 0
        #expect(earlyWidth > lateWidth)
        #expect(late?.points.count == 12)
        #expect(late?.points.allSatisfy { $0.p10 <= $0.p50 && $0.p50 <= $0.p90 } == true)
        let parameters = model.parameters().first { $0.zone == "room" }
        let timeConstant = parameters?.parameters.first { $0.name == "timeConstantHours" }?.value
        // a = 0.05 per 5 min → τ = 100 min.
        #expect(timeConstant.map { abs($0 - 5.0 / 3.0) < 0.6 } == true)
    }

    /// A sensor that cycles with a period of four steps (a control loop) around a slow level:
    /// the one-step physics model (momentum of one step) cannot see the cycle, the direct
    /// correction learns it from the last changes (Δy[t+1] = −Δy[t−1]).
    @Test func directCorrectionLearnsControlCycle() {
        let twin = TwinDefinition(
            id: "cycle", stepSeconds: 300, horizonSteps: 12,
            zones: [ZoneDefinition(id: "room", sensors: [SensorBinding(quantity: .temperature, topic: "t")])]
        )
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 100))
        var generator = SeededGenerator(seed: 5)
        let key = SeriesKey(zone: "room", quantity: .temperature)
        var scorer = DynamicsTests.Scorer(horizons: [1, 2])
        let cycle = [0.0, 0.3, 0.0, -0.3]
        for k in 0..<1_500 {
            let value = 21 + cycle[k % 4] + 0.02 * generator.gaussian()
            let time = SimulatedBuilding.start + Double(k) * 300
            _ = model.ingest(Reading(zone: "room", quantity: .temperature, time: time + 1, value: value))
            for report in model.advance(to: time + 400) {
                scorer.take(report, key: key, scoreAfter: SimulatedBuilding.start + 900 * 300)
            }
        }
        for h in [1, 2] {
            let (forecast, persistence) = scorer.mae(h)
            print("cycle h=\(h): MAE \(forecast), persistence \(persistence)")
            #expect(forecast < 0.3 * persistence, "h=\(h)")
        }
    }

    /// Long horizons track their quantiles slowly (a quiet spell must not collapse the band the
    /// next busy spell needs); short ones stay quick.
    @Test func quantileGainShrinksWithHorizon() {
        let gains = [1, 2, 6, 48, 288].map { AnchorCalibration(horizon: $0).quantileGain }
        #expect(gains[0] == AnchorCalibration.quantileGain)
        #expect(gains[1] == AnchorCalibration.quantileGain)
        #expect(zip(gains.dropFirst(), gains.dropFirst(2)).allSatisfy { $0 > $1 })
        #expect(gains[4] >= 0.001)
    }

    /// Busy days and quiet nights: the error at 4 h is large by day and small by night. The
    /// [p10, p90] band at 48 steps still covers about 80 % over whole days.
    @Test func longHorizonBandsSurviveQuietNights() {
        let twin = TwinDefinition(
            id: "days", stepSeconds: 300, horizonSteps: 48,
            zones: [ZoneDefinition(id: "room", sensors: [SensorBinding(quantity: .temperature, topic: "t")])]
        )
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 100))
        var generator = SeededGenerator(seed: 3)
        let key = SeriesKey(zone: "room", quantity: .temperature)
        var issued: [Int: ForecastPoint] = [:]
        var inside = 0
        var total = 0
        var value = 21.0
        for k in 0..<(8 * 288) {
            let time = SimulatedBuilding.start + Double(k) * 300
            let busy = SimulatedBuilding.isWorkHours(time)
            value = 21 + 0.98 * (value - 21) + (busy ? 0.15 : 0.005) * generator.gaussian()
            _ = model.ingest(Reading(zone: "room", quantity: .temperature, time: time + 1, value: value))
            for report in model.advance(to: time + 400) {
                let index = Int(report.step.start / 300)
                if let point = issued.removeValue(forKey: index), k >= 4 * 288 {
                    total += 1
                    if value >= point.p10 && value <= point.p90 { inside += 1 }
                }
                if let forecast = report.forecasts.first(where: { $0.quantity == key.quantity }) {
                    issued[index + 48] = forecast.points[47]
                }
            }
        }
        let coverage = Double(inside) / Double(max(1, total))
        print("48-step coverage over busy days and quiet nights: \(coverage)")
        #expect(coverage > 0.7 && coverage < 0.92)
    }
}
