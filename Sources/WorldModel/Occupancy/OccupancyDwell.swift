import Foundation

/// How long a zone has been in its current presence state, and how that time changes the
/// chance of leaving it: a proportional-hazards correction of the time-of-week chain.
///
/// Dwell bins `d`: edges at 15 and 30 min, 1, 1.5, 2, 3 and 5 h (meetings and lectures end on
/// such marks; a day's stay ends after many hours). For state `s` (empty 0,
/// occupied 1) in bin `d`, the probability of leaving the state in a step whose time-of-week
/// leaving probability is `q_k` (`a_k` from empty, `1 − b_k` from occupied) is
///
///     q'_{s,d,k} = min(r_{s,d} q_k, max(q_k, q_max)),
///     r_{s,d} = (O_{s,d} + κ r_{s,g(d)}) / (E_{s,d} + κ),   r_{s,g} = (O_{s,g} + κ) / (E_{s,g} + κ)
///
/// with `O` the observed departures from the state in that bin, `E = Σ q_k` the departures the
/// time-of-week chain expected there (both discounted), and `κ` pseudo-departures that shrink
/// a bin's ratio to its group's `g(d)` (under 15 min, 15–60 min, 1–3 h, over 3 h), and the
/// group's to 1, the plain time-of-week transition, until they have been seen. A meeting
/// room whose meetings last an hour learns `r < 1` in its first quarter hour and `r > 1` after
/// an hour; an office whose people stay all day learns ratios near 1.
struct OccupancyDwell: Sendable, Codable, Hashable {
    /// Upper edges of the dwell bins, seconds (the last bin is open).
    static let binEdges: [Double] = [900, 1_800, 3_600, 5_400, 7_200, 10_800, 18_000]
    static let binCount = 8
    /// The group `g(d)` of each bin.
    static let binGroup = [0, 1, 1, 2, 2, 2, 3, 3]
    static let groupCount = 4
    /// Pseudo-departures of the prior ratio 1.
    static let priorDepartures = 3.0
    /// Memory of the counts, seconds spent in the state: each step in it discounts the state's
    /// counts by `exp(−step / memory)` (about 42 h, two weeks of a busy room's meetings), so the
    /// ratios follow a change of habits.
    static let memorySeconds = 150_000.0
    /// Upper bound of a raised leaving probability, so no state becomes certain to end.
    static let maximumLeave = 0.95

    /// The state the clock counts (nil: unknown, after a gap or before the first reading).
    var isOccupied: Bool?
    /// Seconds spent in that state at the end of the latest step.
    var seconds = 0.0
    /// Per state × bin: observed departures, expected departures.
    var counts = [Double](repeating: 0, count: 2 * binCount * 2)

    /// The dwell bin of `seconds` in a state.
    static func bin(_ seconds: Double) -> Int {
        var d = 0
        while d < binEdges.count && seconds >= binEdges[d] { d += 1 }
        return d
    }

    /// Width of bin `d` in seconds (infinite for the last).
    static func width(_ d: Int) -> Double {
        guard d < binEdges.count else { return .infinity }
        return binEdges[d] - (d > 0 ? binEdges[d - 1] : 0)
    }

    /// The learned hazard ratios `r_{s,d}`, index `s · binCount + d` (all 1 before learning).
    func ratios() -> [Double] {
        let kappa = Self.priorDepartures
        var table = [Double](repeating: 1, count: 2 * Self.binCount)
        guard counts.count == 4 * Self.binCount else { return table }
        for s in 0..<2 {
            var observed = [Double](repeating: 0, count: Self.groupCount)
            var expected = observed
            for d in 0..<Self.binCount {
                let i = (s * Self.binCount + d) * 2
                observed[Self.binGroup[d]] += counts[i]
                expected[Self.binGroup[d]] += counts[i + 1]
            }
            for d in 0..<Self.binCount {
                let g = Self.binGroup[d]
                let group = (observed[g] + kappa) / (expected[g] + kappa)
                let i = (s * Self.binCount + d) * 2
                table[s * Self.binCount + d] = (counts[i] + kappa * group) / (counts[i + 1] + kappa)
            }
        }
        return table
    }

    /// The learned hazard ratio `r_{s,d}`.
    func ratio(occupied: Bool, bin d: Int) -> Double {
        ratios()[(occupied ? 1 : 0) * Self.binCount + d]
    }

    /// The leaving probability given the time-of-week one `q` and a hazard ratio `r`.
    static func leave(base q: Double, ratio r: Double) -> Double {
        let q = max(0, min(1, q))
        return min(q * r, max(q, maximumLeave))
    }

    /// Learns from one step of `stepSeconds`: the clock's state (with its dwell at the step's
    /// start) was left (`hasLeft`) or kept, where the time-of-week chain expected to leave with
    /// probability `q`.
    mutating func learn(hasLeft: Bool, expectedLeave q: Double, stepSeconds: Double) {
        guard let isOccupied else { return }
        let s = isOccupied ? 1 : 0
        if counts.count != 4 * Self.binCount { counts = [Double](repeating: 0, count: 4 * Self.binCount) }
        let decay = exp(-max(0, stepSeconds) / Self.memorySeconds)
        for d in 0..<Self.binCount {
            let i = (s * Self.binCount + d) * 2
            counts[i] *= decay
            counts[i + 1] *= decay
        }
        let i = (s * Self.binCount + Self.bin(seconds)) * 2
        counts[i] += hasLeft ? 1 : 0
        counts[i + 1] += max(0, min(1, q))
    }

    /// Moves the clock to the end of a step of `stepSeconds` that ended in state `occupied`
    /// and was occupied for `fraction` of its time: the same state adds the step; a new state
    /// has lasted the part of the step spent in it.
    mutating func advance(endingOccupied occupied: Bool, fraction: Double, stepSeconds: Double) {
        if isOccupied == occupied {
            seconds += stepSeconds
        } else {
            let share = occupied ? fraction : 1 - fraction
            isOccupied = occupied
            seconds = max(0, min(1, share)) * stepSeconds
        }
    }

    /// Forgets the state (the learned ratios stay).
    mutating func reset() {
        isOccupied = nil
        seconds = 0
    }
}
