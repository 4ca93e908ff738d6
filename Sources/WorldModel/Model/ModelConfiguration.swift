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
    /// Steps before the end of a warm-up learned on the training path (calibrators scored);
    /// older history only learns (`StepPurpose.learn`). nil (default): derived,
    /// `calibrationWindowSteps(stepSeconds:)`.
    public var calibrationWindow: Int?
    /// Fewest dynamic series for which a trained or forecast step's per-series work is split
    /// across two threads (`SeriesPartition`; learn-only steps run serially); the results are
    /// identical either way. nil (default): 64. `Int.max`: never split.
    public var parallelMinimumSeries: Int?

    /// The warm-up window that trains the calibrators: `calibrationWindow`, or by default the
    /// longest calibrator memory (`calibrationMemorySteps(horizon:)`), at least two weeks (two
    /// of each weekday for the errors' daily and weekly patterns). 5-minute steps: 31 days at
    /// a 24 h horizon, 14 days at 48 steps.
    public func calibrationWindowSteps(stepSeconds: Double) -> Int {
        if let calibrationWindow { return calibrationWindow }
        let twoWeeks = Int((14 * 86_400 / max(1, stepSeconds)).rounded(.up))
        return max(Self.calibrationMemorySteps(horizon: horizonSteps), twoWeeks)
    }

    /// The longest memory among a horizon's calibrators, in steps: the direct correction's
    /// `1/(1−λ) = 200 + 30 h` scored forecasts at the longest anchor (`DirectCorrection`), at
    /// least the 1,000 steps of the slowest quantile tracking (gain 0.001): 8,840 steps at a
    /// 288-step horizon, 1,640 at 48. Exponential memories started this long before the end
    /// hold the same estimates, from a shorter effective sample.
    public static func calibrationMemorySteps(horizon: Int) -> Int {
        max(1_000, 200 + 30 * max(1, horizon))
    }

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
