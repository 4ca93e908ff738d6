import Foundation
import UmweltCore

/// Detectors of one series' health and the hysteresis of its anomaly episodes.
///
/// - deviation: `score = 1 − P(|E| ≥ z′)` with `E` a Student-t (ν = 3) of scale 1.25, for
///   the standardised one-step residual `z = |y − ŷ| / s₁` (`s₁` the calibrated one-step mean
///   absolute error) rescaled by the series' own tail, `z′ = z · 3.98 / q`, where `q` tracks the
///   99.8 % quantile of `z` online (`q ← q · exp(0.1 (1{z > q} − 0.002))`). A residual at the
///   usual 1-in-500 level scores 0.95; the event threshold 0.99 needs `z > 1.83 q`, so false
///   alarms stay rare even for sensors with heavy-tailed noise;
/// - out of range: a value outside `quantity.plausibleRange` scores 1;
/// - stuck: the step value stayed exactly constant (`min = max = previous mean`) for at least
///   6 steps while the forecast expected a cumulative change `|Σ (ŷ − y)| > 4 s₁ √n` (a value
///   the model expects to stay constant is not stuck);
/// - dropout: no reading for `max(3, 3 × typical interval)` steps while other series report;
///   the typical interval is an exponentially weighted mean of the gaps between readings.
///
/// Episodes: open when the score reaches 0.99 (deviation) or the detector fires, update when
/// the score rises, close after 2 consecutive steps below 0.9 (or without the detector firing).
struct SeriesHealth: Sendable, Codable, Hashable {
    static let stuckSteps = 6
    static let openThreshold = 0.99
    static let closeThreshold = 0.9

    let key: SeriesKey
    var lastSeen: Int?
    var typicalInterval = 1.0
    var runValue: Double?
    var runLength = 0
    var expectedMovement = 0.0
    /// Online 99.8 % quantile of the standardised one-step residual.
    var tailQuantile = 4.6
    var episodes: [AnomalyKind: Episode] = [:]

    init(key: SeriesKey) {
        self.key = key
    }

    struct Episode: Sendable, Codable, Hashable {
        var start: Double
        var peak: Double
        var quietSteps: Int
    }

    /// Deviation score of `observed` against forecast `expected` with one-step MAE `scale`,
    /// then learns the residual's tail quantile.
    mutating func scoreDeviation(observed: Double, expected: Double, scale: Double) -> Double {
        let z = abs(observed - expected) / max(1e-12, scale)
        let score = Self.tailScore(z * 3.98 / tailQuantile)
        tailQuantile *= exp(0.1 * ((z > tailQuantile ? 1 : 0) - 0.002))
        tailQuantile = max(2, min(50, tailQuantile))
        return score
    }

    /// `1 − P(|E| ≥ z)` for a Student-t with 3 degrees of freedom and scale 1.25.
    static func tailScore(_ z: Double) -> Double {
        let t = z / 1.25
        // Two-sided tail of Student's t with 3 degrees of freedom, closed form.
        let u = t / 3.0.squareRoot()
        let cdf = 0.5 + (u / (1 + u * u) + atan(u)) / Double.pi
        return max(0, min(1, 2 * cdf - 1))
    }

    /// Updates the stuck run with an observed step value and the expected change into it;
    /// returns whether the series is stuck.
    mutating func updateStuck(value: StepValue, expectedChange: Double?, oneStepScale: Double) -> Bool {
        if value.min == value.max, let runValue, value.mean == runValue {
            runLength += 1
            expectedMovement += expectedChange ?? 0
        } else {
            runValue = value.min == value.max ? value.mean : nil
            runLength = value.min == value.max ? 1 : 0
            expectedMovement = 0
        }
        guard runLength >= Self.stuckSteps else { return false }
        return abs(expectedMovement) > 4 * oneStepScale * Double(runLength).squareRoot()
    }

    /// Updates the dropout tracker at step `index`; returns the steps missed when in dropout.
    mutating func updateDropout(observed: Bool, index: Int) -> Int? {
        guard let lastSeen else {
            if observed { self.lastSeen = index }
            return nil
        }
        let missing = index - lastSeen
        if observed {
            if missing <= max(3, Int((3 * typicalInterval).rounded(.up))) {
                typicalInterval += 0.1 * (Double(missing) - typicalInterval)
            }
            self.lastSeen = index
            return nil
        }
        return missing >= max(3, Int((3 * typicalInterval).rounded(.up))) ? missing : nil
    }

    /// Forgets runs and pretends the series was last seen just before `index` (after a long
    /// gap of the whole twin), so that resuming gives every series its usual grace.
    mutating func resetAfterGap(index: Int) {
        if lastSeen != nil { lastSeen = index - 1 }
        runValue = nil
        runLength = 0
        expectedMovement = 0
    }
}
