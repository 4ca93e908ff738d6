import Foundation
import Testing
import UmweltCore

@testable import WorldModel

@Suite struct DynamicsTests {
    /// Mean absolute errors of the model and of persistence at horizon `h` over reports.
    struct Scorer {
        var horizons: [Int]
        var issued: [Int: [Int: (forecast: Double, persistence: Double)]] = [:]
        var modelError: [Int: Double] = [:]
        var persistenceError: [Int: Double] = [:]
        var count: [Int: Int] = [:]
        var covered = 0
        var coverageCount = 0

        mutating func take(_ report: StepReport, key: SeriesKey, scoreAfter: Double) {
            let index = Int(report.step.start / 300)
            if let observed = report.step.values[key]?.mean {
                for h in horizons {
                    if let entry = issued[h]?[index], report.step.start >= scoreAfter {
                        modelError[h, default: 0] += abs(observed - entry.forecast)
                        persistenceError[h, default: 0] += abs(observed - entry.persistence)
                        count[h, default: 0] += 1
                    }
                    issued[h]?[index] = nil
                }
            }
            guard let forecast = report.forecasts.first(where: { $0.zone == key.zone && $0.quantity == key.quantity }),
                let persistence = report.step.values[key]?.mean
            else { return }
            for h in horizons {
                issued[h, default: [:]][index + h] = (forecast.points[h - 1].mean, persistence)
            }
            _ = forecast
        }

        func mae(_ h: Int) -> (model: Double, persistence: Double) {
            let n = Double(max(1, count[h] ?? 0))
            return ((modelError[h] ?? 0) / n, (persistenceError[h] ?? 0) / n)
        }
    }

    @Test func learnsKnownFirstOrderSystem() {
        let twin = SimulatedBuilding.twin(horizonSteps: 24)
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin))
        var building = SimulatedBuilding()
        let key = SeriesKey(zone: "room", quantity: .temperature)
        var scorer = Scorer(horizons: [1, 12])
        let scoreAfter = building.time(ofStep: 864)
        run(&building, &model, steps: 1_440) { scorer.take($0, key: key, scoreAfter: scoreAfter) }
        let one = scorer.mae(1)
        let twelve = scorer.mae(12)
        print("temperature 1-step MAE model \(one.model) persistence \(one.persistence)")
        print("temperature 12-step MAE model \(twelve.model) persistence \(twelve.persistence)")
        // Noise σ = 0.05 → MAE of the noise ≈ 0.04.
        #expect(one.model < 0.05)
        #expect(one.model < one.persistence)
        #expect(twelve.model < 0.6 * twelve.persistence)
        let index = model.layout.dynamicIndex(key)!
        let series = model.dynamics[index]
        let outdoorTerm = series.terms.firstIndex { if case .difference = $0 { return true } else { return false } }!
        #expect(abs(series.rls.theta[outdoorTerm] - 0.05) < 0.02)
    }
}
