/// A forecast waiting for its target step: 80 bytes on the stack, 32 bytes plus its regressors
/// as `Float`s in a `PendingForecastRing`.
///
/// The level at the origin (`persistence`) is exact; the model's level, the published mean,
/// the full warm-up blend and the direct correction's regressors are kept as `Float` changes
/// from it: a relative precision of 6e-8 of the change itself (a 100 ppm CO2 change to 6e-6
/// ppm), far below any forecast error. The calibrators hold up to 624 of these per series
/// (`HorizonCalibrator`), most of a zone's memory and checkpoint.
struct PendingForecast: Sendable, Hashable {
    /// The direct correction's regressors are at most this many (`HorizonCalibration.direct`
    /// holds 8 coefficients).
    static let maximumRegressors = 8

    /// The fixed part, 32 bytes: what a ring slot holds besides the regressors.
    struct Core: Sendable, Hashable {
        var target: Int
        var persistence: Double
        var modelChange: Float
        var blendedChange: Float
        var weightedChange: Float = 0
        var weight: UInt16 = 1
        var laneCount: UInt8 = 0
    }

    private(set) var core: Core
    private(set) var lanes: SIMD8<Float>

    init(target: Int, model: Double, persistence: Double, blended: Double) {
        core = Core(
            target: target, persistence: persistence, modelChange: Float(model - persistence),
            blendedChange: Float(blended - persistence))
        lanes = SIMD8<Float>()
    }

    init(core: Core, lanes: SIMD8<Float>) {
        self.core = core
        self.lanes = lanes
    }

    var target: Int {
        get { core.target }
        set { core.target = newValue }
    }

    /// The level at the origin.
    var persistence: Double { core.persistence }

    /// The model path's level at the target.
    var model: Double {
        get { persistence + Double(core.modelChange) }
        set { core.modelChange = Float(newValue - persistence) }
    }

    /// The published mean at the target.
    var blended: Double {
        get { persistence + Double(core.blendedChange) }
        set { core.blendedChange = Float(newValue - persistence) }
    }

    /// The model/persistence blend at full warm-up, to compare the direct forecast with
    /// (meaningful with regressors only).
    var weighted: Double {
        get { persistence + Double(core.weightedChange) }
        set { core.weightedChange = Float(newValue - persistence) }
    }

    /// How many origins this forecast stands for (at most 65,535): scored as that many
    /// identical forecasts (training records the long horizons at sub-sampled origins,
    /// `TwinModel+Training`).
    var weight: Int {
        get { Int(core.weight) }
        set { core.weight = UInt16(clamping: newValue) }
    }

    /// Whether the forecast carries direct-correction regressors.
    var hasRegressors: Bool { core.laneCount > 0 }

    /// Sets `regressors` to the model's change followed by the series' regressors, without
    /// building the joined array.
    mutating func setRegressors(modelChange: Double, series: [Double]) {
        precondition(series.count < Self.maximumRegressors, "at most 8 direct regressors")
        lanes = SIMD8<Float>()
        lanes[0] = Float(modelChange)
        for (j, value) in series.enumerated() { lanes[j + 1] = Float(value) }
        core.laneCount = UInt8(series.count + 1)
    }

    /// The direct correction's regressors: the model's change, then the series' regressors
    /// (at most `maximumRegressors`).
    var regressors: [Double] {
        get { (0..<Int(core.laneCount)).map { Double(lanes[$0]) } }
        set {
            precondition(newValue.count <= Self.maximumRegressors, "at most 8 direct regressors")
            lanes = SIMD8<Float>()
            for (j, value) in newValue.enumerated() { lanes[j] = Float(value) }
            core.laneCount = UInt8(newValue.count)
        }
    }
}
