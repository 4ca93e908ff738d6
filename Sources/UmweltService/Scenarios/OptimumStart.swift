import UmweltCore
import WorldModel

/// Optimum start for one target: the latest time at which a heating boost, the zone's setpoint
/// at the target plus `boost_kelvin` (2 K) with its heating at full when an hvac control is
/// bound (as an optimum-start controller heats), until the deadline, still gets the zone to the
/// target by the deadline, on top of the request's other overrides. (A room pulled towards a
/// setpoint equal to the target approaches it only asymptotically.)
///
/// Candidate start times are every step from the answer's start to the deadline. They are
/// rolled forward as columns of batched rollouts (a coarse grid of at most 24, then the steps
/// between the two coarse candidates that bracket the answer). An earlier start never ends
/// colder (physically signed model), so the latest start is found per quantile:
/// `latest_start` for the mean forecast, `latest_start_p10` for the 10 % quantile (reached with
/// 90 % probability, the safe choice) and `latest_start_p90` (reached with 10 % probability).
/// A nil start with `already_reached` means no change is needed; with `reachable` false, even
/// starting at once is too late.
public struct OptimumStart: Sendable, Encodable, Hashable {
    public var zone: String
    public var quantity: String
    public var value: Double
    public var by: String
    /// The control that is changed: `setpoint` or `hvac`.
    public var control: String
    public var already_reached: Bool
    public var reachable: Bool
    public var latest_start: String?
    public var latest_start_p10: String?
    public var latest_start_p90: String?
    /// Forecast at the deadline without the change (mean).
    public var baseline_at_deadline: Double
    public var boost_kelvin: Double

    static let boostKelvin = 2.0

    init(target: ScenarioTarget, field: String, request: ScenarioRequest, model: TwinModel) throws(ScenarioError) {
        guard model.twin.zone(target.zone) != nil else {
            throw ScenarioError(field: "\(field).zone", reason: "unknown zone \(target.zone)")
        }
        guard target.quantity == .temperature else {
            throw ScenarioError(field: "\(field).quantity", reason: "only temperature targets are supported")
        }
        let overridable = Set(model.overridableSeries)
        let control: Quantity
        if overridable.contains(SeriesKey(zone: target.zone, quantity: .setpoint)) {
            control = .setpoint
        } else if overridable.contains(SeriesKey(zone: target.zone, quantity: .hvac)) {
            control = .hvac
        } else {
            throw ScenarioError(field: "\(field).zone", reason: "\(target.zone) has no setpoint or hvac to control")
        }
        guard Quantity.temperature.plausibleRange.contains(target.value) else {
            throw ScenarioError(field: "\(field).value", reason: "\(target.value) °C is not a plausible indoor target")
        }
        let window = try ScenarioWindow(request: request, model: model)
        let step = window.stepSeconds
        let deadline = (target.by / step).rounded(.down) * step
        let index = Int(((deadline - window.first) / step).rounded())
        let candidates = stride(from: window.start, to: deadline, by: step).map { $0 }
        let hasHVAC = overridable.contains(SeriesKey(zone: target.zone, quantity: .hvac))

        func evaluate(_ starts: [Double]) throws(ScenarioError) -> [ForecastPoint] {
            let scenarios = starts.map { start in
                var overrides = request.overrides
                if control == .setpoint {
                    overrides.append(
                        ScenarioOverride(
                            zone: target.zone, quantity: .setpoint, action: .value(target.value + Self.boostKelvin),
                            from: start,
                            until: deadline + step))
                }
                if hasHVAC {
                    overrides.append(
                        ScenarioOverride(
                            zone: target.zone, quantity: .hvac, action: .value(1), from: start, until: deadline + step))
                }
                return overrides
            }
            let projections = try model.project(scenarios: scenarios)
            return projections.map {
                $0.series(zone: target.zone, quantity: .temperature)?.scenario[index]
                    ?? .init(time: 0, mean: -.infinity, p10: -.infinity, p50: -.infinity, p90: -.infinity)
            }
        }
        let base = try model.project(request.overrides).series(zone: target.zone, quantity: .temperature)
        guard let basePoint = base?.scenario[index] else {
            throw ScenarioError(field: "\(field).zone", reason: "\(target.zone) has no temperature forecast")
        }
        // Heating towards a target above the forecast; a target below it is already reached.
        func reaches(_ x: Double) -> Bool { x >= target.value }

        zone = target.zone
        quantity = target.quantity.name
        value = target.value
        by = formatRFC3339(deadline)
        self.control = control.name
        baseline_at_deadline = PayloadEncoding.rounded(basePoint.mean)
        boost_kelvin = Self.boostKelvin
        already_reached = reaches(basePoint.mean)
        guard !already_reached else {
            reachable = true
            return
        }
        let coarseStride = max(1, (candidates.count + 23) / 24)
        var coarse = Swift.stride(from: 0, to: candidates.count, by: coarseStride).map { $0 }
        if let last = candidates.indices.last, coarse.last != last { coarse.append(last) }
        let coarsePoints = try evaluate(coarse.map { candidates[$0] })
        var latest: [KeyPath<ForecastPoint, Double>: Double] = [:]
        for quantile in [\ForecastPoint.mean, \ForecastPoint.p10, \ForecastPoint.p90] {
            // Reached with a start at coarse[j] and all earlier ones; find the last such j.
            guard let j = coarse.indices.last(where: { reaches(coarsePoints[$0][keyPath: quantile]) }) else { continue }
            var best = coarse[j]
            if j + 1 < coarse.count, coarse[j + 1] - coarse[j] > 1 {
                let between = Array((coarse[j] + 1)..<coarse[j + 1])
                let points = try evaluate(between.map { candidates[$0] })
                if let k = between.indices.last(where: { reaches(points[$0][keyPath: quantile]) }) { best = between[k] }
            }
            latest[quantile] = candidates[best]
        }
        reachable = latest[\ForecastPoint.mean] != nil
        latest_start = latest[\ForecastPoint.mean].map { formatRFC3339($0) }
        latest_start_p10 = latest[\ForecastPoint.p10].map { formatRFC3339($0) }
        latest_start_p90 = latest[\ForecastPoint.p90].map { formatRFC3339($0) }
    }
}
