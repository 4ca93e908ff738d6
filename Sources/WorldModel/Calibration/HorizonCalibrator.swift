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
/// - the error scale `s_h`, the larger of two exponentially weighted means of `|y − f|` (memory
///   200 scores, and `200 + 20 h`: quick to widen, slow to narrow), blended with a prior
///   `s₁·h^0.75` (from the series' typical step change) until it has seen 10 errors;
/// - the 10 %, 50 % and 90 % quantiles of the standardised error `z = (y − f)/s_h` by
///   stochastic approximation `q_τ ← q_τ + γ_h (τ − 1{z ≤ q_τ})`, `γ_h = 0.05 / max(1, h/2)`
///   (online quantile tracking, a form of adaptive conformal inference), starting at the
///   Laplace values ±1.61;
/// - with the series' direct regressors, a `DirectCorrection` of the mean per anchor;
/// - at the shortest anchors, a shift towards the smoothed origin level and a shrink of the
///   change from calm origins, each chosen by mean absolute error (`LevelSmoothing`).
///
/// Memory: Σ anchors ≤ 624 ring entries of 56 bytes per series, independent of history length
/// (216 with sparse long anchors, `ModelConfiguration.denseCalibrationSteps`).
struct HorizonCalibrator: Sendable, Codable, Hashable {
    static let standardAnchors = [1, 2, 3, 6, 12, 24, 48, 96, 144, 288]

    private(set) var anchors: [AnchorCalibration]

    /// Anchors up to `denseThrough` steps record every origin's forecast, longer ones every
    /// `AnchorCalibration.recordingStride(horizon:denseThrough:)`-th.
    init(horizon: Int, denseThrough: Int = .max) {
        var horizons = Self.standardAnchors.filter { $0 <= horizon }
        if horizons.last != horizon { horizons.append(horizon) }
        anchors = horizons.map { h in
            let stride = AnchorCalibration.recordingStride(horizon: h, denseThrough: denseThrough)
            return AnchorCalibration(horizon: h, recordingStride: stride)
        }
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

    /// Gives each forecast recorded at `originIndex` the weight `weight(h)` of its anchor
    /// horizon `h` (the number of origins it stands for when training sub-samples origins).
    mutating func weightRecorded(originIndex: Int, weight: (_ horizon: Int) -> Int) {
        for i in anchors.indices {
            let h = anchors[i].horizon
            anchors[i].weightPending(target: originIndex + h, weight: weight(h))
        }
    }

    /// Stores the forecast issued at the end of step `originIndex` for each anchor horizon;
    /// `regressors(h)` (the series' direct regressors for horizon h) train the anchors'
    /// `DirectCorrection`s, none leaves them untouched.
    mutating func record(
        originIndex: Int, model: [Double], persistence: Double, blended: [Double],
        regressors: ((Int) -> [Double])? = nil
    ) {
        for i in anchors.indices {
            let h = anchors[i].horizon
            guard h <= model.count else { continue }
            var entry = PendingForecast(
                target: originIndex + h, model: model[h - 1], persistence: persistence, blended: blended[h - 1]
            )
            if let regressors {
                // The correction's regressors; up to `LevelSmoothing.maximumHorizon`, also the
                // smoothed level's offset and the code of the adjustment applied to the published
                // mean in place of the calm flag (two more lanes only in the short anchors' rings).
                var series = regressors(h)
                if series.count == SeriesDynamics.directRegressorCount {
                    if h <= LevelSmoothing.maximumHorizon {
                        let calm = series[SeriesDynamics.calmIndex] > 0.5
                        series[SeriesDynamics.calmIndex] = (anchors[i].smoothing ?? LevelSmoothing()).code(calm: calm)
                    } else {
                        series.removeLast(2)
                    }
                }
                entry.setRegressors(modelChange: model[h - 1] - persistence, series: series)
                entry.weighted = persistence + anchors[i].blendWeight * (model[h - 1] - persistence)
            }
            anchors[i].store(entry)
        }
    }

    /// Each anchor's calibration: `profile` at the anchor horizons, exactly (the training path
    /// reads only these, of the anchors up to `horizon`).
    func anchorCalibrations(priorScale: Double, through horizon: Int = .max) -> [HorizonCalibration] {
        // Through the buffer: `prefix(while:)`, `map` and the array's subscript copied each anchor.
        var result: [HorizonCalibration] = []
        result.reserveCapacity(anchors.count)
        anchors.withUnsafeBufferPointer { anchors in
            for a in anchors.indices {
                guard anchors[a].horizon <= horizon else { break }
                result.append(anchors[a].calibration(priorScale: priorScale))
            }
        }
        return result
    }

    /// Per horizon 1...horizon: blending weight, error scale and standardised quantiles,
    /// interpolated linearly in log h between anchors.
    func profile(horizon: Int, priorScale: Double) -> [HorizonCalibration] {
        var result: [HorizonCalibration] = []
        result.reserveCapacity(horizon)
        var upper = 0
        // Each anchor's calibration once, not once per horizon (scenario latency, issue 4).
        let calibrations = anchorCalibrations(priorScale: priorScale)
        for h in 1...horizon {
            while upper < anchors.count - 1 && anchors[upper].horizon < h { upper += 1 }
            let high = calibrations[upper]
            if upper == 0 || anchors[upper].horizon <= h {
                result.append(high)
                continue
            }
            let low = calibrations[upper - 1]
            let a = log(Double(anchors[upper - 1].horizon))
            let b = log(Double(anchors[upper].horizon))
            let t = (log(Double(h)) - a) / (b - a)
            result.append(low.interpolated(to: high, fraction: t))
        }
        return result
    }
}

/// The learned state of one anchor horizon (see `HorizonCalibrator`).
struct AnchorCalibration: Sendable, Codable, Hashable {
    static let decay = 0.995
    static let quantileGain = 0.05
    static let laplaceDecile = 1.609

