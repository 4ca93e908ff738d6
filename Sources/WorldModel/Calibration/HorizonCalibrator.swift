import Foundation

/// Online calibration of one series' forecasts at a few anchor horizons, interpolated between.
///
/// At each anchor horizon `h` the calibrator keeps a ring of the last `h` issued forecasts
/// (model path value `m`, persistence value `p`, blended value `f`) and scores each against
/// the observation `y` of its target step. From those scores it learns:
///
/// - the blending weight towards the model, the least-squares optimal combination
///   `w = Σρ (y−p)(m−p) / Σρ (m−p)²`, clipped to [0, 1] and shrunk by `n/(n+20)` so that it
///   starts at persistence and moves only on evidence (`ρ = 0.995`, `n` the discounted count);
/// - the error scale `s_h`, an exponentially weighted mean of `|y − f|`, blended with a prior
///   `s₁·h^0.75` (from the series' typical step change) until it has seen 10 errors;
/// - the 10 %, 50 % and 90 % quantiles of the standardised error `z = (y − f)/s_h` by
///   stochastic approximation `q_τ ← q_τ + γ (τ − 1{z ≤ q_τ})`, `γ = 0.05` (online quantile
///   tracking, a form of adaptive conformal inference), starting at the Laplace values ±1.61.
///
/// Memory: Σ anchors ≤ 624 ring entries per series, independent of history length.
struct HorizonCalibrator: Sendable, Codable, Hashable {
    static let standardAnchors = [1, 2, 3, 6, 12, 24, 48, 96, 144, 288]

    private(set) var anchors: [AnchorCalibration]

    init(horizon: Int) {
        var horizons = Self.standardAnchors.filter { $0 <= horizon }
        if horizons.last != horizon { horizons.append(horizon) }
        anchors = horizons.map { AnchorCalibration(horizon: $0) }
    }

    /// The forecast issued for the step `targetIndex` at horizon 1, if there is one.
    func oneStepForecast(targetIndex: Int) -> PendingForecast? {
        anchors.first.flatMap { $0.pending(for: targetIndex) }
    }

    /// Scores every pending forecast that targets `targetIndex` against the observation `y`.
    mutating func score(targetIndex: Int, observed y: Double, priorScale: Double) {
        for i in anchors.indices {
            anchors[i].score(targetIndex: targetIndex, observed: y, priorScale: priorScale)
        }
    }

    /// Stores the forecast issued at the end of step `originIndex` for each anchor horizon.
    mutating func record(originIndex: Int, model: [Double], persistence: Double, blended: [Double]) {
        for i in anchors.indices {
            let h = anchors[i].horizon
            guard h <= model.count else { continue }
            anchors[i].store(
                PendingForecast(
                    target: originIndex + h, model: model[h - 1], persistence: persistence, blended: blended[h - 1]
                )
            )
        }
    }

    /// Per horizon 1...horizon: blending weight, error scale and standardised quantiles,
    /// interpolated linearly in log h between anchors.
    func profile(horizon: Int, priorScale: Double) -> [HorizonCalibration] {
        var result: [HorizonCalibration] = []
        result.reserveCapacity(horizon)
        var upper = 0
        for h in 1...horizon {
            while upper < anchors.count - 1 && anchors[upper].horizon < h { upper += 1 }
            let high = anchors[upper].calibration(priorScale: priorScale)
            if upper == 0 || anchors[upper].horizon <= h {
                result.append(high)
                continue
            }
            let low = anchors[upper - 1].calibration(priorScale: priorScale)
            let a = log(Double(anchors[upper - 1].horizon))
            let b = log(Double(anchors[upper].horizon))
            let t = (log(Double(h)) - a) / (b - a)
            result.append(low.interpolated(to: high, fraction: t))
        }
        return result
    }
}

/// A forecast waiting for its target step.
struct PendingForecast: Sendable, Codable, Hashable {
    var target: Int
    var model: Double
    var persistence: Double
    var blended: Double
}

