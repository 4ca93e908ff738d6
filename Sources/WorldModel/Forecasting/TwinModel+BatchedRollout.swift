import UmweltCore

/// What one column of a batched rollout changes: resolved scenario overrides.
struct RolloutColumn: Sendable, Hashable {
    /// What an override acts on: an input, an occupancy chain or a (typically outdoor) dynamic series.
    enum Target: Sendable, Hashable {
        case input(Int)
        case occupancy(Int)
        case series(Int)
    }

    struct Change: Sendable, Hashable {
        var target: Target
        var override: ScenarioOverride
    }

    var changes: [Change] = []

    static let baseline = RolloutColumn()
}

/// What drives every column of a rollout from one origin alike: the inputs' forecasts (flat,
/// step-major, NaN unknown), the occupancy chains' forecasts and the local time of each step.
/// Computed once and shared by the forecast and scenario rollouts of one answer.
struct RolloutDrivers: Sendable {
    var originIndex: Int
    /// `inputs[(h − 1) × inputCount + j]`: input `j` at the step of horizon `h` (h = 1: the
    /// origin step, the latest values).
    var inputs: [Double]
    var occupancy: [(probability: [Double], count: [Double]?)]
    var dayFractions: [Double]
}

/// The paths of one column of a batched rollout.
struct Rollout: Sendable {
    /// Per dynamic series: the model's level at horizons 1...H, nil when the level is unknown.
    var paths: [[Double]?]
    /// Per occupancy chain: probability (and expected count) at horizons 1...H.
    var occupancy: [(probability: [Double], count: [Double]?)]
    /// Per input: the value used at the step of each horizon (h = 1: the origin step).
    var inputs: [[Double?]]
}

