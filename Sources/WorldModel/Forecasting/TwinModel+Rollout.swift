import UmweltCore

extension TwinModel {
    /// The baseline rollout from step `originIndex` with the learned coefficients: column 0 of
    /// the batched `rollout(originIndex:coefficients:columns:)`, the one code path that
    /// forecasts and scenarios share.
    func rollout(originIndex k: Int, drivers: RolloutDrivers? = nil) -> Rollout {
        rollout(originIndex: k, coefficients: dynamics.map(\.rls.theta), columns: [.baseline], drivers: drivers)[0]
    }

    /// Calibrated forecasts of every series from step `originIndex`; with `record`, stores them
    /// in the calibrators to be scored when their targets arrive. `drivers` (from
    /// `rolloutDrivers(originIndex:)`) saves recomputing them when the caller has them.
    mutating func issueForecasts(originIndex k: Int, record: Bool, drivers: RolloutDrivers? = nil) -> [SeriesForecast] {
        let rollout = rollout(originIndex: k, drivers: drivers)
        var forecasts: [SeriesForecast] = []
        for i in dynamics.indices {
            guard let path = rollout.paths[i], let forecast = calibratedForecast(i, path: path, originIndex: k)
            else { continue }
            if record {
                recordSeriesForecast(
                    i, originIndex: k, model: path, persistence: forecast.persistence,
                    blended: forecast.series.points.map(\.mean))
            }
            forecasts.append(forecast.series)
        }
        for c in chains.indices {
            let forecast = occupancyForecast(c, rollout: rollout, originIndex: k)
            if record, let persistence = chains[c].probability {
                occupancyCalibrators[c].record(
                    originIndex: k, model: rollout.occupancy[c].probability, persistence: persistence,
                    blended: forecast.points.map(\.mean)
                )
            }
            forecasts.append(forecast)
        }
        return forecasts.sorted {
            SeriesKey(zone: $0.zone, quantity: $0.quantity) < SeriesKey(zone: $1.zone, quantity: $1.quantity)
        }
    }

    /// The current forecast for every zone and forecastable quantity, from the latest closed step.
    public func forecasts() -> [SeriesForecast] {
        forecasts(drivers: nil)
    }

    /// `forecasts()` with the drivers of the latest step already computed.
    func forecasts(drivers: RolloutDrivers?) -> [SeriesForecast] {
        guard let k = lastStepIndex else { return [] }
        var copy = self
        return copy.issueForecasts(originIndex: k, record: false, drivers: drivers)
    }

    /// Blends the model path with persistence per horizon and adds calibrated quantiles:
    ///
    ///     f_h = p + w_h g (m_h − p),   q_τ,h = f_h + z_τ,h s_h (1 + 2 (1 − g))
    ///
    /// with `p` the current level, `g` the zone's warm-up progress in [0, 1], `w_h`, `s_h`,
    /// `z_τ,h` from the `HorizonCalibrator`; where the calibrator's `DirectCorrection` has
    /// earned a share β_h, `w_h (m_h − p)` becomes `(1 − β_h) w_h (m_h − p) + β_h θ_hᵀ(m_h − p, r_h)`
    /// (`r_h`: the series' direct regressors, `SeriesDynamics.directRegressors`). At the shortest
    /// horizons `LevelSmoothing` may shrink the change and shift the mean towards a smoothed level.
    private func calibratedForecast(_ i: Int, path: [Double], originIndex k: Int)
        -> (series: SeriesForecast, persistence: Double)?
    {
        let series = dynamics[i]
        guard let persistence = series.level else { return nil }
        let zoneIndex = layout.dynamic[i].zoneIndex
        let progress = warmupProgress(zoneIndex: zoneIndex)
        let inflation = 1 + 2 * (1 - progress)
        let calibration = series.calibrator.profile(horizon: path.count, priorScale: series.priorScale)
        var regressors = [Double](repeating: 0, count: SeriesDynamics.directRegressorCount)
        let originTypical = series.typical(at: Double(k) * stepSeconds, clock: clock)
        let range = series.key.quantity.possibleRange
        func clamp(_ x: Double) -> Double { max(range.lowerBound, min(range.upperBound, x)) }
        var points: [ForecastPoint] = []
        points.reserveCapacity(path.count)
        for h in 1...path.count {
            let c = calibration[h - 1]
            if c.readsRegressors {
                series.fillDirectRegressors(
                    &regressors, originTypical: originTypical, target: Double(k + h) * stepSeconds, clock: clock)
            }
            let mean = Self.calibratedMean(
                c, model: path[h - 1], persistence: persistence, progress: progress, regressors: regressors,
                range: range)
            let scale = c.scale * inflation
            let p10 = clamp(mean + c.lower * scale)
            let p90 = clamp(mean + c.upper * scale)
            let p50 = max(p10, min(p90, clamp(mean + c.median * scale)))
            points.append(
                ForecastPoint(time: Double(k + h) * stepSeconds, mean: mean, p10: p10, p50: p50, p90: p90)
            )
        }
        let forecast = SeriesForecast(
            zone: series.key.zone,
            quantity: series.key.quantity,
            issuedAt: Double(k + 1) * stepSeconds,
            stepSeconds: twin.stepSeconds,
            warmingUp: progress < 1,
            stepsLearned: zoneSteps[zoneIndex],
            points: points
        )
        return (forecast, persistence)
    }

    /// The occupancy forecast of chain `c`: the chain's propagated probability blended with
    /// persistence of the current state, `π̂_h = p + w_h (π_h − p)`, `w_h` learned online by the
    /// chain's `HorizonCalibrator` (minimising the Brier score). Expected counts scale with it.
    private func occupancyForecast(_ c: Int, rollout: Rollout, originIndex k: Int) -> SeriesForecast {
        let zoneIndex = layout.occupancy[c].zoneIndex
        let forecast = rollout.occupancy[c]
        let horizon = forecast.probability.count
        let calibration = occupancyCalibrators[c].profile(horizon: horizon, priorScale: 0.1)
        var points: [ForecastPoint] = []
        var counts: [Double]? = forecast.count.map { _ in [] }
        for h in 1...horizon {
            let chain = forecast.probability[h - 1]
            var p = chain
            if let current = chains[c].probability {
                p = max(0, min(1, current + calibration[h - 1].weight * (chain - current)))
            }
            points.append(ForecastPoint(time: Double(k + h) * stepSeconds, mean: p, p10: p, p50: p, p90: p))
            if let expected = forecast.count?[h - 1] {
                counts?.append(chain > 1e-9 ? expected * p / chain : 0)
            }
        }
        return SeriesForecast(
            zone: chains[c].zone,
            quantity: .occupancy,
            issuedAt: Double(k + 1) * stepSeconds,
            stepSeconds: twin.stepSeconds,
            warmingUp: warmupProgress(zoneIndex: zoneIndex) < 1,
            stepsLearned: zoneSteps[zoneIndex],
            points: points,
            expectedCount: counts
        )
    }
}
