/// One issued forecast of one series at one target time, kept to be scored when the truth arrives.
///
/// Keyed by `(twin, zone, quantity, issuedAt, targetTime)`. `observed` is nil until
/// `StateStore.scoreForecasts(twin:zone:quantity:targetTime:observed:tolerance:)` fills it.
/// Values are in the quantity's canonical units; times are seconds since the Unix epoch.
public struct StoredForecast: Sendable, Hashable, Codable {
    public var twin: String
    public var zone: String
    /// Quantity name (`Quantity.name`).
    public var quantity: String
    /// When the forecast was issued.
    public var issuedAt: Double
    /// The time the forecast is about.
    public var targetTime: Double
    /// Point forecast.
    public var mean: Double
    /// Lower bound of the central prediction interval.
    public var lower: Double
    /// Upper bound of the central prediction interval.
    public var upper: Double
    /// Nominal coverage of `[lower, upper]`, in (0, 1), e.g. 0.8.
    public var level: Double
    /// The value that was observed at `targetTime`, once scored.
    public var observed: Double?

    public init(
        twin: String,
        zone: String,
        quantity: String,
        issuedAt: Double,
        targetTime: Double,
        mean: Double,
        lower: Double,
        upper: Double,
        level: Double,
        observed: Double? = nil
    ) {
        self.twin = twin
        self.zone = zone
        self.quantity = quantity
        self.issuedAt = issuedAt
        self.targetTime = targetTime
        self.mean = mean
        self.lower = lower
        self.upper = upper
        self.level = level
        self.observed = observed
    }

    /// Lead time of the forecast: `targetTime - issuedAt`, in seconds.
    public var horizonSeconds: Double { targetTime - issuedAt }
}
