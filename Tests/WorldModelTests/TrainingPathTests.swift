import Testing
import UmweltCore

@testable import WorldModel

/// The training path (`StepPurpose.train`) learns what the full forecast path learns, with
/// calibrators scored on sub-sampled rollouts.
@Suite struct TrainingPathTests {
    /// Two models on the same simulated readings: one forecasting at every step, one training.
    static func pair(horizon: Int, steps: Int) -> (full: TwinModel, trained: TwinModel, reports: [StepReport]) {
        let twin = SimulatedBuilding.twin(horizonSteps: horizon)
        let configuration = SimulatedBuilding.configuration(twin, warmup: 50)
        var full = TwinModel(twin: twin, configuration: configuration)
        var trained = full
        var building = SimulatedBuilding()
        var reports: [StepReport] = []
        for _ in 0..<steps {
            let readings = building.nextReadings()
            for reading in readings {
                _ = full.ingest(reading)
                _ = trained.ingest(reading)
            }
            let time = building.time(ofStep: building.index) + 60
            _ = full.advance(to: time)
            reports += trained.advance(to: time, purpose: .train)
        }
        return (full, trained, reports)
    }

    @Test func trainingLearnsTheSameParametersAsTheFullPath() {
        let (full, trained, reports) = Self.pair(horizon: 96, steps: 600)
        #expect(reports.count == 600)
        #expect(reports.allSatisfy { $0.forecasts.isEmpty })
        #expect(trained.stepsLearned == full.stepsLearned)
        for (a, b) in zip(full.dynamics, trained.dynamics) {
            // Learning never reads the long horizons: the dynamics are the same bit for bit.
            #expect(a.rls == b.rls)
            #expect(a.level == b.level)
            #expect(a.innovationMagnitude == b.innovationMagnitude)
            // The anchors recorded at every origin (stride 1) are identical too.
            for (x, y) in zip(a.calibrator.anchors, b.calibrator.anchors)
            where TwinModel.trainingStride(horizon: x.horizon) == 1 {
                #expect(x == y)
            }
        }
        #expect(full.chains == trained.chains)
        #expect(full.zoneStates() == trained.zoneStates())
        #expect(full.parameters().map(\.zone) == trained.parameters().map(\.zone))
    }

    /// After 600 steps learned on either path, both models forecast 400 more steps; the
    /// trained one's errors at 1, 12 and 48 steps stay within 5 % of the full path's.
    @Test func trainedWarmupForecastsAsWellAsTheFullPath() {
        let twin = SimulatedBuilding.twin(horizonSteps: 96)
        let configuration = SimulatedBuilding.configuration(twin, warmup: 50)
        var full = TwinModel(twin: twin, configuration: configuration)
        var trained = full
        var building = SimulatedBuilding()
        var scores: [StepPurpose: [Quantity: RealDataEvaluation.Score]] = [:]
        let scoreFrom = building.time(ofStep: 600 + 48)
        for step in 0..<1_000 {
            let readings = building.nextReadings()
            let time = building.time(ofStep: building.index) + 60
            for reading in readings {
                _ = full.ingest(reading)
                _ = trained.ingest(reading)
            }
            let reports = [
                (StepPurpose.forecast, full.advance(to: time)),
                (.train, trained.advance(to: time, purpose: step < 600 ? .train : .forecast)),
            ]
            for (purpose, list) in reports {
                for report in list {
                    for q in [Quantity.temperature, .co2] {
                        scores[purpose, default: [:]][q, default: RealDataEvaluation.Score()].take(
                            report, key: SeriesKey(zone: "room", quantity: q), scoreFrom: scoreFrom)
                    }
                }
            }
        }
        for q in [Quantity.temperature, .co2] {
            guard let a = scores[.forecast]?[q], let b = scores[.train]?[q] else {
                Issue.record("no scores for \(q)")
                continue
            }
            for h in [1, 12, 48] {
                let n = Double(max(1, a.count[h] ?? 0))
                #expect(a.count[h] == b.count[h] && (a.count[h] ?? 0) > 300)
                let errorFull = (a.model[h] ?? 0) / n
                let errorTrained = (b.model[h] ?? 0) / n
                #expect(errorTrained <= errorFull * 1.05, "\(q) h\(h): \(errorTrained) vs \(errorFull)")
            }
        }
    }

