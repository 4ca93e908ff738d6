import UmweltCore

extension TwinModel {
    /// The published mean of a series forecast at one horizon: persistence `p` plus the
    /// warm-up progress times the calibrated change (`HorizonCalibration.change`), clamped to
    /// the quantity's possible range. The forecast path and the training path both use it, so
    /// the training path records exactly the means the forecast path publishes.
    static func calibratedMean(
        _ c: HorizonCalibration, model m: Double, persistence p: Double, progress: Double, regressors: [Double],
        range: ClosedRange<Double>
    ) -> Double {
        let change = c.change(model: m, persistence: p, regressors: regressors)
        let index = SeriesDynamics.smoothingOffsetIndex
        let shift = c.smoothing != 0 && regressors.count > index ? c.smoothing * regressors[index] : 0
        let calm = regressors.count > SeriesDynamics.calmIndex && regressors[SeriesDynamics.calmIndex] > 0.5
        let shrink = calm ? c.shrinkCalm : c.shrinkActive
        return max(range.lowerBound, min(range.upperBound, p + progress * shrink * change + shift))
    }

    /// Stores series `i`'s forecast from origin `k` (model path, persistence, published means)
    /// in its calibrator, with the series' direct regressors per anchor horizon.
    ///
    /// The calibrator is moved out of the series while it records: the regressors read the
    /// series, and a copy of the series that still shared the calibrator's rings would make
    /// every ring copy itself on write (624 entries per series and origin).
    mutating func recordSeriesForecast(
        _ i: Int, originIndex k: Int, model path: [Double], persistence: Double, blended: [Double]
    ) {
        Self.recordSeriesForecast(
            &dynamics[i], originIndex: k, model: path, persistence: persistence, blended: blended,
            stepSeconds: stepSeconds, clock: clock)
    }

    /// `recordSeriesForecast(_:originIndex:model:persistence:blended:)` of `series`.
    static func recordSeriesForecast(
        _ series: inout SeriesDynamics, originIndex k: Int, model path: [Double], persistence: Double,
        blended: [Double], stepSeconds step: Double, clock: LocalClock
    ) {
        var calibrator = series.calibrator
        series.calibrator = Self.emptyCalibrator
        let recorded = series
        calibrator.record(
            originIndex: k, model: path, persistence: persistence, blended: blended,
            regressors: { h in
                recorded.directRegressors(origin: Double(k) * step, target: Double(k + h) * step, clock: clock)
            }
        )
        series.calibrator = calibrator
    }

    /// A calibrator without anchors: what a series holds while its own one is recording.
    private static let emptyCalibrator = HorizonCalibrator(horizon: 0)

    /// The training path's published means of `series` (its zone's warm-up progress
    /// `progress`) from origin `k`, at the anchor horizons that `path` reaches (elsewhere 0: the
    /// calibrator reads only the anchors). The same arithmetic as `calibratedForecast` at those
    /// horizons: the calibration profile at an anchor horizon is that anchor's calibration, exactly.
    static func trainingMeans(
        _ series: borrowing SeriesDynamics, progress: Double, path: [Double], persistence: Double, originIndex k: Int,
        stepSeconds: Double, clock: LocalClock
    ) -> [Double] {
        let calibrations = series.calibrator.anchorCalibrations(priorScale: series.priorScale, through: path.count)
        var regressors = [Double](repeating: 0, count: SeriesDynamics.directRegressorCount)
        let originTypical = series.typical(at: Double(k) * stepSeconds, clock: clock)
        let range = series.key.quantity.possibleRange
        var blended = [Double](repeating: 0, count: path.count)
        for a in calibrations.indices {
            let h = series.calibrator.anchors[a].horizon
            let c = calibrations[a]
            if c.readsRegressors {
                series.fillDirectRegressors(
                    &regressors, originTypical: originTypical, target: Double(k + h) * stepSeconds, clock: clock)
            }
            blended[h - 1] = Self.calibratedMean(
                c, model: path[h - 1], persistence: persistence, progress: progress, regressors: regressors,
                range: range)
        }
        return blended
    }

    /// The training path's occupancy means of chain `c` (current probability `current`) at the
    /// anchor horizons `chain` reaches: `occupancyForecast`'s blend at those horizons.
    func trainingOccupancyMeans(_ c: Int, chain: [Double], current: Double) -> [Double] {
        let calibrations = occupancyCalibrators[c].anchorCalibrations(priorScale: 0.1, through: chain.count)
        var blended = [Double](repeating: 0, count: chain.count)
        for a in calibrations.indices {
            let h = occupancyCalibrators[c].anchors[a].horizon
            blended[h - 1] = max(0, min(1, current + calibrations[a].weight * (chain[h - 1] - current)))
        }
        return blended
    }
}
