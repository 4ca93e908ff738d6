/// An anomaly event as stored: opened, updated while it lasts, then closed (`end` set).
///
/// Keyed by `id`: saving an event with an existing id replaces the row, so one event is one
/// row however often it was updated. Strings (`quantity`, `kind`, `severity`) are the names
/// the service publishes; the store does not interpret them.
public struct StoredAnomaly: Sendable, Hashable, Codable {
    /// Stable identifier of the event, chosen by the detector.
    public var id: String
    public var twin: String
    public var zone: String
    /// Quantity name (`Quantity.name`).
    public var quantity: String
    /// What kind of anomaly, e.g. a residual spike or an out-of-range value.
    public var kind: String
    public var severity: String
    /// Detector score (unitless; larger is more anomalous).
    public var score: Double
    /// Start of the event, seconds since the Unix epoch.
    public var start: Double
    /// End of the event, or nil while it is still open.
    public var end: Double?
    /// Observed value in canonical units, if the event has one.
    public var observed: Double?
    /// Expected value in canonical units, if the event has one.
    public var expected: Double?
    /// Human-readable explanation.
    public var explanation: String
    /// When this version of the event was produced, seconds since the Unix epoch.
    public var updatedAt: Double

    public init(
        id: String,
        twin: String,
        zone: String,
        quantity: String,
        kind: String,
        severity: String,
        score: Double,
        start: Double,
        end: Double? = nil,
        observed: Double? = nil,
        expected: Double? = nil,
        explanation: String,
        updatedAt: Double
    ) {
        self.id = id
        self.twin = twin
        self.zone = zone
        self.quantity = quantity
        self.kind = kind
        self.severity = severity
        self.score = score
        self.start = start
        self.end = end
        self.observed = observed
        self.expected = expected
        self.explanation = explanation
        self.updatedAt = updatedAt
    }

    /// Whether the event is still going on.
    public var isOpen: Bool { end == nil }
}
