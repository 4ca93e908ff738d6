import Foundation

/// The feature terms of every series compiled to flat operations over flat state, for the
/// rollout's hot loop: no enum payloads to copy (a neighbour list is an array), no optionals
/// (a missing value is NaN and contributes 0, as in `FeatureTerm.value`), the time-of-day
/// harmonics computed once per step instead of once per series.
///
/// `value(...)` equals `FeatureTerm.value(y:reference:scale:change:snapshot:)` term by term
/// (tested in `ScenarioRolloutTests`).
struct FeatureProgram: Sendable {
    enum Operation: UInt8, Sendable {
        case bias, level, difference, constantDifference, inputDifference, gatedDifference, neighbourMean
        case occupancy, input, exchange, constantExchange, previousChange, fourier
    }

    /// Per term, all series one after the other.
    private(set) var operations: [Operation] = []
    private(set) var first: [Int32] = []
    private(set) var second: [Int32] = []
    private(set) var constant: [Double] = []
    /// Start of series `i`'s terms; series `i` has `start[i + 1] − start[i]` terms.
    private(set) var start: [Int] = [0]
    /// Neighbour lists, flat (`first` = offset, `second` = count).
    private(set) var neighbours: [Int32] = []
    /// Highest harmonic of any `fourier` term.
    private(set) var harmonics = 0

    init(terms: [[FeatureTerm]]) {
        for series in terms {
            for term in series { append(term) }
            start.append(operations.count)
        }
    }

    private mutating func append(_ term: FeatureTerm) {
        var a = 0
        var b = 0
        var c = 0.0
        let operation: Operation
        switch term {
        case .bias: operation = .bias
        case .level: operation = .level
        case .difference(let j): (operation, a) = (.difference, j)
        case .constantDifference(let value): (operation, c) = (.constantDifference, value)
        case .inputDifference(let u): (operation, a) = (.inputDifference, u)
        case .gatedDifference(let u, let g): (operation, a, b) = (.gatedDifference, u, g)
        case .neighbourMean(let indices):
            (operation, a, b) = (.neighbourMean, neighbours.count, indices.count)
            neighbours += indices.map { Int32($0) }
        case .occupancy(let z, let countScale): (operation, a, c) = (.occupancy, z, countScale)
        case .input(let u, let inputScale): (operation, a, c) = (.input, u, inputScale)
        case .exchange(let g, let j): (operation, a, b) = (.exchange, g, j)
        case .constantExchange(let g, let value): (operation, a, c) = (.constantExchange, g, value)
        case .previousChange: operation = .previousChange
        case .fourier(let k, let sine):
            (operation, a, b) = (.fourier, k, sine ? 1 : 0)
            harmonics = max(harmonics, k)
        }
        operations.append(operation)
        first.append(Int32(a))
        second.append(Int32(b))
        constant.append(c)
    }

    /// `sin` and `cos` of `2πk × dayFraction` for k = 1...harmonics, as `FeatureTerm` computes them.
    func trigonometry(dayFraction: Double, into table: inout [Double]) {
        for k in 0..<harmonics {
            let angle = 2 * Double.pi * Double(k + 1) * dayFraction
            table[2 * k] = cos(angle)
            table[2 * k + 1] = sin(angle)
        }
    }

    /// The value of term `t` for a series at `y` with the state of one column: `levels`,
    /// `inputs`, `occupancy` (NaN: unknown) and the step's `trigonometry` table.
    @inline(__always)
    func value(
        _ t: Int, y: Double, reference: Double, scale: Double, change: Double,
        levels: UnsafePointer<Double>, inputs: UnsafePointer<Double>, occupancy: UnsafePointer<Double>,
        trigonometry: UnsafePointer<Double>
    ) -> Double {
        let a = Int(first[t])
        switch operations[t] {
        case .bias:
            return 1
        case .level:
            return (y - reference) / scale
        case .difference:
            let other = levels[a]
            return other.isNaN ? 0 : (other - y) / scale
        case .constantDifference:
            return (constant[t] - y) / scale
        case .inputDifference:
            let value = inputs[a]
            return value.isNaN ? 0 : (value - y) / scale
        case .gatedDifference:
            let value = inputs[a]
            let gate = inputs[Int(second[t])]
            return value.isNaN || gate.isNaN ? 0 : gate * (value - y) / scale
        case .neighbourMean:
            var sum = 0.0
            var count = 0
            for n in a..<(a + Int(second[t])) {
                let other = levels[Int(neighbours[n])]
                if !other.isNaN {
                    sum += other - y
                    count += 1
                }
            }
            return count == 0 ? 0 : sum / Double(count) / scale
        case .occupancy:
            let value = occupancy[a]
            return value.isNaN ? 0 : value / constant[t]
        case .input:
            let value = inputs[a]
            return value.isNaN ? 0 : value / constant[t]
        case .exchange:
            let gate = inputs[a]
            let other = levels[Int(second[t])]
            return gate.isNaN || other.isNaN ? 0 : gate * (other - y) / scale
        case .constantExchange:
            let gate = inputs[a]
            return gate.isNaN ? 0 : gate * (constant[t] - y) / scale
        case .previousChange:
            return change / (FeatureTerm.changeScale * scale)
        case .fourier:
            return trigonometry[2 * (a - 1) + Int(second[t])]
        }
    }
}
