import UmweltCore

/// Tunables of a `TwinModel`, with defaults derived from the twin.
public struct ModelConfiguration: Sendable, Codable, Hashable {
    /// Forecast horizon in steps (default: the twin's, 288 = 24 h at 5 min).
    public var horizonSteps: Int
    /// A zone is warming up before it has learned this many steps (default: 12 h worth of steps).
    public var warmupSteps: Int
    /// RLS forgetting factor λ in (0.9, 1]; the effective memory is about 1/(1−λ) steps.
    public var forgetting: Double
    /// A step `[t, t+step)` closes when the data time reaches `t + step + graceSeconds`.
    public var graceSeconds: Double
    /// Gaps longer than this many steps reset each zone's dynamic state (not its parameters).
    public var maxGapSteps: Int
    /// Calibration anchors up to this horizon (steps) record the forecast of every origin;
    /// longer ones only every `AnchorCalibration.recordingStride`-th (h/32), weighted by it:
    /// 216 instead of 624 pending forecasts per series at a 24 h horizon, for a memory-bound
    /// fleet. Default `Int.max` (every origin): on ROBOD, 48 made the 24 h CO2 forecast 2.3x
    /// worse (`TrainingPathEvaluation`), while leaving every horizon up to it unchanged.
    public var denseCalibrationSteps: Int

    public init(twin: TwinDefinition) {
        let step = Double(max(1, twin.stepSeconds))
        self.horizonSteps = max(1, twin.horizonSteps)
        self.warmupSteps = max(12, Int((43_200 / step).rounded()))
        self.forgetting = 0.998
        self.graceSeconds = min(step / 10, 30)
        self.maxGapSteps = 12
        self.denseCalibrationSteps = .max
    }

    public init(
        horizonSteps: Int,
        warmupSteps: Int,
        forgetting: Double = 0.998,
        graceSeconds: Double,
        maxGapSteps: Int = 12,
        denseCalibrationSteps: Int = .max
    ) {
        self.horizonSteps = max(1, horizonSteps)
        self.warmupSteps = max(0, warmupSteps)
        self.forgetting = Swift.min(1, Swift.max(0.9, forgetting))
        self.graceSeconds = Swift.max(0, graceSeconds)
        self.maxGapSteps = Swift.max(0, maxGapSteps)
        self.denseCalibrationSteps = Swift.max(0, denseCalibrationSteps)
    }
}
