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
    /// its overrides to them. Per series and step the features of all B columns form one
    /// row-major n_i×B matrix Φ and `Δ = θ_iᵀ Φ` is one BLAS gemm, so every column gets exactly
    /// the same arithmetic: a column without overrides equals the baseline bit for bit.
    /// Column 0 must be the baseline (overrides of dynamic series transform its values).
    /// `coefficients[i]` replaces θ_i (the raw RLS estimates for forecasts, physically signed
    /// ones for scenarios). Cost O(H × B × Σ features).
    func rollout(originIndex k: Int, coefficients: [[Double]], columns: [RolloutColumn]) -> [Rollout] {
        precondition(!columns.isEmpty && columns[0].changes.isEmpty, "column 0 is the baseline")
        let horizon = configuration.horizonSteps
        let width = columns.count
        let origin = Double(k) * stepSeconds
        let occupancy = chains.map { chain in
            chain.forecast(origin: origin, stepSeconds: stepSeconds, horizon: horizon, clock: clock)
        }
        var snapshots = Array(repeating: currentSnapshot(index: k), count: width)
        var changes = Array(repeating: dynamics.map(\.change), count: width)
        let known = dynamics.map { $0.level != nil }
        var paths: [[[Double]]] = Array(repeating: dynamics.map { _ in [] }, count: width)
        var inputPaths: [[[Double?]]] = Array(repeating: inputs.map { _ in [] }, count: width)
        for b in 0..<width {
            for i in dynamics.indices where known[i] { paths[b][i].reserveCapacity(horizon) }
        }
        var features = dynamics.map { [Double](repeating: 0, count: $0.terms.count * width) }
        var delta = [Double](repeating: 0, count: width)
        var next = snapshots.map(\.levels)
        for h in 1...horizon {
            let time = origin + Double(h - 1) * stepSeconds
            if h > 1 {
                let lead = Double(h - 1) * stepSeconds
                let forecastInputs = inputs.map { $0.forecast(at: time, lead: lead, clock: clock) }
                let forecastOccupancy = occupancy.map { $0.count?[h - 2] ?? $0.probability[h - 2] }
                let dayFraction = clock.dayFraction(time)
                for b in 0..<width {
                    snapshots[b].inputs = forecastInputs
                    snapshots[b].occupancy = forecastOccupancy
                    snapshots[b].dayFraction = dayFraction
                }
            }
            for b in 1..<max(1, width) {
                apply(columns[b], to: &snapshots[b], baseline: snapshots[0], at: time)
            }
            for b in 0..<width {
                for j in inputs.indices { inputPaths[b][j].append(snapshots[b].inputs[j]) }
            }
            for i in dynamics.indices where known[i] {
                // Hoisted reads: one copy of each snapshot per series and step, not per feature.
                let terms = dynamics[i].terms
                let reference = dynamics[i].reference
                let scale = dynamics[i].scale
                let n = terms.count
                for b in 0..<width {
                    let snapshot = snapshots[b]
                    let y = snapshot.levels[i] ?? 0
                    let change = changes[b][i]
                    for f in 0..<n {
                        features[i][f * width + b] = terms[f].value(
                            y: y, reference: reference, scale: scale, change: change, snapshot: snapshot)
                    }
                }
                BLAS.gemm(m: 1, n: width, k: n, a: coefficients[i], b: features[i], c: &delta)
                let range = dynamics[i].key.quantity.possibleRange
                let limit = 2 * scale
                for b in 0..<width {
                    let y = snapshots[b].levels[i] ?? 0
                    let change = max(-limit, min(limit, delta[b] * scale))
                    let value = max(range.lowerBound, min(range.upperBound, y + change))
                    next[b][i] = value
                    changes[b][i] = value - y
                    paths[b][i].append(value)
                }
            }
            for b in 0..<width { snapshots[b].levels = next[b] }
        }
        return (0..<width).map { b in
            var columnPaths = paths[b]
            for change in columns[b].changes {
                guard case .series(let i) = change.target, known[i] else { continue }
                for h in 1...horizon {
                    let time = origin + Double(h) * stepSeconds
                    guard change.override.isActive(at: time) else { continue }
                    let base = paths[0][i][h - 1]
                    columnPaths[i][h - 1] = clampLevel(i, change.override.action.apply(to: base, at: time) ?? base)
                }
            }
            return Rollout(
                paths: columnPaths.enumerated().map { known[$0.offset] ? $0.element : nil },
                occupancy: occupancy,
                inputs: inputPaths[b]
            )
        }
    }

    /// Applies a column's overrides active at `time` to the snapshot of that step.
    private func apply(
        _ column: RolloutColumn, to snapshot: inout InputSnapshot, baseline: InputSnapshot, at time: Double
    ) {
        for change in column.changes where change.override.isActive(at: time) {
            let action = change.override.action
            switch change.target {
            case .input(let j):
                let range = inputs[j].key.quantity.possibleRange
                snapshot.inputs[j] = action.apply(to: snapshot.inputs[j], at: time).map {
                    max(range.lowerBound, min(range.upperBound, $0))
                }
            case .occupancy(let c):
                snapshot.occupancy[c] = action.apply(to: snapshot.occupancy[c] ?? 0, at: time).map { max(0, $0) }
            case .series(let i):
                guard let base = baseline.levels[i] else { continue }
                snapshot.levels[i] = clampLevel(i, action.apply(to: base, at: time) ?? base)
            }
        }
    }

    private func clampLevel(_ i: Int, _ value: Double) -> Double {
        let range = dynamics[i].key.quantity.possibleRange
        return max(range.lowerBound, min(range.upperBound, value))
    }
}
