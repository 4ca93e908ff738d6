import UmweltCore

/// A zone whose heating level (a bound `hvac` valve or level in [0, 1]) is driven by a
/// thermostat towards its bound setpoint.
///
/// Scenario rollouts close this loop: the level is not the forecast of the recorded valve but
/// what a controller would command, so that a changed setpoint (or a colder night, or more
/// people) moves the valve as it would in the building. Per step and column the level is the
/// one that brings the model's next temperature to the setpoint,
///
///     u* = clamp(u + ((T_set − T)/s − δ(u)) / g, 0, 1),   g = ∂δ/∂u = Σ_f θ_f ∂φ_f/∂u,
///
/// with `δ(u)` the model's scaled one-step change (affine in `u`). The clamp is the plant's
/// capacity: a raised setpoint heats at the learned full-valve rate until it is reached, a
/// lowered one lets the zone cool by its learned losses until the new setpoint holds, and a
/// heating valve never cools (where the learned gain is not positive, the valve closes above
/// the setpoint). Nothing here is fitted to one building: `g` and the losses are the zone's
/// learned coefficients.
struct ControlLoop: Sendable, Hashable {
    /// The zone's indoor temperature (dynamic series index).
    var series: Int
    /// The setpoint input.
    var setpoint: Int
    /// The heating level input, a fraction in [0, 1].
    var level: Int

    /// `∂δ/∂u` of series `terms` with coefficients `theta` at level `y` with one column's
    /// `inputs` and `levels` (NaN: unknown): the sum over the features that read the level
    /// (gated differences, the level itself, gated exchanges).
    func gain(
        terms: [FeatureTerm], theta: [Double], y: Double, scale: Double, inputs: UnsafeBufferPointer<Double>,
        levels: UnsafeBufferPointer<Double>
    ) -> Double {
        var gain = 0.0
        for (f, term) in terms.enumerated() {
            let derivative: Double
            switch term {
            case .gatedDifference(let u, let gate) where gate == level:
                guard !inputs[u].isNaN else { continue }
                derivative = (inputs[u] - y) / scale
            case .input(let u, let inputScale) where u == level:
                derivative = 1 / inputScale
            case .exchange(let gate, let j) where gate == level:
                guard !levels[j].isNaN else { continue }
                derivative = (levels[j] - y) / scale
            case .constantExchange(let gate, let c) where gate == level:
                derivative = (c - y) / scale
            default:
                continue
            }
            gain += theta[f] * derivative
        }
        return gain
    }
}

extension TwinModel {
    /// The thermostat loops of the twin: indoor zones with a temperature series, a setpoint and
    /// an `hvac` level bound in percent or as a fraction (a mode number is not a level).
    func controlLoops() -> [ControlLoop] {
        layout.dynamic.indices.compactMap { i in
            let key = layout.dynamic[i].key
            guard layout.dynamic[i].role == .indoor, key.quantity == .temperature,
                let setpoint = layout.inputIndex(SeriesKey(zone: key.zone, quantity: .setpoint)),
                let level = layout.inputIndex(SeriesKey(zone: key.zone, quantity: .hvac)),
                let binding = twin.zone(key.zone)?.sensors.first(where: { $0.quantity == .hvac }),
                binding.unit == .percent || binding.unit == .fraction
            else { return nil }
            return ControlLoop(series: i, setpoint: setpoint, level: level)
        }
    }
}
