import UmweltCore

/// The learned one-step dynamics and filtered state of one dynamic series.
///
/// Model of the next step's change, in units of the series scale `s`:
///
///     (y[t+1] − y[t]) / s = θᵀ φ[t] + e,     φ[t] = the series' `FeatureTerm`s at step t
///
/// learned by `RecursiveLeastSquares`. The filtered level is the step mean when observed;
/// through a short gap it is the one-step forecast; after `maxGapSteps` unobserved steps it is
/// unknown. As an input to other series the latest known value is held.
struct SeriesDynamics: Sendable, Codable, Hashable {
    let key: SeriesKey
    let terms: [FeatureTerm]
    private(set) var scale: Double
    private(set) var reference: Double
    /// Smallest meaningful change (sensor resolution), a floor for error scales.
    private(set) var resolution: Double
    private(set) var isScaled: Bool
    var rls: RecursiveLeastSquares
    var calibrator: HorizonCalibrator
    /// The series' own time-of-day profile (workdays and weekends), a regressor of the
    /// direct correction at long horizons.
    private(set) var profile: InputProfile

    /// Filtered level at the latest processed step, nil when unknown.
    var level: Double?
    /// Whether `level` was observed (not predicted) at the latest processed step.
    var levelObserved = false
    /// Latest known value, held as an input for other series.
    var lastKnown: Double?
    /// Change of the level into the latest processed step.
    var change = 0.0
    /// The latest observed changes, newest first (0 where unknown): `Δy[t], Δy[t−1], Δy[t−2]`.
    private(set) var recentChanges = [0.0, 0.0, 0.0]
    /// The latest reading minus the mean of the latest observed step (nil when unobserved):
    /// where a step has several readings, its end runs ahead of its mean while the series moves.
    private(set) var stepTail: Double?
    /// Exponentially smoothed observed step means (`smoothingAlpha`), restarted after an
    /// unobserved step; nil when unknown (and in checkpoints before it).
    private(set) var smoothedLevel: Double?
    /// Fast (x) and slow (y) exponentially weighted means of observed |Δy| (`activityMemories`), nil
    /// before the first observed change (and in checkpoints before them).
    private(set) var activity: SIMD2<Double>?
    var stepsSinceObserved = 0
    /// Features at the latest processed step, to learn from when the next step is observed.
    var pendingFeatures: [Double]?
    /// Exponentially weighted mean of observed |Δy| (persistence's one-step error).
    var changeMagnitude: Double
    /// Exponentially weighted mean of |innovation| of the model (physical units).
    var innovationMagnitude = 0.0

    init(key: SeriesKey, terms: [FeatureTerm], forgetting: Double, horizon: Int) {
        self.key = key
        self.terms = terms
        rls = RecursiveLeastSquares(dimension: terms.count, forgetting: forgetting)
        calibrator = HorizonCalibrator(horizon: horizon)
        profile = InputProfile(key: key)
        switch key.quantity {
        case .temperature: (scale, reference, resolution) = (1, 21, 0.005)
        case .humidity: (scale, reference, resolution) = (5, 50, 0.02)
        case .co2: (scale, reference, resolution) = (100, 600, 0.5)
        default: (scale, reference, resolution) = (1, 0, 1e-6)
        }
        isScaled = key.quantity.isClimate
        changeMagnitude = scale * 0.05
    }

    /// Learns the scale of a generic series from its first value.
    mutating func adoptScale(from value: Double) {
        guard !isScaled else { return }
        scale = max(abs(value) * 0.1, 1e-3)
        reference = value
        resolution = scale * 1e-4
        changeMagnitude = scale * 0.05
        isScaled = true
    }

    /// The one-step error scale prior: the typical observed step change, floored.
    var priorScale: Double { max(changeMagnitude, resolution) }

    /// φ for level `y` with previous change `change` in `snapshot`.
    func features(y: Double, change: Double, snapshot: InputSnapshot) -> [Double] {
        terms.map { $0.value(y: y, reference: reference, scale: scale, change: change, snapshot: snapshot) }
    }

    /// Predicted change in physical units for features `phi`, clamped to ±2 scales.
    func predictedChange(_ phi: [Double]) -> Double {
        let delta = rls.predict(phi) * scale
        return max(-2 * scale, min(2 * scale, delta))
    }

    /// Learns the transition into an observed value `y`, if the previous level was observed.
    mutating func learn(observed y: Double) {
        guard levelObserved, let previous = level, let phi = pendingFeatures else { return }
        let target = (y - previous) / scale
        let limit = rls.updates > 20 ? max(5 * innovationMagnitude / scale, 10 * resolution / scale) : .infinity
        let innovation = rls.update(phi, target: target, innovationLimit: limit) * scale
        let alpha = max(1 / Double(rls.updates), 0.01)
        innovationMagnitude += alpha * (min(abs(innovation), limit * scale) - innovationMagnitude)
        changeMagnitude += 0.02 * (abs(y - previous) - changeMagnitude)
    }