extension TwinModel {
    /// Rolls the learned one-step dynamics of all series forward from step `originIndex` for
    /// several columns at once (baseline and scenarios), feeding back their own predictions
    /// (neighbours and outdoor series couple the zones):
    ///
    ///     y_i[t+h] = y_i[t+h−1] + s_i θ_iᵀ φ_i(ŷ[t+h−1], û[t+h−1], π̂[t+h−1], time)
    ///
    /// Future inputs `û` come from each input's profile blended with persistence
    /// (`InputProfile`), future occupancy `π̂` from the occupancy chains; each column then applies
    /// its overrides to them (`apply`), and closes its thermostat `loops` (`ControlLoop`). Per
    /// series and step the features of all B columns form one row-major n_i×B matrix Φ and
    /// `Δ = θ_iᵀ Φ` is one BLAS gemm (`BLAS.gemm`, which multiplies small products in place), so
    /// every column gets exactly the same arithmetic: a column without overrides equals the
    /// baseline bit for bit. Column 0 must be the baseline (overrides of dynamic series transform
    /// its values). `coefficients[i]` replaces θ_i (the raw RLS estimates for forecasts,
    /// physically signed ones for scenarios).
    ///
    /// The state of all columns is flat (`[Double]`, NaN for unknown) and the features are a
    /// compiled `FeatureProgram`, so a step allocates nothing. Cost O(H × B × Σ features).
    func rollout(
        originIndex k: Int, coefficients: [[Double]], columns: [RolloutColumn], loops: [ControlLoop] = [],
        drivers: RolloutDrivers? = nil
    ) -> [Rollout] {
        precondition(!columns.isEmpty && columns[0].changes.isEmpty, "column 0 is the baseline")
        let horizon = configuration.horizonSteps
        let width = columns.count
        let origin = Double(k) * stepSeconds
        let drivers = drivers.flatMap { $0.originIndex == k ? $0 : nil } ?? rolloutDrivers(originIndex: k)
        let occupancy = drivers.occupancy
        let program = FeatureProgram(terms: dynamics.map(\.terms))
        let seriesCount = dynamics.count
        let inputCount = inputs.count
        let chainCount = chains.count
        let current = currentSnapshot(index: k)
        let known = dynamics.map { $0.level != nil }
        let references = dynamics.map(\.reference)
        let scales = dynamics.map(\.scale)
        let ranges = dynamics.map { $0.key.quantity.possibleRange }
        let inputRanges = inputs.map { $0.key.quantity.possibleRange }
        // Flat state, column-major blocks: column b's values start at b × count. Buffers of this
        // call only (freed on return), so the step loop reads and writes them without copies.
        func buffer(_ count: Int, _ value: Double) -> UnsafeMutableBufferPointer<Double> {
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(count, 1))
            buffer.initialize(repeating: value)
            return buffer
        }
        var levels = buffer(width * seriesCount, .nan)
        let inputValues = buffer(width * inputCount, .nan)
        let occupancyValues = buffer(width * max(chainCount, 1), .nan)
        let changes = buffer(width * seriesCount, 0)
        var next = buffer(width * seriesCount, .nan)
        // Paths and input paths, [b][i][h] flattened as ((b × count + i) × H + h).
        let paths = buffer(width * seriesCount * horizon, .nan)
        let inputPaths = buffer(width * inputCount * horizon, .nan)
        // One features matrix, reused by every series (the largest n_i × B), and the
        // coefficients of all series one after the other (series i's start at program.start[i]).
        let termCounts = (0..<seriesCount).map { program.start[$0 + 1] - program.start[$0] }
        let features = buffer((termCounts.max() ?? 0) * width, 0)
        let theta = buffer(program.start[seriesCount], 0)
        let delta = buffer(width, 0)
        defer {
            for scratch in [
                levels, inputValues, occupancyValues, changes, next, paths, inputPaths, features, theta, delta,
            ] {
                scratch.deallocate()
            }
        }
        for b in 0..<width {
            for i in 0..<seriesCount {
                levels[b * seriesCount + i] = current.levels[i] ?? .nan
                changes[b * seriesCount + i] = dynamics[i].change
            }
            for j in 0..<inputCount { inputValues[b * inputCount + j] = current.inputs[j] ?? .nan }
            for c in 0..<chainCount { occupancyValues[b * chainCount + c] = current.occupancy[c] ?? .nan }
        }
        for i in 0..<seriesCount {
            precondition(coefficients[i].count == termCounts[i], "one coefficient per feature term")
            for f in 0..<termCounts[i] { theta[program.start[i] + f] = coefficients[i][f] }
        }
        var trigonometry = [Double](repeating: 0, count: max(2 * program.harmonics, 1))
        program.trigonometry(dayFraction: current.dayFraction, into: &trigonometry)
        var loopOfSeries = [Int](repeating: -1, count: seriesCount)
        for (n, loop) in loops.enumerated() { loopOfSeries[loop.series] = n }
        let gains = loops.map { $0.gainTerms(dynamics[$0.series].terms) }
        // A column that sets a loop's level itself keeps it (the valve is forced, not controlled).
        let isControlled = columns.map { column in
            loops.map { loop in
                !column.changes.contains { change in
                    if case .input(let j) = change.target { return j == loop.level }
                    return false
                }
            }
        }
        let occupancyStride = max(chainCount, 1)
        for h in 1...horizon {
            let time = origin + Double(h - 1) * stepSeconds
            if h > 1 {
                for j in 0..<inputCount {
                    let value = drivers.inputs[(h - 1) * inputCount + j]
                    for b in 0..<width { inputValues[b * inputCount + j] = value }
                }
                for c in 0..<chainCount {
                    let value = occupancy[c].count?[h - 2] ?? occupancy[c].probability[h - 2]
                    for b in 0..<width { occupancyValues[b * chainCount + c] = value }
                }
                program.trigonometry(dayFraction: drivers.dayFractions[h - 1], into: &trigonometry)
            }
            for b in 1..<max(1, width) where !columns[b].changes.isEmpty {
                apply(
                    columns[b], column: b, inputs: inputValues, occupancy: occupancyValues, levels: levels, at: time,
                    ranges: inputRanges)
            }
            for b in 0..<width {
                for j in 0..<inputCount {
                    inputPaths[(b * inputCount + j) * horizon + h - 1] = inputValues[b * inputCount + j]
                }
            }
            trigonometry.withUnsafeBufferPointer { trigonometry in
                for i in 0..<seriesCount where known[i] {
                    let first = program.start[i]
                    let scale = scales[i]
                    // Term by term, every column: one operation at a time.
                    for f in 0..<termCounts[i] {
                        for b in 0..<width {
                            features[f * width + b] = program.value(
                                first + f, y: levels[b * seriesCount + i], reference: references[i], scale: scale,
                                change: changes[b * seriesCount + i], levels: levels.baseAddress! + b * seriesCount,
                                inputs: inputValues.baseAddress! + b * inputCount,
                                occupancy: occupancyValues.baseAddress! + b * occupancyStride,
                                trigonometry: trigonometry.baseAddress!)
                        }
                    }
                    BLAS.gemm(
                        m: 1, n: width, k: termCounts[i], a: theta.baseAddress! + first, b: features.baseAddress!,
                        c: delta.baseAddress!)
                    if loopOfSeries[i] >= 0 {
                        let l = loopOfSeries[i]
                        // Column 0, the baseline, keeps its valve forecast (opened where the zone
                        // would fall below its setpoint); scenarios move from it.
                        let reference = loops[l].reference(
                            gain: gains[l], delta: &delta[0], theta: theta.baseAddress! + first, y: levels[i],
                            scale: scale, levels: levels.baseAddress!, inputs: inputValues.baseAddress!,
                            inputPath: inputPaths.baseAddress! + loops[l].level * horizon + h - 1)
                        for b in 1..<max(1, width) where isControlled[b][l] {
                            loops[l].close(
                                gain: gains[l], delta: &delta[b], theta: theta.baseAddress! + first,
                                y: levels[b * seriesCount + i], scale: scale,
                                levels: levels.baseAddress! + b * seriesCount,
                                inputs: inputValues.baseAddress! + b * inputCount, baseline: reference,
                                inputPath: inputPaths.baseAddress! + (b * inputCount + loops[l].level) * horizon + h - 1
                            )
                        }
                    }
                    let range = ranges[i]
                    let limit = 2 * scale
                    for b in 0..<width {
                        let y = levels[b * seriesCount + i]
                        let change = max(-limit, min(limit, delta[b] * scale))
                        let value = max(range.lowerBound, min(range.upperBound, y + change))
                        next[b * seriesCount + i] = value
                        changes[b * seriesCount + i] = value - y
                        paths[(b * seriesCount + i) * horizon + h - 1] = value
                    }
                }
            }
            swap(&levels, &next)
            // Unknown series hold their latest value (an override of one lasts for its step only).
            for b in 0..<width {
                for i in 0..<seriesCount where !known[i] { levels[b * seriesCount + i] = current.levels[i] ?? .nan }
            }
        }
        return (0..<width).map { b in
            var columnPaths: [[Double]?] = (0..<seriesCount).map { i in
                guard known[i] else { return nil }
                let base = (b * seriesCount + i) * horizon
                return Array(paths[base..<(base + horizon)])
            }
            for change in columns[b].changes {
                guard case .series(let i) = change.target, known[i] else { continue }
                for h in 1...horizon {
                    let time = origin + Double(h) * stepSeconds
                    guard change.override.isActive(at: time) else { continue }
                    let base = paths[i * horizon + h - 1]
                    columnPaths[i]?[h - 1] = clampLevel(i, change.override.action.apply(to: base, at: time) ?? base)
                }
            }
            return Rollout(
                paths: columnPaths,
                occupancy: occupancy,
                inputs: (0..<inputCount).map { j in
                    let base = (b * inputCount + j) * horizon
                    return Self.optionals(inputPaths[base..<(base + horizon)])
                }
            )
        }
    }

    /// The drivers of a rollout from step `originIndex` (`RolloutDrivers`).
    func rolloutDrivers(originIndex k: Int) -> RolloutDrivers {
        let horizon = configuration.horizonSteps
        let origin = Double(k) * stepSeconds
        var values = [Double](repeating: .nan, count: horizon * inputs.count)
        var dayFractions = [Double](repeating: 0, count: horizon)
        dayFractions[0] = clock.dayFraction(origin)
        for j in inputs.indices { values[j] = inputs[j].last ?? .nan }
        for h in 2..<max(2, horizon + 1) {
            let time = origin + Double(h - 1) * stepSeconds
            let lead = Double(h - 1) * stepSeconds
            dayFractions[h - 1] = clock.dayFraction(time)
            for j in inputs.indices {
                values[(h - 1) * inputs.count + j] = inputs[j].forecast(at: time, lead: lead, clock: clock) ?? .nan
            }
        }
        return RolloutDrivers(
            originIndex: k, inputs: values,
            occupancy: chains.map { chain in
                chain.forecast(origin: origin, stepSeconds: stepSeconds, horizon: horizon, clock: clock)
            },
            dayFractions: dayFractions)
    }

    private static func optionals(_ values: Slice<UnsafeMutableBufferPointer<Double>>) -> [Double?] {
        values.map { $0.isNaN ? nil : $0 }
    }

    /// Applies column `b`'s overrides to its state for the step starting at `start`, each by
    /// its coverage of the interval the step's inputs act over
    /// (`ScenarioOverride.coverage(ofStepStarting:stepSeconds:)`).
    private func apply(
        _ column: RolloutColumn, column b: Int, inputs: UnsafeMutableBufferPointer<Double>,
        occupancy: UnsafeMutableBufferPointer<Double>, levels: UnsafeMutableBufferPointer<Double>, at start: Double,
        ranges: [ClosedRange<Double>]
    ) {
        let inputCount = self.inputs.count
        let chainCount = max(chains.count, 1)
        let seriesCount = dynamics.count
        for change in column.changes {
            let (weight, time) = change.override.coverage(ofStepStarting: start, stepSeconds: stepSeconds)
            guard weight > 0 else { continue }
            let action = change.override.action
            func blend(_ base: Double?) -> Double? {
                guard let changed = action.apply(to: base, at: time) else { return base }
                guard let base, weight < 1 else { return changed }
                return base + weight * (changed - base)
            }
            switch change.target {
            case .input(let j):
                let index = b * inputCount + j
                let base = inputs[index]
                if let value = blend(base.isNaN ? nil : base) {
                    inputs[index] = max(ranges[j].lowerBound, min(ranges[j].upperBound, value))
                }
            case .occupancy(let c):
                let index = b * chainCount + c
                let base = occupancy[index]
                if let value = blend(base.isNaN ? 0 : base) { occupancy[index] = max(0, value) }
            case .series(let i):
                let base = levels[i]
                guard !base.isNaN else { continue }
                levels[b * seriesCount + i] = clampLevel(i, blend(base) ?? base)
            }
        }
    }

    private func clampLevel(_ i: Int, _ value: Double) -> Double {
        let range = dynamics[i].key.quantity.possibleRange
        return max(range.lowerBound, min(range.upperBound, value))
    }
}
