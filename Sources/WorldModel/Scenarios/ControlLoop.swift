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
/// lowered one lets the zone cool by its learned losses (and the setpoint's learned pull, see
/// `TwinModel.project(scenarios:)`) until the new setpoint holds, and a heating valve never
/// cools (where the learned gain is not positive, the valve closes above the setpoint, and
/// closing it does not warm). Nothing here is fitted to one building: `g` and the losses are
/// the zone's learned coefficients.
struct ControlLoop: Sendable, Hashable {
    /// The zone's indoor temperature (dynamic series index).
    var series: Int
    /// The setpoint input.
    var setpoint: Int
    /// The heating level input, a fraction in [0, 1].
    var level: Int

    /// One feature term that reads the level, compiled for `gain`: its coefficient index and
    /// what its derivative `∂φ/∂u` needs.
    struct GainTerm: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            /// `(inputs[index] − y) / scale` (a gated difference towards an input).
            case inputDifference
            /// `1 / constant` (the level itself as an input).
            case constant
            /// `(levels[index] − y) / scale` (a gated exchange with another series).
            case levelDifference
            /// `(constant − y) / scale` (a gated exchange with a constant).
            case constantDifference
        }

        var feature: Int
        var kind: Kind
        var index = 0
        var constant = 0.0
    }

    /// The terms of a series (`terms`) whose derivative by the level is not zero.
    func gainTerms(_ terms: [FeatureTerm]) -> [GainTerm] {
        terms.enumerated().compactMap { f, term in
            switch term {
            case .gatedDifference(let u, let gate) where gate == level:
                return GainTerm(feature: f, kind: .inputDifference, index: u)
            case .input(let u, let inputScale) where u == level:
                return GainTerm(feature: f, kind: .constant, constant: 1 / inputScale)
            case .exchange(let gate, let j) where gate == level:
                return GainTerm(feature: f, kind: .levelDifference, index: j)
            case .constantExchange(let gate, let c) where gate == level:
                return GainTerm(feature: f, kind: .constantDifference, constant: c)
            default:
                return nil
            }
        }
    }

    /// `∂δ/∂u = Σ_f θ_f ∂φ_f/∂u` over the level's `terms` (`gainTerms`) with coefficients
    /// `theta` at level `y` with one column's `inputs` and `levels` (NaN: unknown; such a term
    /// adds nothing).
    func gain(
        _ terms: [GainTerm], theta: UnsafePointer<Double>, y: Double, scale: Double, inputs: UnsafePointer<Double>,
        levels: UnsafePointer<Double>
    ) -> Double {
        var gain = 0.0
        for term in terms {
            let derivative: Double
            switch term.kind {
            case .inputDifference:
                guard !inputs[term.index].isNaN else { continue }
                derivative = (inputs[term.index] - y) / scale
            case .constant:
                derivative = term.constant
            case .levelDifference:
                guard !levels[term.index].isNaN else { continue }
                derivative = (levels[term.index] - y) / scale
            case .constantDifference:
                derivative = (term.constant - y) / scale
            }
            gain += theta[term.feature] * derivative
        }
        return gain
    }

    /// The thermostat's command for one rollout column at one step: moves the scaled one-step
    /// change `delta` by the level's effect and records the level at `inputPath`. `levels` and
    /// `inputs` are the column's state, `theta` the series' coefficients, `terms` its
    /// `gainTerms`.
    func close(
        gain terms: [GainTerm], delta: inout Double,
        theta: UnsafePointer<Double>, y: Double, scale: Double, levels: UnsafePointer<Double>,
        inputs: UnsafePointer<Double>, inputPath: UnsafeMutablePointer<Double>
    ) {
        let target = inputs[setpoint]
        guard !target.isNaN else { return }
        let gain = self.gain(terms, theta: theta, y: y, scale: scale, inputs: inputs, levels: levels)
        let current = inputs[level]
        let held = current.isNaN ? 0 : current
        let command: Double
        if gain > 1e-9 {
            command = max(0, min(1, held + ((target - y) / scale - delta) / gain))
        } else if y > target {
            // Above the setpoint a heating valve closes, whatever the learned gain says there;
            // its heat there is max(0, gain × level), 0 for a gain that is not positive, so
            // closing it changes nothing (a closing heating valve never warms).
            command = 0
        } else {
            return
        }
        delta += (command - held) * max(gain, 0)
        inputPath.pointee = command
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
