/// Live accuracy of the scored forecasts of one series at one horizon.
public struct ForecastAccuracy: Sendable, Hashable, Codable {
    public var zone: String
    /// Quantity name (`Quantity.name`).
    public var quantity: String
    /// Lead time, seconds (rounded to whole seconds when grouping).
    public var horizonSeconds: Double
    /// Number of scored forecasts.
    public var count: Int
    /// Mean of `|observed - mean|`, canonical units.
    public var meanAbsoluteError: Double
    /// Square root of the mean of `(observed - mean)²`, canonical units.
    public var rootMeanSquareError: Double
    /// Mean of `observed - mean` (positive: forecasts too low), canonical units.
    public var bias: Double
    /// Fraction of observations inside `[lower, upper]`.
    public var coverage: Double
    /// Mean nominal level of the intervals, to compare with `coverage`.
    public var nominalLevel: Double

    public init(
        zone: String,
        quantity: String,
        horizonSeconds: Double,
        count: Int,
        meanAbsoluteError: Double,
        rootMeanSquareError: Double,
        bias: Double,
        coverage: Double,
        nominalLevel: Double
    ) {
        self.zone = zone
        self.quantity = quantity
        self.horizonSeconds = horizonSeconds
        self.count = count
        self.meanAbsoluteError = meanAbsoluteError
        self.rootMeanSquareError = rootMeanSquareError
        self.bias = bias
        self.coverage = coverage
        self.nominalLevel = nominalLevel
    }
}
