import Foundation
import UmweltCore

/// Detectors of one series' health and the hysteresis of its anomaly episodes.
///
/// - deviation: `score = 1 − P(|E| ≥ z′)` with `E` a Student-t (ν = 3) of scale 1.25, for
///   the standardised one-step residual `z = |y − ŷ| / s₁` (`s₁` the calibrated one-step mean
///   absolute error) rescaled by the series' own tail, `z′ = z · 3.98 / q`, where `q` tracks the
///   99.8 % quantile of `z` online (`q ← q · exp(0.1 (1{z > q} − 0.002))`). A residual at the
///   usual 1-in-500 level scores 0.95 in every series, whatever its noise; the default event
///   threshold 0.998 (`DetectorSettings`) needs `z > 3.2 q`;
/// - drift: see `SeriesHealth+Drift.swift` (two-sided CUSUM of the standardised residuals);
/// - out of range: a value outside `quantity.plausibleRange` scores 1;
/// - rate of change: `|y[t] − y[t−n]| / (n · step)` above the quantity's physical limit;
/// - stuck: the step value stayed exactly constant (`min = max = previous mean`) for at least
///   `stuckSteps` steps and either the forecast expected a cumulative change
///   `|Σ (ŷ − y)| > 4 s₁ √n`, or the sensor's noise vanished (its readings inside a step were
///   all equal in under 2 % of the steps with 2 or more readings, learned over at least 100),
///   or the run is 4 times longer than any run of this series in the last days (learned; a
///   series that never moved is never stuck);
/// - dropout: no reading for `max(3, k × typical interval)` steps while other series report;
///   the typical interval is an exponentially weighted mean of the gaps between readings.
///
/// Episodes: open when the score reaches the threshold or the detector fires, update when the
/// score rises, close after 2 consecutive steps below 0.9 (or without the detector firing).
struct SeriesHealth: Sendable, Codable, Hashable {
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
    /// State of the detectors added after checkpoint version 1 (decoded when present).
    var memory = Memory()

    init(key: SeriesKey) {
        self.key = key
    }

    struct Episode: Sendable, Codable, Hashable {
        var start: Double
        var peak: Double
        var quietSteps: Int
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(SeriesKey.self, forKey: .key)
        lastSeen = try container.decodeIfPresent(Int.self, forKey: .lastSeen)
        typicalInterval = try container.decode(Double.self, forKey: .typicalInterval)
        runValue = try container.decodeIfPresent(Double.self, forKey: .runValue)
        runLength = try container.decode(Int.self, forKey: .runLength)
        expectedMovement = try container.decode(Double.self, forKey: .expectedMovement)
        tailQuantile = try container.decode(Double.self, forKey: .tailQuantile)
        episodes = try container.decode([AnomalyKind: Episode].self, forKey: .episodes)
        memory = try container.decodeIfPresent(Memory.self, forKey: .memory) ?? Memory()
    }

