/// A direct forecast of one anchor horizon `h`, learned online: the change from now to `h`
/// steps ahead as a linear combination of the model path's change and a few recent facts,
///
///     y[t+h] − y[t] = θᵀ x[t] + e,    x = (m_h − y[t], r₁, r₂, …) / u
///
/// where `m_h` is the rollout's level at `h`, `rⱼ` are the series' direct regressors (its last
/// observed changes, the time-of-day profile's expected change over the lead, …; see
/// `SeriesDynamics.directRegressors`) and `u` the series' typical step change, so θ is unitless.
/// θ is learned by recursive least squares with a memory that grows with the horizon
/// (`1/(1−λ) = 200 + 30 h` scored forecasts: neighbouring origins' errors overlap) and a ridge prior towards 0 (persistence), so
/// it starts at persistence and moves only on evidence. Rollouts carry the physics that
/// scenarios need; this correction only sharpens the published mean: it captures sensor noise
/// and control cycles (negative autocorrelation of changes) and the multi-step bias of the
/// rollout, which a one-step model learned for scenarios does not see.
///
/// The calibrator mixes it with the model/persistence blend by their recent exponentially
/// weighted absolute errors (`share`).
struct DirectCorrection: Sendable, Codable, Hashable {
    static let priorVariance = 1.0
    static let minimumSamples = 50.0
    /// Innovations beyond this many recent mean absolute errors are clipped (a Huber-like
    /// guard: sensor glitches do not move θ, a room filling up still does).
    static let innovationLimit = 10.0

    private(set) var rls: RecursiveLeastSquares?
    /// Exponentially weighted mean absolute errors of the direct forecast and of the blend.
    private(set) var directError = 0.0
    private(set) var blendError = 0.0
    private(set) var samples = 0.0

    /// θ, or nil before the first update.
    var coefficients: [Double]? { rls?.theta }

    /// The direct forecast's share against the blend: `0.5 + 5 (e_blend − e_direct)/e_blend`
    /// clipped to [0, 1] (equal recent errors: half each; 10 % lower error: all direct), 0
    /// before `minimumSamples` scores.
    var share: Double {
        guard samples >= Self.minimumSamples else { return 0 }
        return max(0, min(1, 0.5 + 5 * (blendError - directError) / max(blendError, 1e-12)))
    }

    /// The direct forecast's change `θᵀx` for regressors `x` (physical units), 0 without θ.
    static func change(coefficients: [Double], regressors x: [Double]) -> Double {
        var sum = 0.0
        for i in 0..<min(coefficients.count, x.count) { sum += coefficients[i] * x[i] }
        return sum
    }

    /// Scores the direct forecast issued with regressors `x` (physical units) and the blend
    /// `blend`, then learns from the observed change `y − persistence`.
    mutating func learn(
        horizon: Int, regressors x: [Double], persistence: Double, blend: Double, observed y: Double, unit: Double
    ) {
        guard !x.isEmpty, unit > 0, x.allSatisfy(\.isFinite) else { return }
        if rls?.dimension != x.count {
            let forgetting = 1 - 1 / (200 + 30 * Double(horizon))
            rls = RecursiveLeastSquares(dimension: x.count, forgetting: forgetting, priorVariance: Self.priorVariance)
        }
        guard let theta = rls?.theta else { return }
        let direct = persistence + Self.change(coefficients: theta, regressors: x)
        let alpha = max(1 / (samples + 1), 1.0 / 200)
        directError += alpha * (abs(y - direct) - directError)
        blendError += alpha * (abs(y - blend) - blendError)
        samples = min(samples + 1, 10_000)
        let scaled = x.map { $0 / unit }
        let limit = samples > 20 ? Self.innovationLimit * max(directError, blendError) / unit : .infinity
        // In place: a copy of `rls` would make its covariance copy itself on write.
        rls?.update(scaled, target: (y - persistence) / unit, innovationLimit: limit)
    }
}