    @Test func burstForecastsOnlyItsNewestStep() {
        let twin = SimulatedBuilding.twin(horizonSteps: 24)
        var full = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 10))
        var newest = full
        var building = SimulatedBuilding()
        var fullReports: [StepReport] = []
        var newestReports: [StepReport] = []
        // Bursts of five steps: a gateway flushing its backlog.
        for _ in 0..<40 {
            for _ in 0..<5 {
                for reading in building.nextReadings() {
                    _ = full.ingest(reading)
                    _ = newest.ingest(reading)
                }
            }
            let time = building.time(ofStep: building.index) + 60
            fullReports += full.advance(to: time)
            let burst = newest.advance(to: time, purpose: .forecastNewest)
            #expect(burst.count == 5)
            #expect(burst.dropLast().allSatisfy { $0.forecasts.isEmpty })
            newestReports += burst
        }
        #expect(fullReports.count == newestReports.count)
        #expect(newestReports.last?.forecasts.isEmpty == false)
        for (a, b) in zip(full.dynamics, newest.dynamics) { #expect(a.rls == b.rls) }
        #expect(zip(fullReports, newestReports).allSatisfy { $0.scores == $1.scores && $0.events == $1.events })
    }

    @Test func strideNestsAndRolloutCoversEveryAnchor() {
        let horizons = HorizonCalibrator(horizon: 288).anchors.map(\.horizon)
        let strides = horizons.map { TwinModel.trainingStride(horizon: $0) }
        #expect(strides == [1, 1, 1, 1, 1, 2, 4, 8, 16, 32])
        for (s, t) in zip(strides, strides.dropFirst()) { #expect(t % s == 0) }

        let model = TwinModel(
            twin: SimulatedBuilding.twin(horizonSteps: 288),
            configuration: ModelConfiguration(twin: SimulatedBuilding.twin(horizonSteps: 288))
        )
        #expect(model.trainingRolloutLength(originIndex: 0) == 288)
        #expect(model.trainingRolloutLength(originIndex: 32 * 5 + 16) == 144)
        #expect(model.trainingRolloutLength(originIndex: 7) == 12)
        // Mean rollout length over a period of the largest stride: a small share of the horizon.
        let mean = Double((0..<32).map { model.trainingRolloutLength(originIndex: $0) }.reduce(0, +)) / 32
        #expect(mean == 37.5)
    }

    @Test func weightedForecastIsScoredAsRepeatedForecasts() {
        var once = AnchorCalibration(horizon: 12)
        var weighted = once
        var repeated = once
        once.store(PendingForecast(target: 12, model: 21, persistence: 20, blended: 20.5))
        weighted.store(PendingForecast(target: 12, model: 21, persistence: 20, blended: 20.5))
        weighted.weightPending(target: 12, weight: 3)
        for origin in 0..<3 {
            repeated.store(PendingForecast(target: 12 + origin, model: 21, persistence: 20, blended: 20.5))
            repeated.score(targetIndex: 12 + origin, observed: 21.5, priorScale: 0.1)
        }
        once.score(targetIndex: 12, observed: 21.5, priorScale: 0.1)
        weighted.score(targetIndex: 12, observed: 21.5, priorScale: 0.1)
        #expect(weighted.errorSamples == 3 && once.errorSamples == 1)
        #expect(weighted.errorScale == repeated.errorScale)
        #expect(weighted.upper == repeated.upper)
        #expect(weighted.pending(for: 12) == nil)
    }
}