    let horizon: Int
    /// Only origins that are multiples of this record a forecast, weighted by it (`AnchorCalibration+Ring`).
    let recordingStride: Int
    private(set) var ring: PendingForecastRing
    private(set) var cross = 0.0
    private(set) var spread = 0.0
    private(set) var weightSamples = 0.0
    private(set) var errorScale = 0.0
    /// `errorScale` with a memory that grows with the horizon (`200 + 20 h` scores).
    private(set) var slowErrorScale = 0.0
    private(set) var errorSamples = 0.0
    private(set) var lower = -laplaceDecile
    private(set) var median = 0.0
    private(set) var upper = laplaceDecile
    /// Exponentially weighted mean absolute errors of the model, persistence and the blend.
    private(set) var modelError = 0.0
    private(set) var persistenceError = 0.0
    private(set) var blendedError = 0.0
    private(set) var direct = DirectCorrection()
    /// Nil in checkpoints before it, and until the first scored forecast with its lanes.
    private(set) var smoothing: LevelSmoothing?

    init(horizon: Int, recordingStride: Int = 1) {
        self.horizon = horizon
        self.recordingStride = max(1, recordingStride)
        ring = PendingForecastRing(capacity: Self.ringCapacity(horizon: horizon, stride: self.recordingStride))
    }

    func pending(for target: Int) -> PendingForecast? {
        guard let slot = slot(target: target), let entry = ring[slot], entry.target == target else { return nil }
        return entry
    }

    /// Stores a forecast of a recorded origin (`originStride`), weighted by at least the stride;
    /// a forecast of another origin is not recorded.
    mutating func store(_ forecast: PendingForecast) {
        guard let slot = slot(target: forecast.target) else { return }
        ring[slot] = forecast
        ring[slot]?.weight = max(forecast.weight, recordingStride)
    }

    /// Sets the weight of the pending forecast for step `target`, if there is one.
    mutating func weightPending(target: Int, weight: Int) {
        guard let slot = slot(target: target), ring[slot]?.target == target else { return }
        ring[slot]?.weight = max(1, weight)
    }

    /// The gain of the quantile tracking, `0.05 / max(1, h/2)`, floored at 0.001: forecasts of
    /// neighbouring origins share most of their target window, so at long horizons one score
    /// carries little new information and a fast gain would chase the latest regime (a quiet
    /// night or weekend shrinks the band just before the room fills again).
    var quantileGain: Double {
        max(0.001, Self.quantileGain / max(1, Double(horizon) / 2))
    }

