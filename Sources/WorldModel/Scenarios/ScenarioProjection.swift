import UmweltCore

/// Baseline and scenario forecasts of one series, point by point.
public struct ScenarioSeries: Sendable, Hashable {
    public var zone: String
    public var quantity: Quantity
    /// The calibrated forecast without overrides (identical to `TwinModel.forecasts()`).
    public var baseline: [ForecastPoint]
    /// The baseline moved by the model's effect of the overrides.
    public var scenario: [ForecastPoint]

    public init(zone: String, quantity: Quantity, baseline: [ForecastPoint], scenario: [ForecastPoint]) {
        self.zone = zone
        self.quantity = quantity
        self.baseline = baseline
        self.scenario = scenario
    }

    /// Scenario minus baseline, per point and per quantile.
    public var difference: [ForecastPoint] {
        zip(baseline, scenario).map { base, changed in
            ForecastPoint(
                time: base.time, mean: changed.mean - base.mean, p10: changed.p10 - base.p10,
                p50: changed.p50 - base.p50, p90: changed.p90 - base.p90
            )
        }
    }
}

/// The answer of the model to one scenario: every forecast series under baseline and
/// scenario, and the control inputs the rollout used (for effort figures).
public struct ScenarioProjection: Sendable, Hashable {
    /// End of the origin step (the first point is the step starting here), Unix seconds.
    public var issuedAt: Double
    public var stepSeconds: Int
    /// Climate series, then occupancy (probability, or expected count for counters), sorted.
    public var series: [ScenarioSeries]
    /// Per bound input series: the value used at each point's step (nil when unknown),
    /// baseline and scenario.
    public var inputs: [SeriesKey: (baseline: [Double?], scenario: [Double?])]
    /// Position of each series in `series` at construction (checked on use).
    private var positions: [SeriesKey: Int]

    public init(
        issuedAt: Double, stepSeconds: Int, series: [ScenarioSeries],
        inputs: [SeriesKey: (baseline: [Double?], scenario: [Double?])]
    ) {
        self.issuedAt = issuedAt
        self.stepSeconds = stepSeconds
        self.series = series
        self.inputs = inputs
        positions = Dictionary(
            series.enumerated().map { (SeriesKey(zone: $0.element.zone, quantity: $0.element.quantity), $0.offset) },
            uniquingKeysWith: { first, _ in first })
    }

    public static func == (lhs: ScenarioProjection, rhs: ScenarioProjection) -> Bool {
        lhs.issuedAt == rhs.issuedAt && lhs.stepSeconds == rhs.stepSeconds && lhs.series == rhs.series
            && lhs.inputs.keys == rhs.inputs.keys
            && lhs.inputs.allSatisfy { key, value in
                rhs.inputs[key].map { $0.baseline == value.baseline && $0.scenario == value.scenario } ?? false
            }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(issuedAt)
        hasher.combine(series)
    }

    /// The series of `zone` and `quantity`, if forecast.
    public func series(zone: String, quantity: Quantity) -> ScenarioSeries? {
        if let n = positions[SeriesKey(zone: zone, quantity: quantity)], n < series.count,
            series[n].zone == zone, series[n].quantity == quantity
        {
            return series[n]
        }
        guard positions.count != series.count else { return nil }
        return series.first { $0.zone == zone && $0.quantity == quantity }
    }
}
