import UmweltCore

/// The thresholds in force for one zone's detectors: the zone's `anomalies:` settings over the
/// twin's over the defaults.
struct DetectorSettings: Sendable, Hashable {
    /// Deviation score that opens an episode, in [0.9, 1).
    var deviationThreshold = 0.998
    /// CUSUM decision threshold `h` of the drift detector, in standard deviations.
    var driftThreshold = 20.0
    /// Identical step values in a row before a series can be stuck.
    var stuckSteps = 6
    /// Expected reporting intervals missed before a dropout.
    var dropoutIntervals = 3.0
    var disabled: Set<AnomalyKind> = []

    init() {}

    init(twin: TwinDefinition, zone: String) {
        self.init(twin: twin, definition: twin.zone(zone))
    }

    /// The settings of the zone `definition` of `twin` (nil: the twin's own), without a lookup.
    init(twin: TwinDefinition, definition: ZoneDefinition?) {
        let zoneSettings = definition?.anomalies
        guard let settings = zoneSettings?.overriding(twin.anomalies) ?? twin.anomalies else { return }
        if let value = settings.deviationThreshold { deviationThreshold = value }
        if let value = settings.driftThreshold { driftThreshold = value }
        if let value = settings.stuckSteps { stuckSteps = max(2, value) }
        if let value = settings.dropoutIntervals { dropoutIntervals = max(1.5, value) }
        disabled = Set(settings.disabled.compactMap(AnomalyKind.init(rawValue:)))
    }

    func isEnabled(_ kind: AnomalyKind) -> Bool {
        !disabled.contains(kind)
    }
}
