import Foundation

/// Presence of people in one zone as a time-of-week inhomogeneous two-state Markov chain.
///
/// States: empty (0) and occupied (1). For each half-hour of the local week `k` (336 bins)
/// the chain has `a_k = P(occupied next step | empty now)` and `b_k = P(occupied next step |
/// occupied now)`, each a Beta posterior over discounted transition counts. Sparse bins borrow
/// strength hierarchically: a bin's estimate shrinks towards the day class's (workday or
/// weekend; the bin and half its two neighbours), which shrinks towards the global rate:
///
///     a_class = (n¹_class + 2 a_global) / (n_class + 2),   a_k = (n¹_k + 24 a_class) / (n_k + 24)
///
/// Observed presence fractions `x ∈ [0,1]` (a presence sensor's share of occupied time, or
/// `count ≥ 0.5`) give soft transition counts: from `x[t]` to `x[t+1]`, `1 − x[t]` of a count
/// from empty and `x[t]` from occupied, each with `x[t+1]` occupied. Visited bins' counts are
/// discounted by 0.99 per visit, so the schedule can change. Forecast by propagation:
///
///     π[t+1] = π[t] b_k + (1 − π[t]) a_k
///
/// The state is the one at the end of the latest step (its latest reading), so a meeting that
/// began mid-step starts the forecast as occupied, not half. Propagation goes over (state, time
/// spent in it): `OccupancyDwell` scales the time-of-week leaving probabilities by a learned
/// hazard ratio per dwell bin (`forecast(origin:stepSeconds:horizon:clock:)`).
///
/// For people counters the mean count while occupied is tracked per class and half-hour, and
/// the expected count is `π × count while occupied`, the latest count fading into the mean
/// (`occupiedCount(at:lead:clock:)`).
struct OccupancyChain: Sendable, Codable, Hashable {
    static let decay = 0.99
    /// Pseudo-transitions of the day-class estimate in a week bin: 24, four weeks of a
    /// half-hour's transitions at 5-minute steps, so a weekday's own schedule takes over only
    /// after it has been seen for a few weeks (one odd Tuesday is no Tuesday schedule).
    static let weekBinPrior = 24.0

    let zone: String
    let isCounter: Bool
    /// Probability that the zone is occupied in the latest step (observed or predicted).
    private(set) var probability: Double?
    /// The latest observed people count (counters only).
    private(set) var lastCount: Double?
    /// Index of the latest step with an observation.
    var lastObservedIndex: Int?
    /// Per week bin: [from empty: occupied, total, from occupied: occupied, total].
    private var weekCounts: [Double]
    /// Per class (workday, weekend) × half-hour, same layout.
    private var classCounts: [Double]
    private var globalCounts: [Double]
    /// Per class × half-hour: mean count while occupied; and its weight.
    private var occupiedCount: [Double]
    private var occupiedWeight: [Double]
    /// Time in the current state and the learned hazard ratios (nil in checkpoints before them).
    private var dwellState: OccupancyDwell?
    /// Length of the steps observed, seconds (nil in checkpoints before it).
    private var stepSeconds: Double?

    /// The dwell clock and hazard ratios.
    var dwell: OccupancyDwell { dwellState ?? OccupancyDwell() }

    init(zone: String, isCounter: Bool) {
        self.zone = zone
        self.isCounter = isCounter
        weekCounts = Array(repeating: 0, count: 336 * 4)
        classCounts = Array(repeating: 0, count: 96 * 4)
        globalCounts = [0, 0, 0, 0]
        occupiedCount = Array(repeating: 0, count: 96)
        occupiedWeight = Array(repeating: 0, count: 96)
    }

    private static func classBin(_ time: Double, clock: LocalClock) -> Int {
        (clock.weekday(time) >= 5 ? 48 : 0) + min(47, Int(clock.dayFraction(time) * 48))
    }

