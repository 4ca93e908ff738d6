import Testing
import UmweltCore

@testable import WorldModel

/// The short anchors' adjustments chosen by mean absolute error (`LevelSmoothing`,
/// `MeanAbsoluteChoice`).
@Suite struct LevelSmoothingTests {
    @Test func choiceStaysNeutralWithoutEvidence() {
        var choice = MeanAbsoluteChoice(count: 3)
        #expect(choice.chosen == 0)
        // Candidate 0 is best, then a candidate only 1 % better: neither moves the choice.
        for _ in 0..<200 { choice.learn { [1.0, 2.0, 3.0][$0] } }
        #expect(choice.chosen == 0)
        for _ in 0..<2_000 { choice.learn { [1.0, 0.99, 3.0][$0] } }
        #expect(choice.chosen == 0)
    }

    @Test func choiceTakesAClearlyBetterCandidateAfterEnoughScores() {
        var choice = MeanAbsoluteChoice(count: 3)
        for k in 0..<49 {
            choice.learn { [2.0, 1.0, 1.5][$0] }
            #expect(choice.chosen == 0, "no choice before \(MeanAbsoluteChoice.minimumSamples) scores (\(k))")
        }
        choice.learn { [2.0, 1.0, 1.5][$0] }
        #expect(choice.chosen == 1)
    }

    @Test func shiftsTowardsTheSmoothedLevelForNoiseAroundAConstant() {
        var smoothing = LevelSmoothing()
        // Noise ±1 around 10: persistence of the latest value errs by 2, the smoothed level (10) by 1.
        var sign = 1.0
        for _ in 0..<100 {
            let origin = 10 + sign
            sign = -sign
            let code = smoothing.code(calm: false)
            let published = origin + smoothing.shiftWeight * (10 - origin)
            smoothing.learn(
                code: code, persistence: origin, published: published, offset: 10 - origin, observed: 10 + sign)
        }
        #expect(smoothing.shiftWeight == 1)
        #expect(smoothing.shrinkWeight(calm: false) == 1)
        #expect(smoothing.code(calm: true) == Double((LevelSmoothing.shifts.count - 1) * 10 + 1))
    }

    @Test func shrinksAChangeThatDoesNotComeFromCalmOrigins() {
        var smoothing = LevelSmoothing()
        // From calm origins the forecast change (+1) never comes; from active ones it does.
        for k in 0..<200 {
            let calm = k % 2 == 0
            let code = smoothing.code(calm: calm)
            let published = 20 + smoothing.shrinkWeight(calm: calm) * 1
            smoothing.learn(code: code, persistence: 20, published: published, offset: 0, observed: calm ? 20 : 21)
        }
        #expect(smoothing.shrinkWeight(calm: true) == LevelSmoothing.shrinks.last)
        #expect(smoothing.shrinkWeight(calm: false) == 1)
    }

    @Test func smoothedLevelAndCalmFlagAreTheLastRegressors() {
        let clock = LocalClock(timezone: "UTC")
        var series = SeriesDynamics(
            key: SeriesKey(zone: "office", quantity: .humidity), terms: [.bias], forgetting: 0.999, horizon: 12)
        series.observe(50)
        series.observe(52)
        #expect(series.smoothedLevel == 51)
        let offset = SeriesDynamics.smoothingOffsetIndex
        #expect(series.directRegressors(origin: 300, target: 600, clock: clock)[offset] == -1)
        #expect(series.directRegressors(origin: 300, target: 600, clock: clock)[SeriesDynamics.calmIndex] == 0)
        for _ in 0..<20 { series.observe(52) }
        #expect(series.isCalm)
        #expect(series.directRegressors(origin: 300, target: 600, clock: clock)[SeriesDynamics.calmIndex] == 1)
        series.predictThrough(change: 0, maxGapSteps: 6)
        #expect(series.smoothedLevel == nil)
        series.observe(60)
        #expect(series.smoothedLevel == 60)
        #expect(series.directRegressors(origin: 900, target: 1_200, clock: clock)[offset] == 0)
    }

    @Test func onlyShortAnchorsCarryTheAdjustmentLanes() {
        var calibrator = HorizonCalibrator(horizon: 12)
        let model = [Double](repeating: 1, count: 12)
        calibrator.record(
            originIndex: 0, model: model, persistence: 0, blended: model,
            regressors: { _ in [Double](repeating: 0.5, count: SeriesDynamics.directRegressorCount) })
        let short = calibrator.anchors[0].pending(for: 1)
        let long = calibrator.anchors.last?.pending(for: 12)
        #expect(short?.regressors.count == SeriesDynamics.directRegressorCount + 1)
        #expect(long?.regressors.count == SeriesDynamics.directRegressorCount - 1)
    }
}
