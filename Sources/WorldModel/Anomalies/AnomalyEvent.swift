import UmweltCore

/// How surprising one observation was, in [0, 1], and why.
public struct AnomalyScore: Sendable, Hashable {
    /// 0 = perfectly ordinary, 1 = certainly anomalous.
    public var score: Double
    /// The detector responsible, nil when the observation is normal (score below 0.9).
    public var kind: AnomalyKind?
    /// The model's one-step expectation of the value, when it has one.
    public var expected: Double?

    public init(score: Double, kind: AnomalyKind? = nil, expected: Double? = nil) {
        self.score = score
        self.kind = kind
        self.expected = expected
    }
}

/// What kind of anomaly a detector found.
public enum AnomalyKind: String, Sendable, Codable, CaseIterable {
    /// Far from the calibrated one-step forecast.
    case deviation
    /// Outside the quantity's plausible range.
    case outOfRange = "out_of_range"
    /// Exactly constant while the model expected movement.
    case stuck
    /// No reading for much longer than usual while other sensors report.
    case dropout
    /// Slow systematic bias of the residuals (they keep a sign or grow).
    case drift
    /// A change between consecutive steps faster than the quantity can physically change.
    case rateOfChange = "rate_of_change"
    /// Sensors that should agree do not: two sensors of one zone, or CO2 versus occupancy.
    case inconsistent
    /// Temperature and CO2 drop together, fast: a window (or door to outside) left open.
    case windowOpen = "window_open"
    /// The zone stays well below its heating setpoint and does not warm up.
    case setpointNotReached = "setpoint_not_reached"
    /// The zone is occupied at a time of week when it practically never is.
    case unusualOccupancy = "unusual_occupancy"
}

/// How urgently a person should look at an anomaly.
public enum AnomalySeverity: String, Sendable, Codable {
    case notice
    case warning
    case critical
}

/// One change of an anomaly episode: opened, updated (its score rose) or closed.
public struct AnomalyEvent: Sendable, Codable, Hashable {
    public enum Phase: String, Sendable, Codable {
        case opened
        case updated
        case closed
    }

    /// Stable per episode: `<zone>/<quantity>/<kind>/<start as integer seconds>`.
    public var id: String
    public var zone: String
    public var quantity: Quantity
    public var kind: AnomalyKind
    public var phase: Phase
    public var severity: AnomalySeverity
    /// The highest score of the episode so far.
    public var score: Double
    /// Start of the step where the episode began, Unix seconds.
    public var start: Double
    /// End of the step where the episode closed, Unix seconds (only when closed).
    public var end: Double?
    public var observed: Double?
    public var expected: Double?
    /// One line a person can act on.
    public var explanation: String

    public init(
        id: String,
        zone: String,
        quantity: Quantity,
        kind: AnomalyKind,
        phase: Phase,
        severity: AnomalySeverity,
        score: Double,
        start: Double,
        end: Double? = nil,
        observed: Double? = nil,
        expected: Double? = nil,
        explanation: String
    ) {
        self.id = id
        self.zone = zone
        self.quantity = quantity
        self.kind = kind
        self.phase = phase
        self.severity = severity
        self.score = score
        self.start = start
        self.end = end
        self.observed = observed
        self.expected = expected
        self.explanation = explanation
    }
}
