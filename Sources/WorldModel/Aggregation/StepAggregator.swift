import UmweltCore

/// Bins readings into half-open steps `[k·step, (k+1)·step)` aligned to the Unix epoch and
/// hands out closed steps in order.
///
/// Several steps may be open at once, so readings of different topics may arrive slightly out
/// of order. Step `k` closes when the data time reaches `(k+1)·step + grace`; a reading of a
/// closed step is late. Memory: the open steps only (readings of one step are folded into a
/// running mean, count, min, max and latest value per series).
struct StepAggregator: Sendable, Codable, Hashable {
    let stepSeconds: Double
    let graceSeconds: Double
    /// Every step with index <= this is closed.
    private(set) var closedThrough: Int?
    /// Open steps by index, in ascending order.
    private var open: [OpenStep] = []

    init(stepSeconds: Double, graceSeconds: Double) {
        self.stepSeconds = stepSeconds
        self.graceSeconds = graceSeconds
    }

    /// Index of the step containing `time`.
    func index(of time: Double) -> Int {
        Int((time / stepSeconds).rounded(.down))
    }

    /// Folds `reading` into its step, or reports the closed step it belonged to.
    mutating func add(_ reading: Reading, key: SeriesKey) -> IngestOutcome {
        let k = index(of: reading.time)
        if let closedThrough, k <= closedThrough {
            return .late(stepStart: Double(k) * stepSeconds)
        }
        var position = open.count
        while position > 0 && open[position - 1].index > k { position -= 1 }
        if position > 0 && open[position - 1].index == k {
            open[position - 1].add(reading, key: key)
        } else {
            var step = OpenStep(index: k)
            // Room for as many series as the step before: no rehashing while the step fills.
            step.reserve(open.last?.seriesCount ?? 0)
            step.add(reading, key: key)
            open.insert(step, at: position)
        }
        return .accepted
    }

    /// Closes and returns, in order, every open step whose end + grace <= `time`.
    mutating func close(upTo time: Double) -> [ClosedStep] {
        let through = index(of: time - graceSeconds) - 1
        guard closedThrough.map({ through > $0 }) ?? true else { return [] }
        closedThrough = through
        var closed: [ClosedStep] = []
        while let first = open.first, first.index <= through {
            closed.append(first.closed(stepSeconds: stepSeconds))
            open.removeFirst()
        }
        return closed
    }

    /// Marks the step `index` and everything before it closed (a replayed step).
    mutating func markClosed(through index: Int) {
        if closedThrough.map({ index > $0 }) ?? true { closedThrough = index }
        open.removeAll { $0.index <= index }
    }
}

/// The running aggregates of one open step.
struct OpenStep: Sendable, Codable, Hashable {
    let index: Int
    private(set) var series: [SeriesKey: Accumulator] = [:]

    init(index: Int) {
        self.index = index
    }

    mutating func add(_ reading: Reading, key: SeriesKey) {
        series[key, default: Accumulator()].add(reading.value, at: reading.time)
    }

    var seriesCount: Int { series.count }

    mutating func reserve(_ count: Int) {
        series.reserveCapacity(count)
    }

    func closed(stepSeconds: Double) -> ClosedStep {
        ClosedStep(start: Double(index) * stepSeconds, values: series.mapValues(\.value))
    }
}

/// Sum, count, extremes and the latest value of the readings of one series in one step.
struct Accumulator: Sendable, Codable, Hashable {
    var sum = 0.0
    var count = 0
    var minimum = Double.greatestFiniteMagnitude
    var maximum = -Double.greatestFiniteMagnitude
    var last = 0.0
    var lastTime = -Double.greatestFiniteMagnitude

    mutating func add(_ value: Double, at time: Double) {
        sum += value
        count += 1
        minimum = min(minimum, value)
        maximum = max(maximum, value)
        if time >= lastTime {
            last = value
            lastTime = time
        }
    }

    var value: StepValue {
        StepValue(mean: sum / Double(max(1, count)), count: count, min: minimum, max: maximum, last: last)
    }
}
