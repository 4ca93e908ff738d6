import UmweltCore
import WorldModel

/// One zone's quantity in a `ScenarioAnswer`, stored flat: the points' `mean`, `p10` and `p90`
/// of the baseline, then the difference, then the scenario, each part `3 × count` values, at
/// full precision except the difference (rounded from the unrounded forecasts, as published);
/// `zones` and the JSON writer round the others to the published four decimals. A 100-zone
/// answer holds about 260,000 points: kept as numbers, they cost no per-point objects to build
/// and none to write (`ScenarioAnswer.json`).
struct TrajectoryValues: Sendable, Hashable {
    /// The parts in the order the document writes them.
    enum Part: Int, CaseIterable {
        case baseline, difference, scenario
    }

    var zone: String
    var quantity: String
    var count: Int
    var values: [Double]

    /// A value as the answer publishes it: rounded to four decimals (`PayloadEncoding.rounded`),
    /// negative zero as zero (as `JSONByteWriter.number` writes it).
    static func published(_ value: Double) -> Double { PayloadEncoding.rounded(value) + 0 }

    /// `mean`, `p10`, `p90` of point `n` of `part` start at this index of `values`.
    func index(_ part: Part, _ n: Int) -> Int { 3 * (part.rawValue * count + n) }

    /// Baseline, difference (scenario − baseline, per point and quantile) and scenario of one
    /// projected series over the answer's window; `largest` grows to the largest magnitude.
    init(_ series: ScenarioSeries, window: ScenarioWindow, largest: inout Double) {
        zone = series.zone
        quantity = series.quantity.name
        let baseline = window.slice(series.baseline)
        let scenario = window.slice(series.scenario)
        let count = min(baseline.count, scenario.count)
        self.count = count
        var values = [Double](repeating: 0, count: 9 * count)
        var most = largest
        values.withUnsafeMutableBufferPointer { values in
            func store(_ part: Part, _ n: Int, _ mean: Double, _ p10: Double, _ p90: Double) {
                let i = 3 * (part.rawValue * count + n)
                values[i] = part == .difference ? Self.published(mean) : mean
                values[i + 1] = part == .difference ? Self.published(p10) : p10
                values[i + 2] = part == .difference ? Self.published(p90) : p90
                if values[i].isFinite, values[i + 1].isFinite, values[i + 2].isFinite {
                    most = max(most, abs(values[i]), abs(values[i + 1]), abs(values[i + 2]))
                }
            }
            for (n, (base, changed)) in zip(baseline, scenario).enumerated() {
                store(.baseline, n, base.mean, base.p10, base.p90)
                store(.difference, n, changed.mean - base.mean, changed.p10 - base.p10, changed.p90 - base.p90)
                store(.scenario, n, changed.mean, changed.p10, changed.p90)
            }
        }
        self.values = values
        largest = most
    }
}

extension ScenarioAnswer {
    /// Every zone's climate quantities, baseline, scenario and difference, point by point.
    public var zones: [String: [String: Trajectories]] {
        var zones: [String: [String: Trajectories]] = [:]
        for trajectory in trajectories {
            func points(_ part: TrajectoryValues.Part) -> [Point] {
                (0..<trajectory.count).map { n in
                    let i = trajectory.index(part, n)
                    return Point(
                        time: timeLabels[min(n, timeLabels.count - 1)],
                        mean: TrajectoryValues.published(trajectory.values[i]),
                        p10: TrajectoryValues.published(trajectory.values[i + 1]),
                        p90: TrajectoryValues.published(trajectory.values[i + 2]))
                }
            }
            zones[trajectory.zone, default: [:]][trajectory.quantity] = Trajectories(
                baseline: points(.baseline), scenario: points(.scenario), difference: points(.difference))
        }
        return zones
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(twin, forKey: .twin)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(start, forKey: .start)
        try container.encode(step_seconds, forKey: .step_seconds)
        try container.encode(horizon_steps, forKey: .horizon_steps)
        try container.encode(zones, forKey: .zones)
        try container.encode(kpis, forKey: .kpis)
        try container.encode(targets, forKey: .targets)
    }
}