    /// Learns from the step starting at `time` with presence fraction `fraction`, presence
    /// `last` at its end (its latest reading; `fraction` when nil) and people `count` for
    /// counters. When `previousTime` is the immediately preceding step and the state there is
    /// known, the transition between the two steps' end states is counted in the bin of
    /// `previousTime`, and the dwell clock's departure or stay in its hazard ratios.
    mutating func observe(
        fraction: Double, last: Double? = nil, count: Double?, at time: Double, stepSeconds: Double? = nil,
        transitionFrom previousTime: Double?, clock: LocalClock
    ) {
        let f = max(0, min(1, fraction))
        let x = max(0, min(1, last ?? fraction))
        let step = stepSeconds ?? previousTime.map { time - $0 } ?? self.stepSeconds ?? 300
        self.stepSeconds = step
        var clockState = dwell
        if let previousTime, let previous = probability {
            if let isOccupied = clockState.isOccupied {
                let (a, b) = transition(at: previousTime, clock: clock)
                clockState.learn(
                    hasLeft: (x >= 0.5) != isOccupied, expectedLeave: isOccupied ? 1 - b : a, stepSeconds: step)
            }
            countTransition(
                from: previous, to: x, week: clock.halfHourOfWeek(previousTime),
                classBin: Self.classBin(previousTime, clock: clock)
            )
        } else {
            clockState.reset()
        }
        clockState.advance(endingOccupied: x >= 0.5, fraction: f, stepSeconds: step)
        dwellState = clockState
        probability = x
        if isCounter, let count {
            lastCount = count
            if count >= 0.5 {
                let bin = Self.classBin(time, clock: clock)
                occupiedWeight[bin] = min(occupiedWeight[bin] + 1, 200)
                occupiedCount[bin] += (count - occupiedCount[bin]) / occupiedWeight[bin]
            }
        }
    }

    private mutating func countTransition(from previous: Double, to next: Double, week: Int, classBin: Int) {
        for i in 0..<4 {
            weekCounts[week * 4 + i] *= Self.decay
            classCounts[classBin * 4 + i] *= Self.decay
            globalCounts[i] *= 0.999
        }
        let fromEmpty = 1 - previous
        let fromOccupied = previous
        weekCounts[week * 4 + 0] += fromEmpty * next
        weekCounts[week * 4 + 1] += fromEmpty
        weekCounts[week * 4 + 2] += fromOccupied * next
        weekCounts[week * 4 + 3] += fromOccupied
        classCounts[classBin * 4 + 0] += fromEmpty * next
        classCounts[classBin * 4 + 1] += fromEmpty
        classCounts[classBin * 4 + 2] += fromOccupied * next
        classCounts[classBin * 4 + 3] += fromOccupied
        globalCounts[0] += fromEmpty * next
        globalCounts[1] += fromEmpty
        globalCounts[2] += fromOccupied * next
        globalCounts[3] += fromOccupied
    }

    /// `(a, b)` of the step starting at `time`.
    func transition(at time: Double, clock: LocalClock) -> (arrive: Double, stay: Double) {
        let week = clock.halfHourOfWeek(time)
        let classBin = Self.classBin(time, clock: clock)
        let base = classBin >= 48 ? 48 : 0
        let within = classBin - base
        func pooledClass(_ i: Int) -> Double {
            var sum = classCounts[classBin * 4 + i]
            if within > 0 { sum += 0.5 * classCounts[(classBin - 1) * 4 + i] }
            if within < 47 { sum += 0.5 * classCounts[(classBin + 1) * 4 + i] }
            return sum
        }
        let globalArrive = (globalCounts[0] + 0.1) / (globalCounts[1] + 1)
        let globalStay = (globalCounts[2] + 0.9) / (globalCounts[3] + 1)
        let classArrive = (pooledClass(0) + 2 * globalArrive) / (pooledClass(1) + 2)
        let classStay = (pooledClass(2) + 2 * globalStay) / (pooledClass(3) + 2)
        let prior = Self.weekBinPrior
        let arrive = (weekCounts[week * 4 + 0] + prior * classArrive) / (weekCounts[week * 4 + 1] + prior)
        let stay = (weekCounts[week * 4 + 2] + prior * classStay) / (weekCounts[week * 4 + 3] + prior)
        return (arrive, stay)
    }

    /// Mean people count while occupied at `time` (counters only).
    func meanOccupiedCount(at time: Double, clock: LocalClock) -> Double {
        let bin = Self.classBin(time, clock: clock)
        var weight = 0.0
        var total = 0.0
        for i in occupiedWeight.indices {
            weight += occupiedWeight[i]
            total += occupiedWeight[i] * occupiedCount[i]
        }
        let overall = weight > 0 ? total / weight : 1
        let w = occupiedWeight[bin]
        return (w * occupiedCount[bin] + 2 * overall) / (w + 2)
    }

    /// Memory of the latest count while the zone stays occupied: the same group is likely
    /// still there an hour later, the schedule's typical count takes over after a few hours.
    static let countPersistenceSeconds = 7_200.0

