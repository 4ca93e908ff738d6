import Foundation

/// One physics-informed regressor of a series' next-step change, normalised to order one.
///
/// For a series `y` with scale `s` (1 °C, 5 % RH, 100 ppm, or learned for generic series):
/// - `bias`: 1
/// - `level`: (y − y_ref)/s, mean reversion towards a learned equilibrium
/// - `difference(j)`: (y_j − y)/s, e.g. outdoor minus indoor (heat or air exchange)
/// - `constantDifference(c)`: (c − y)/s, e.g. 420 ppm − CO2 without an outdoor CO2 sensor
/// - `inputDifference(u)`: (u − y)/s, e.g. setpoint − temperature
/// - `gatedDifference(u, g)`: g·(u − y)/s, e.g. hvac level · (setpoint − temperature)
/// - `neighbourMean(J)`: mean over neighbours j ∈ J with a value of (y_j − y)/s
/// - `occupancy(z, c)`: presence probability, or people count / c
/// - `input(u, c)`: u / c, e.g. solar / 500 W/m², hvac level
/// - `exchange(g, j)`: g·(y_j − y)/s, e.g. window · (outdoor − indoor)
/// - `constantExchange(g, c)`: g·(c − y)/s
/// - `previousChange`: Δy[t] / (0.1 s), momentum of unobserved thermal mass
/// - `fourier(k, sine)`: sin or cos of 2πk × local time of day (schedules not modelled otherwise)
///
/// A missing input contributes 0, which leaves its coefficient untouched by learning.
enum FeatureTerm: Sendable, Codable, Hashable {
    case bias
    case level
    case difference(series: Int)
    case constantDifference(value: Double)
    case inputDifference(input: Int)
    case gatedDifference(input: Int, gate: Int)
    case neighbourMean(series: [Int])
    case occupancy(zone: Int, countScale: Double)
    case input(input: Int, scale: Double)
    case exchange(gate: Int, series: Int)
    case constantExchange(gate: Int, value: Double)
    case previousChange
    case fourier(harmonic: Int, sine: Bool)

    /// Scale of the previous-change feature relative to the series scale.
    static let changeScale = 0.1

    /// The feature's value for a series at level `y` in the situation `snapshot`.
    func value(y: Double, reference: Double, scale: Double, change: Double, snapshot: InputSnapshot) -> Double {
        switch self {
        case .bias:
            return 1
        case .level:
            return (y - reference) / scale
        case .difference(let j):
            guard let other = snapshot.levels[j] else { return 0 }
            return (other - y) / scale
        case .constantDifference(let c):
            return (c - y) / scale
        case .inputDifference(let u):
            guard let value = snapshot.inputs[u] else { return 0 }
            return (value - y) / scale
        case .gatedDifference(let u, let g):
            guard let value = snapshot.inputs[u], let gate = snapshot.inputs[g] else { return 0 }
            return gate * (value - y) / scale
        case .neighbourMean(let indices):
            var sum = 0.0
            var count = 0
            for j in indices {
                if let other = snapshot.levels[j] {
                    sum += other - y
                    count += 1
                }
            }
            return count == 0 ? 0 : sum / Double(count) / scale
        case .occupancy(let z, let countScale):
            guard let value = snapshot.occupancy[z] else { return 0 }
            return value / countScale
        case .input(let u, let inputScale):
            guard let value = snapshot.inputs[u] else { return 0 }
            return value / inputScale
        case .exchange(let g, let j):
            guard let gate = snapshot.inputs[g], let other = snapshot.levels[j] else { return 0 }
            return gate * (other - y) / scale
        case .constantExchange(let g, let c):
            guard let gate = snapshot.inputs[g] else { return 0 }
            return gate * (c - y) / scale
        case .previousChange:
            return change / (Self.changeScale * scale)
        case .fourier(let k, let sine):
            let angle = 2 * Double.pi * Double(k) * snapshot.dayFraction
            return sine ? sin(angle) : cos(angle)
        }
    }
}

/// The values the features of every series read at one step: levels of the modelled series
/// (held at their latest known value), control and other inputs, occupancy, local time.
struct InputSnapshot: Sendable {
    var levels: [Double?]
    var inputs: [Double?]
    /// Per occupancy zone: presence probability, or the expected people count for counters.
    var occupancy: [Double?]
    /// Fraction of the local day at the step's start.
    var dayFraction: Double
}