/// The calibration of one horizon: blending weight, error scale, standardised quantiles.
struct HorizonCalibration: Sendable, Hashable {
    var weight: Double
    var scale: Double
    var lower: Double
    var median: Double
    var upper: Double

    func interpolated(to other: HorizonCalibration, fraction t: Double) -> HorizonCalibration {
        func mix(_ a: Double, _ b: Double) -> Double { a + (b - a) * t }
        return HorizonCalibration(
            weight: mix(weight, other.weight),
            scale: mix(scale, other.scale),
            lower: mix(lower, other.lower),
            median: mix(median, other.median),
            upper: mix(upper, other.upper)
        )
    }
}

/// The learned state of one anchor horizon (see `HorizonCalibrator`).
struct AnchorCalibration: Sendable, Codable, Hashable {
    static let decay = 0.995
    static let quantileGain = 0.05
    static let laplaceDecile = 1.609

    let horizon: Int
    private(set) var ring: [PendingForecast?]
    private(set) var cross = 0.0
    private(set) var spread = 0.0
    private(set) var weightSamples = 0.0
    private(set) var errorScale = 0.0
    private(set) var errorSamples = 0.0
    private(set) var lower = -laplaceDecile
    private(set) var median = 0.0
    private(set) var upper = laplaceDecile
    /// Exponentially weighted mean absolute errors of the model, persistence and the blend.
    private(set) var modelError = 0.0
    private(set) var persistenceError = 0.0
    private(set) var blendedError = 0.0

    init(horizon: Int) {
        self.horizon = horizon
        ring = Array(repeating: nil, count: horizon)
    }

    func pending(for target: Int) -> PendingForecast? {
        let slot = ((target % horizon) + horizon) % horizon
        guard let entry = ring[slot], entry.target == target else { return nil }
        return entry
    }

    mutating func store(_ forecast: PendingForecast) {
        ring[((forecast.target % horizon) + horizon) % horizon] = forecast
    }

    func effectiveScale(priorScale: Double) -> Double {
        let prior = max(1e-12, priorScale * pow(Double(horizon), 0.75))
        let n = min(errorSamples, 1e6)
        return (n * errorScale + 10 * prior) / (n + 10)
    }

    func calibration(priorScale: Double) -> HorizonCalibration {
        let raw = spread > 0 ? cross / spread : 0
        let weight = max(0, min(1, raw)) * weightSamples / (weightSamples + 20)
        return HorizonCalibration(
            weight: weight, scale: effectiveScale(priorScale: priorScale), lower: lower, median: median, upper: upper
        )
    }

    mutating func score(targetIndex: Int, observed y: Double, priorScale: Double) {
        guard let entry = pending(for: targetIndex) else { return }
        let scale = effectiveScale(priorScale: priorScale)
        let e = y - entry.blended
        let z = e / scale
        lower += Self.quantileGain * (0.1 - (z <= lower ? 1 : 0))
        median += Self.quantileGain * (0.5 - (z <= median ? 1 : 0))
        upper += Self.quantileGain * (0.9 - (z <= upper ? 1 : 0))
        if lower > median - 0.05 { lower = median - 0.05 }
        if upper < median + 0.05 { upper = median + 0.05 }

        let d = entry.model - entry.persistence
        cross = Self.decay * cross + (y - entry.persistence) * d
        spread = Self.decay * spread + d * d
        weightSamples = Self.decay * weightSamples + 1

        let alpha = max(1 / (errorSamples + 1), 1.0 / 200)
        errorScale += alpha * (abs(e) - errorScale)
        modelError += alpha * (abs(y - entry.model) - modelError)
        persistenceError += alpha * (abs(y - entry.persistence) - persistenceError)
        blendedError += alpha * (abs(e) - blendedError)
        errorSamples = min(errorSamples + 1, 10_000)
        ring[((targetIndex % horizon) + horizon) % horizon] = nil
    }
}
