/// Anomaly detection settings of a twin or one zone (the optional `anomalies:` section of a
/// twin file). Every field is optional: a zone's value overrides the twin's, which overrides
/// the detectors' defaults.
///
/// ```yaml
/// anomalies: { deviation_threshold: 0.995, stuck_steps: 8, disabled: [dropout] }
/// ```
public struct AnomalySettings: Sendable, Hashable, Codable {
    /// Deviation score in [0.9, 1) that opens a deviation episode (default 0.998).
    public var deviationThreshold: Double?
    /// CUSUM decision threshold of the drift detector in standardised units (default 20).
    public var driftThreshold: Double?
    /// Identical step values in a row before a series can be stuck (default 6).
    public var stuckSteps: Int?
    /// Expected reporting intervals missed before a dropout (default 3).
    public var dropoutIntervals: Double?
    /// Names of detectors switched off (`AnomalySettings.kindNames`).
    public var disabled: Set<String>

    /// The detector names a twin file may disable.
    public static let kindNames = [
        "deviation", "out_of_range", "stuck", "dropout", "drift", "rate_of_change", "inconsistent",
        "window_open", "setpoint_not_reached", "unusual_occupancy",
    ]

    public init(
        deviationThreshold: Double? = nil,
        driftThreshold: Double? = nil,
        stuckSteps: Int? = nil,
        dropoutIntervals: Double? = nil,
        disabled: Set<String> = []
    ) {
        self.deviationThreshold = deviationThreshold
        self.driftThreshold = driftThreshold
        self.stuckSteps = stuckSteps
        self.dropoutIntervals = dropoutIntervals
        self.disabled = disabled
    }

    /// These settings with every unset field taken from `base` (a zone's over its twin's);
    /// disabled detectors add up.
    public func overriding(_ base: AnomalySettings?) -> AnomalySettings {
        guard let base else { return self }
        return AnomalySettings(
            deviationThreshold: deviationThreshold ?? base.deviationThreshold,
            driftThreshold: driftThreshold ?? base.driftThreshold,
            stuckSteps: stuckSteps ?? base.stuckSteps,
            dropoutIntervals: dropoutIntervals ?? base.dropoutIntervals,
            disabled: disabled.union(base.disabled)
        )
    }
}