    /// Sets the state to an observed step mean `y` whose latest reading was `last`.
    mutating func observe(_ y: Double, last: Double? = nil) {
        stepTail = last.map { $0 - y }.flatMap { $0.isFinite ? $0 : nil }
        change = (levelObserved ? level.map { y - $0 } : nil) ?? 0
        if levelObserved, !recentChanges.isEmpty {
            // Shifted in place (no allocation): the newest change first, the oldest dropped.
            for r in stride(from: recentChanges.count - 1, to: 0, by: -1) { recentChanges[r] = recentChanges[r - 1] }
            recentChanges[0] = change
        } else if levelObserved {
            recentChanges = [change]
        } else {
            recentChanges = [0, 0, 0]
        }
        if levelObserved, let previous = level {
            let magnitude = abs(y - previous)
            if var means = activity {
                means.x += (magnitude - means.x) / Self.activityMemories.fast
                means.y += (magnitude - means.y) / Self.activityMemories.slow
                activity = means
            } else {
                activity = SIMD2(magnitude, magnitude)
            }
        }
        if levelObserved, let smoothed = smoothedLevel {
            smoothedLevel = smoothed + Self.smoothingAlpha * (y - smoothed)
        } else {
            smoothedLevel = y
        }
        level = y
        lastKnown = y
        levelObserved = true
        stepsSinceObserved = 0
    }

    /// Moves the state through an unobserved step by `predicted` change.
    mutating func predictThrough(change predicted: Double?, maxGapSteps: Int) {
        stepsSinceObserved += 1
        levelObserved = false
        stepTail = nil
        smoothedLevel = nil
        if let level, let predicted, stepsSinceObserved <= maxGapSteps {
            self.level = level + predicted
            change = predicted
        } else {
            resetState()
            stepsSinceObserved = maxGapSteps + 1
        }
    }

    /// Adds the observed step mean `y` to the time-of-day profile, in the step start's
    /// `InputProfile.bin` (computed once per step by the caller).
    mutating func observeProfile(_ y: Double, bin: Int) {
        profile.observe(y, bin: bin)
    }

    /// The regressors of the direct correction (`DirectCorrection`) for the step `target`
    /// (its start) forecast from the step `origin`, physical units: the last three observed
    /// changes, the profile's typical change from origin to target (0 until its bins have
    /// `profileMinimumVisits` visits) and the origin step's tail (`stepTail`, 0 when unknown).
    func directRegressors(origin: Double, target: Double, clock: LocalClock) -> [Double] {
        var result = [Double](repeating: 0, count: Self.directRegressorCount)
        fillDirectRegressors(&result, origin: origin, target: target, clock: clock)
        return result
    }

    /// The regressors' count: the direct correction's five, then the smoothed level's offset
    /// (`smoothingOffsetIndex`) and 1 for a calm origin (`calmIndex`), read by `LevelSmoothing`,
    /// not by the correction.
    static let directRegressorCount = 7
    static let stepTailIndex = 4
    static let smoothingOffsetIndex = 5
    static let calmIndex = 6
    /// Memories of the fast and slow means of observed |Δy| that tell a calm origin (`isCalm`):
    /// half an hour and a day at 5-minute steps.
    static let activityMemories = (fast: 6.0, slow: 288.0)
    /// Weight of the newest step mean in `smoothedLevel`.
    static let smoothingAlpha = 0.5
    /// Visits a profile bin needs (steps observed in that half-hour, both bins) before its
    /// expected change is used: 12, two days at 5-minute steps. A profile of one day is that
    /// day's weather and events (one sunny Saturday is no weekend pattern), and scaling a
    /// young profile down does not help: the least-squares weight would scale it back up.
    static let profileMinimumVisits = 12.0

    /// `directRegressors` written into `buffer` (of `directRegressorCount` elements) without allocating.
    func fillDirectRegressors(_ buffer: inout [Double], origin: Double, target: Double, clock: LocalClock) {
        fillDirectRegressors(
            &buffer, originTypical: profile.typicalWithVisits(at: origin, clock: clock), target: target, clock: clock)
    }

    /// The profile's typical value and visits at `time` (see `InputProfile.typicalWithVisits`).
    func typical(at time: Double, clock: LocalClock) -> (value: Double, visits: Double)? {
        profile.typicalWithVisits(at: time, clock: clock)
    }

    /// `fillDirectRegressors` with the origin's `typical(at:clock:)` computed once per forecast.
    func fillDirectRegressors(
        _ buffer: inout [Double], originTypical: (value: Double, visits: Double)?, target: Double, clock: LocalClock
    ) {
        for j in 0..<3 { buffer[j] = recentChanges[j] }
        if let now = originTypical, let then = profile.typicalWithVisits(at: target, clock: clock) {
            let visits = min(now.visits, then.visits)
            buffer[3] = visits >= Self.profileMinimumVisits ? then.value - now.value : 0
        } else {
            buffer[3] = 0
        }
        buffer[Self.stepTailIndex] = stepTail ?? 0
        buffer[Self.smoothingOffsetIndex] = smoothedLevel.flatMap { smoothed in level.map { smoothed - $0 } } ?? 0
        buffer[Self.calmIndex] = isCalm ? 1 : 0
    }

    /// Whether the latest observed changes are under half the day's typical change.
    var isCalm: Bool {
        guard let activity else { return false }
        return activity.x < 0.5 * activity.y
    }

    /// Forgets the dynamic state (after a long gap); learned parameters stay.
    mutating func resetState() {
        level = nil
        levelObserved = false
        change = 0
        recentChanges = [0, 0, 0]
        stepTail = nil
        smoothedLevel = nil
        pendingFeatures = nil
    }
}
