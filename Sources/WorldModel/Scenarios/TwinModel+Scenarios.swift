import UmweltCore

extension TwinModel {
    /// Answers "what if" scenarios from the latest closed step: one batched rollout of the
    /// baseline and every scenario (`rollout(originIndex:coefficients:columns:)`, the code path
    /// of `forecasts()`), with physically signed coefficients (`physicalCoefficients()`).
    ///
    /// Each scenario's forecast is the calibrated baseline forecast moved by the model's effect,
    ///
    ///     scenario_h = baseline_h + (m_h(scenario) − m_h(baseline)),
    ///
    /// with `m` the mean paths of the batch (one column per scenario); quantiles move with the mean. An overridden
    /// outdoor series takes the override itself. With no overrides the effect is exactly zero,
    /// so the scenario equals `forecasts()` bit for bit.
    ///
    /// - Throws: `ScenarioError` naming `overrides[i].zone`, `.quantity`, `.value`, `.from`
    ///   or `.until` when an override does not fit the twin or the horizon, or `twin` before
    ///   the first learned step.
    public func project(scenarios: [[ScenarioOverride]]) throws(ScenarioError) -> [ScenarioProjection] {
        guard let k = lastStepIndex else {
            throw ScenarioError(field: "twin", reason: "\(twin.id) has not learned any step yet")
        }
        var columns = [RolloutColumn.baseline]
        for overrides in scenarios { columns.append(try resolve(overrides, originIndex: k)) }
        let loops = controlLoops()
        // The setpoint's direct pull stays beside the closed loop: learned from closed-loop data,
        // the valve's gain is biased low (the controller opens the valve when the zone is cold)
        // and the pull holds the part of the controller's tracking the regression gave to the
        // setpoint; without it every setpoint effect came too slowly
        // (`ScenarioEffectAccuracyTests`).
        let coefficients = physicalCoefficients()
        let drivers = rolloutDrivers(originIndex: k)
        let rollouts = rollout(
            originIndex: k, coefficients: coefficients, columns: columns, loops: loops, drivers: drivers)
        let baseline = forecasts(drivers: drivers)
        return (1..<columns.count).map { b in
            projection(baseline: baseline, base: rollouts[0], changed: rollouts[b], column: columns[b], originIndex: k)
        }
    }

    /// One scenario; see `project(scenarios:)` for many in one batch.
    public func project(_ overrides: [ScenarioOverride]) throws(ScenarioError) -> ScenarioProjection {
        let projections = try project(scenarios: [overrides])
        return projections[0]
    }

    /// Series a scenario can override: bound inputs (controls, solar, power…), occupancy of
    /// zones with an occupancy sensor, and outdoor climate series.
    public var overridableSeries: [SeriesKey] {
        var keys = layout.inputs
        keys += layout.occupancy.map { SeriesKey(zone: $0.zone, quantity: .occupancy) }
        keys += layout.dynamic.filter { $0.role == .outdoor }.map(\.key)
        return keys.sorted()
    }

    private func projection(
        baseline: [SeriesForecast], base: Rollout, changed: Rollout, column: RolloutColumn, originIndex k: Int
    ) -> ScenarioProjection {
        var series: [ScenarioSeries] = []
        for forecast in baseline {
            let key = SeriesKey(zone: forecast.zone, quantity: forecast.quantity)
            if forecast.quantity == .occupancy {
                series.append(occupancySeries(forecast, column: column))
                continue
            }
            guard let i = layout.dynamicIndex(key), let basePath = base.paths[i], let path = changed.paths[i] else {
                continue
            }
            let overrides = column.changes.filter { $0.target == .series(i) }.map(\.override)
            let range = key.quantity.possibleRange
            func clamp(_ x: Double) -> Double { max(range.lowerBound, min(range.upperBound, x)) }
            var points: [ForecastPoint] = []
            points.reserveCapacity(forecast.points.count)
            for (h, point) in forecast.points.enumerated() {
                if let active = overrides.last(where: { $0.isActive(at: point.time) }) {
                    func moved(_ x: Double) -> Double { clamp(active.action.apply(to: x, at: point.time) ?? x) }
                    points.append(
                        ForecastPoint(
                            time: point.time, mean: moved(point.mean), p10: moved(point.p10), p50: moved(point.p50),
                            p90: moved(point.p90)))
                    continue
                }
                let effect = path[h] - basePath[h]
                points.append(
                    ForecastPoint(
                        time: point.time, mean: clamp(point.mean + effect), p10: clamp(point.p10 + effect),
                        p50: clamp(point.p50 + effect), p90: clamp(point.p90 + effect)))
            }
            series.append(
                ScenarioSeries(zone: key.zone, quantity: key.quantity, baseline: forecast.points, scenario: points))
        }
        var inputs: [SeriesKey: (baseline: [Double?], scenario: [Double?])] = [:]
        for j in layout.inputs.indices {
            inputs[layout.inputs[j]] = (base.inputs[j], changed.inputs[j])
        }
        return ScenarioProjection(
            issuedAt: Double(k + 1) * stepSeconds, stepSeconds: twin.stepSeconds, series: series, inputs: inputs)
    }

    /// Occupancy under the scenario: the expected count (counters) or presence probability,
    /// with the zone's occupancy overrides applied at each point's time.
    private func occupancySeries(_ forecast: SeriesForecast, column: RolloutColumn) -> ScenarioSeries {
        let c = layout.occupancyIndex(zone: forecast.zone)
        let overrides = column.changes.filter { c != nil && $0.target == .occupancy(c!) }.map(\.override)
        var baseline: [ForecastPoint] = []
        var scenario: [ForecastPoint] = []
        for (h, point) in forecast.points.enumerated() {
            let value = forecast.expectedCount?[h] ?? point.mean
            baseline.append(ForecastPoint(time: point.time, mean: value, p10: value, p50: value, p90: value))
            var changed = value
            if let active = overrides.last(where: { $0.isActive(at: point.time) }) {
                changed = max(0, active.action.apply(to: value, at: point.time) ?? value)
            }
            scenario.append(ForecastPoint(time: point.time, mean: changed, p10: changed, p50: changed, p90: changed))
        }
        return ScenarioSeries(zone: forecast.zone, quantity: .occupancy, baseline: baseline, scenario: scenario)
    }
}
