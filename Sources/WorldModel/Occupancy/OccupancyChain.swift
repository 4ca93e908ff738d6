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

    /// Learns from the step starting at `time` with presence fraction `fraction` (and people
    /// `count` for counters). When `previousTime` is the immediately preceding step and the
    /// state there is known, the transition is counted in the bin of `previousTime`.
    mutating func observe(
        fraction: Double, count: Double?, at time: Double, transitionFrom previousTime: Double?, clock: LocalClock
    ) {
        let x = max(0, min(1, fraction))
        if let previousTime, let previous = probability {
            countTransition(
                from: previous, to: x, week: clock.halfHourOfWeek(previousTime),
                classBin: Self.classBin(previousTime, clock: clock)
            )
        }
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

    /// Propagates the state one step without an observation (a short gap).
    mutating func predictThrough(stepStart time: Double, clock: LocalClock) {
        guard let pi = probability else { return }
        let (a, b) = transition(at: time, clock: clock)
        probability = pi * b + (1 - pi) * a
        lastCount = nil
    }

    /// Forgets the current state after a long gap (the learned schedule stays).
    mutating func resetState() {
        probability = nil
        lastCount = nil
    }

    /// Occupancy probabilities (and expected counts) of the `horizon` steps after the step
    /// starting at `origin`; starts from the prior of the origin's transition if the state is unknown.
    func forecast(origin: Double, stepSeconds: Double, horizon: Int, clock: LocalClock)
        -> (probability: [Double], count: [Double]?)
    {
        var pi = probability ?? 0
        var probabilities: [Double] = []
        var counts: [Double] = []
        probabilities.reserveCapacity(horizon)
        for h in 1...max(1, horizon) {
            let from = origin + Double(h - 1) * stepSeconds
            let (a, b) = transition(at: from, clock: clock)
            pi = max(0, min(1, pi * b + (1 - pi) * a))
            probabilities.append(pi)
            if isCounter {
                counts.append(pi * occupiedCount(at: from + stepSeconds, lead: Double(h) * stepSeconds, clock: clock))
            }
        }
        return (probabilities, isCounter ? counts : nil)
    }
}