    func effectiveScale(priorScale: Double) -> Double {
        let prior = max(1e-12, priorScale * Self.horizonPower(horizon))
        let n = min(errorSamples, 1e6)
        let learned = max(errorScale, slowErrorScale)
        return (n * learned + 10 * prior) / (n + 10)
    }

    /// The least-squares weight of the model against persistence, clipped and shrunk.
    var blendWeight: Double {
        let raw = spread > 0 ? cross / spread : 0
        return max(0, min(1, raw)) * weightSamples / (weightSamples + 20)
    }

    func calibration(priorScale: Double) -> HorizonCalibration {
        var result = HorizonCalibration(
            weight: blendWeight, scale: effectiveScale(priorScale: priorScale), lower: lower, median: median,
            upper: upper
        )
        if let coefficients = direct.coefficients, coefficients.count <= 8 {
            for (j, value) in coefficients.enumerated() { result.direct[j] = value }
            result.directCount = coefficients.count
            result.directShare = direct.share
        }
        if let smoothing {
            result.smoothing = smoothing.shiftWeight
            result.shrinkCalm = smoothing.shrinkWeight(calm: true)
            result.shrinkActive = smoothing.shrinkWeight(calm: false)
        }
        return result
    }

    mutating func score(targetIndex: Int, observed y: Double, priorScale: Double) {
        guard let entry = pending(for: targetIndex) else { return }
        var regressors = entry.regressors  // once, not once per weight
        // With the level smoothing's lanes (`HorizonCalibrator.record`): its offset and the adjustment applied.
        let directLanes = 1 + SeriesDynamics.smoothingOffsetIndex
        if regressors.count == directLanes + 2 {
            let offset = regressors[directLanes]
            let code = regressors[directLanes + 1]
            if smoothing == nil && horizon <= LevelSmoothing.maximumHorizon { smoothing = LevelSmoothing() }
            for _ in 0..<max(1, entry.weight) {
                smoothing?.learn(
                    code: code, persistence: entry.persistence, published: entry.blended, offset: offset, observed: y)
            }
            regressors.removeLast(2)
        }
        for _ in 0..<max(1, entry.weight) {
            score(entry, regressors: regressors, targetIndex: targetIndex, observed: y, priorScale: priorScale)
        }
    }

    private mutating func score(
        _ entry: PendingForecast, regressors: [Double], targetIndex: Int, observed y: Double, priorScale: Double
    ) {
        let scale = effectiveScale(priorScale: priorScale)
        let e = y - entry.blended
        let z = e / scale
        let gain = quantileGain
        lower += gain * (0.1 - (z <= lower ? 1 : 0))
        median += gain * (0.5 - (z <= median ? 1 : 0))
        upper += gain * (0.9 - (z <= upper ? 1 : 0))
        if lower > median - 0.05 { lower = median - 0.05 }
        if upper < median + 0.05 { upper = median + 0.05 }

        if !regressors.isEmpty {
            direct.learn(
                horizon: horizon, regressors: regressors, persistence: entry.persistence, blend: entry.weighted,
                observed: y, unit: priorScale
            )
        }
        let d = entry.model - entry.persistence
        cross = Self.decay * cross + (y - entry.persistence) * d
        spread = Self.decay * spread + d * d
        weightSamples = Self.decay * weightSamples + 1

        let alpha = max(1 / (errorSamples + 1), 1.0 / 200)
        errorScale += alpha * (abs(e) - errorScale)
        let slowAlpha = max(1 / (errorSamples + 1), 1 / (200 + 20 * Double(horizon)))
        slowErrorScale += slowAlpha * (abs(e) - slowErrorScale)
        modelError += alpha * (abs(y - entry.model) - modelError)
        persistenceError += alpha * (abs(y - entry.persistence) - persistenceError)
        blendedError += alpha * (abs(e) - blendedError)
        errorSamples = min(errorSamples + 1, 10_000)
        if let slot = slot(target: targetIndex) { ring[slot] = nil }
    }
}