    /// Deviation score of `observed` against forecast `expected` with one-step MAE `scale`,
    /// then learns the residual's tail quantile.
    mutating func scoreDeviation(observed: Double, expected: Double, scale: Double, index: Int) -> Double {
        let signed = (observed - expected) / max(1e-12, scale)
        let z = abs(signed)
        if memory.surpriseIndex != index - 1 { memory.surprises = [] }
        memory.surprises.append(signed)
        if memory.surprises.count > 3 { memory.surprises.removeFirst() }
        memory.surpriseIndex = index
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
    mutating func updateStuck(value: StepValue, expectedChange: Double?, oneStepScale: Double, stuckSteps: Int)
        -> Bool
    {
        memory.longestRun *= 0.9995
        let isFlat = value.min == value.max
        if isFlat, let runValue, value.mean == runValue {
            runLength += 1
            expectedMovement += expectedChange ?? 0
        } else {
            // A run teaches the share of flat steps once it ends, so that a stuck sensor does not
            // teach that flat is usual while it is being judged; a run long enough to be judged
            // counts as 2 flat steps (one freeze does not make freezing normal, a habit does).
            for _ in 0..<(runLength < stuckSteps ? runLength : 2) { learnFlatShare(1) }
            if !isFlat && value.count >= 2 { learnFlatShare(0) }
            memory.changes = min(memory.changes + 1, 1_000_000)
            memory.longestRun = max(memory.longestRun, Double(runLength))
            runValue = value.min == value.max ? value.mean : nil
            runLength = value.min == value.max ? 1 : 0
            expectedMovement = 0
        }
        guard runLength >= stuckSteps else { return false }
        if abs(expectedMovement) > 4 * oneStepScale * Double(runLength).squareRoot() { return true }
        // A noisy sensor whose noise vanished: its readings inside a step were almost never all
        // equal (under 2 % of at least 100 steps), and now they are for `stuckSteps` steps in a row.
        if value.count >= 2, memory.flatSteps >= 100, memory.flatShare < 0.02 { return true }
        return memory.changes >= 50 && Double(runLength) > 4 * max(memory.longestRun, 1)
    }

    private mutating func learnFlatShare(_ x: Double) {
        memory.flatSteps = min(memory.flatSteps + 1, 1_000_000)
        memory.flatShare += max(0.01, 1 / Double(memory.flatSteps)) * (x - memory.flatShare)
    }

    /// Updates the dropout tracker at step `index`; returns the steps missed when in dropout.
    mutating func updateDropout(observed: Bool, index: Int, intervals: Double) -> Int? {
        guard let lastSeen else {
            if observed { self.lastSeen = index }
            return nil
        }
        let missing = index - lastSeen
        let limit = max(3, Int((intervals * typicalInterval).rounded(.up)))
        if observed {
            if missing <= limit {
                typicalInterval += 0.1 * (Double(missing) - typicalInterval)
            }
            self.lastSeen = index
            return nil
        }
        return missing >= limit ? missing : nil
    }

    /// Remembers an observed step value; returns the fastest plausible change rate exceeded
    /// (per hour), or nil. `maximumPerHour` is the quantity's physical limit (nil: none).
    mutating func updateRate(value: StepValue, index: Int, stepSeconds: Double, maximumPerHour: Double?)
        -> (rate: Double, limit: Double)?
    {
        defer {
            memory.previousValue = value.mean
            memory.previousIndex = index
            memory.recentLevels.append(value.mean)
            if memory.recentLevels.count > 7 { memory.recentLevels.removeFirst() }
        }
        guard let maximumPerHour, let previous = memory.previousValue, let before = memory.previousIndex,
            index > before, index - before <= 3
        else { return nil }
        let hours = Double(index - before) * stepSeconds / 3_600
        let rate = abs(value.mean - previous) / hours
        return rate > maximumPerHour ? (rate, maximumPerHour) : nil
    }

    /// A single reading far outside the step's other readings: the step's range is more than
    /// 20 times its learned typical range (an exponentially weighted mean over at least 100
    /// steps with 3 or more readings; flagged steps do not teach it). Returns the range.
    mutating func updateSpike(value: StepValue) -> Double? {
        guard value.count >= 3 else { return nil }
        let range = value.max - value.min
        let typical = memory.typicalRange
        let isSpike = memory.rangeSteps >= 100 && typical > 0 && range > 20 * typical
        if !isSpike {
            memory.rangeSteps = min(memory.rangeSteps + 1, 1_000_000)
            memory.typicalRange += max(0.01, 1 / Double(memory.rangeSteps)) * (range - typical)
        }
        return isSpike ? range : nil
    }

    /// The fastest change per hour a quantity's step mean can plausibly make indoors.
    static func maximumRatePerHour(_ quantity: Quantity) -> Double? {
        switch quantity {
        case .temperature: 60
        case .humidity: 120
        case .co2: 20_000
        default: nil
        }
    }

    /// Forgets runs and pretends the series was last seen just before `index` (after a long
    /// gap of the whole twin), so that resuming gives every series its usual grace.
    mutating func resetAfterGap(index: Int) {
        if lastSeen != nil { lastSeen = index - 1 }
        runValue = nil
        runLength = 0
        expectedMovement = 0
        memory.previousValue = nil
        memory.previousIndex = nil
        memory.recentLevels = []
        memory.cusumHigh = 0
        memory.cusumLow = 0
        memory.conditionRun = 0
    }
}
