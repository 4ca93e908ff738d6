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

    public init(twin: TwinDefinition) {
        let step = Double(max(1, twin.stepSeconds))
        self.horizonSteps = max(1, twin.horizonSteps)
        self.warmupSteps = max(12, Int((43_200 / step).rounded()))
        self.forgetting = 0.998
        self.graceSeconds = min(step / 10, 30)
        self.maxGapSteps = 12
    }

    public init(
        horizonSteps: Int,
        warmupSteps: Int,
        forgetting: Double = 0.998,
        graceSeconds: Double,
        maxGapSteps: Int = 12
    ) {
        self.horizonSteps = max(1, horizonSteps)
        self.warmupSteps = max(0, warmupSteps)
        self.forgetting = Swift.min(1, Swift.max(0.9, forgetting))
        self.graceSeconds = Swift.max(0, graceSeconds)
        self.maxGapSteps = Swift.max(0, maxGapSteps)
    }
}
