/// The calibration of one horizon: blending weight, error scale, standardised quantiles.
struct HorizonCalibration: Sendable, Hashable {
    var weight: Double
    var scale: Double
    var lower: Double
    var median: Double
    var upper: Double
    /// θ of the direct correction (the first `directCount` lanes; none before it has learned)
    /// and its share in [0, 1]. A fixed-size vector: profiles hold one per horizon step.
    var direct = SIMD8<Double>.zero
    var directCount = 0
    var directShare = 0.0
    /// The shift towards the smoothed origin level and the shrinks of the change from calm and
    /// active origins (`LevelSmoothing`); 0 and 1 without them.
    var smoothing = 0.0
    var shrinkCalm = 1.0
    var shrinkActive = 1.0

    /// Whether the published mean reads the series' direct regressors.
    var readsRegressors: Bool {
        (directShare > 0 && directCount > 0) || smoothing != 0 || shrinkCalm != 1 || shrinkActive != 1
    }

    /// The forecast change from persistence `p` for model level `m` and the series' direct
    /// regressors `r`: `(1 − β) w (m − p) + β θᵀ(m − p, r)`.
    func change(model m: Double, persistence p: Double, regressors r: [Double]) -> Double {
        let blend = weight * (m - p)
        guard directShare > 0, directCount > 0 else { return blend }
        var corrected = direct[0] * (m - p)
        for j in 0..<min(r.count, directCount - 1) { corrected += direct[j + 1] * r[j] }
        return blend + directShare * (corrected - blend)
    }

    func interpolated(to other: HorizonCalibration, fraction t: Double) -> HorizonCalibration {
        func mix(_ a: Double, _ b: Double) -> Double { a + (b - a) * t }
        var result = HorizonCalibration(
            weight: mix(weight, other.weight),
            scale: mix(scale, other.scale),
            lower: mix(lower, other.lower),
            median: mix(median, other.median),
            upper: mix(upper, other.upper)
        )
        result.smoothing = mix(smoothing, other.smoothing)
        result.shrinkCalm = mix(shrinkCalm, other.shrinkCalm)
        result.shrinkActive = mix(shrinkActive, other.shrinkActive)
        if directCount == other.directCount {
            result.direct = direct + (other.direct - direct) * t
            result.directCount = directCount
            result.directShare = mix(directShare, other.directShare)
        } else {
            result.direct = t < 0.5 ? direct : other.direct
            result.directCount = t < 0.5 ? directCount : other.directCount
            result.directShare = t < 0.5 ? directShare * (1 - t) : other.directShare * t
        }
        return result
    }
}
