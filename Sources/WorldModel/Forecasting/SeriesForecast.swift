import UmweltCore

/// One point of a forecast path: the mean and the 10/50/90 % quantiles of one future step.
public struct ForecastPoint: Sendable, Codable, Hashable {
    /// Start of the target step, Unix seconds.
    public var time: Double
    public var mean: Double
    public var p10: Double
    public var p50: Double
    public var p90: Double

    public init(time: Double, mean: Double, p10: Double, p50: Double, p90: Double) {
        self.time = time
        self.mean = mean
        self.p10 = p10
        self.p50 = p50
        self.p90 = p90
    }
}

/// The forecast of one quantity of one zone from one origin step.
///
/// Point `h - 1` (h = 1...horizon) targets the step starting at `issuedAt - stepSeconds + h·stepSeconds`,
/// that is the h-th step after the origin step. Occupancy forecasts give the probability that
/// the zone is occupied (p10 = p50 = p90 = mean).
public struct SeriesForecast: Sendable, Codable, Hashable {
    public var zone: String
    public var quantity: Quantity
    /// End of the origin step, Unix seconds.
    public var issuedAt: Double
    public var stepSeconds: Int
    /// True while the zone has learned fewer than `warmupSteps` steps: the forecast leans on
    /// persistence and its bands are wide.
    public var warmingUp: Bool
    public var stepsLearned: Int
    public var points: [ForecastPoint]
    /// Occupancy with a people counter: the expected number of people per point.
    public var expectedCount: [Double]?

    public init(
        zone: String,
        quantity: Quantity,
        issuedAt: Double,
        stepSeconds: Int,
        warmingUp: Bool,
        stepsLearned: Int,
        points: [ForecastPoint],
        expectedCount: [Double]? = nil
    ) {
        self.zone = zone
        self.quantity = quantity
        self.issuedAt = issuedAt
        self.stepSeconds = stepSeconds
        self.warmingUp = warmingUp
        self.stepsLearned = stepsLearned
        self.points = points
        self.expectedCount = expectedCount
    }
}