    /// Expected people count while occupied at `time`, `lead` seconds after the latest step:
    /// `ω c_last + (1 − ω) c̄(time)`, `ω = exp(−lead / 2 h)`, where the latest step was occupied
    /// with `c_last` people; the typical count `c̄` otherwise.
    func occupiedCount(at time: Double, lead: Double, clock: LocalClock) -> Double {
        let typical = meanOccupiedCount(at: time, clock: clock)
        guard let lastCount, lastCount >= 0.5 else { return typical }
        let omega = exp(-max(0, lead) / Self.countPersistenceSeconds)
        return omega * lastCount + (1 - omega) * typical
    }

    /// Propagates the state one step without an observation (a short gap); the dwell clock
    /// keeps counting its state.
    mutating func predictThrough(stepStart time: Double, clock: LocalClock) {
        guard probability != nil else { return }
        let step = stepSeconds ?? 300
        probability = forecast(origin: time, stepSeconds: step, horizon: 1, clock: clock).probability[0]
        if dwellState?.isOccupied != nil { dwellState?.seconds += step }
        lastCount = nil
    }

    /// Forgets the current state after a long gap (the learned schedule stays).
    mutating func resetState() {
        probability = nil
        lastCount = nil
        dwellState?.reset()
    }

    /// Occupancy probabilities (and expected counts) of the `horizon` steps after the step
    /// starting at `origin`; starts from the prior of the origin's transition if the state is unknown.
    ///
    /// Propagates a distribution over (state, dwell bin): the current state's mass keeps its
    /// exact dwell while it stays; mass entering a state starts in bin 0 and moves to the next
    /// bin with probability `step / width` per step. Leaving probabilities are
    /// `OccupancyDwell.leave(base:ratio:)` of the step's time-of-week `a_k`, `1 − b_k`.
    func forecast(origin: Double, stepSeconds: Double, horizon: Int, clock: LocalClock)
        -> (probability: [Double], count: [Double]?)
    {
        let dwell = self.dwell
        let ratios = dwell.ratios()
        let pi = probability ?? 0
        let bins = OccupancyDwell.binCount
        // Mass that entered a state during the forecast, per state × bin.
        var entered = [Double](repeating: 0, count: 2 * bins)
        var next = entered
        // Mass of the current state (exact dwell `cohortSeconds`; unknown: ratio 1), per state.
        var cohort = [1 - pi, pi]
        var cohortSeconds = dwell.seconds
        let knownDwell = probability != nil && dwell.isOccupied != nil
        if knownDwell, let isOccupied = dwell.isOccupied {
            let s = isOccupied ? 1 : 0
            entered[(1 - s) * bins] = cohort[1 - s]
            cohort[1 - s] = 0
        }
        let advance = (0..<bins).map { min(1, stepSeconds / OccupancyDwell.width($0)) }
        var probabilities: [Double] = []
        var counts: [Double] = []
        probabilities.reserveCapacity(horizon)
        for h in 1...max(1, horizon) {
            let from = origin + Double(h - 1) * stepSeconds
            let (a, b) = transition(at: from, clock: clock)
            let base = (empty: a, occupied: 1 - b)
            for i in next.indices { next[i] = 0 }
            for s in 0..<2 {
                for d in 0..<bins {
                    let mass = entered[s * bins + d]
                    guard mass > 0 else { continue }
                    let q = s == 0 ? base.empty : base.occupied
                    let leave = OccupancyDwell.leave(base: q, ratio: ratios[s * bins + d])
                    next[(1 - s) * bins] += mass * leave
                    let stay = mass * (1 - leave)
                    if d + 1 < bins {
                        next[s * bins + d + 1] += stay * advance[d]
                        next[s * bins + d] += stay * (1 - advance[d])
                    } else {
                        next[s * bins + d] += stay
                    }
                }
            }
            let bin = OccupancyDwell.bin(cohortSeconds)
            for s in 0..<2 where cohort[s] > 0 {
                let q = s == 0 ? base.empty : base.occupied
                let leave = knownDwell ? OccupancyDwell.leave(base: q, ratio: ratios[s * bins + bin]) : q
                let leaving = cohort[s] * leave
                next[(1 - s) * bins] += leaving
                cohort[s] -= leaving
            }
            cohortSeconds += stepSeconds
            swap(&entered, &next)
            var occupied = cohort[1]
            for d in 0..<bins { occupied += entered[bins + d] }
            let p = max(0, min(1, occupied))
            probabilities.append(p)
            if isCounter {
                counts.append(p * occupiedCount(at: from + stepSeconds, lead: Double(h) * stepSeconds, clock: clock))
            }
        }
        return (probabilities, isCounter ? counts : nil)
    }
}
