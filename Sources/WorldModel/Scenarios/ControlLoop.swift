import UmweltCore

/// A zone whose heating level (a bound `hvac` valve or level in [0, 1]) is driven by a
/// thermostat towards its bound setpoint.
///
/// Scenario rollouts close this loop: in a scenario column the level is not the forecast of the
/// recorded valve but what a controller would command, so that a changed setpoint (or a colder
/// night, or more people) moves the valve as it would in the building. Per step and column the
/// level moves from the baseline's (the valve forecast) by the change in heat demand,
///
///     u* = clamp(u + (d − d_0) / g, 0, 1),   d = (T_set − T)/s − δ(u),   g = ∂δ/∂u = Σ_f θ_f ∂φ_f/∂u,
///
/// with `δ(u)` the model's scaled one-step change (affine in `u`) and `d_0` the baseline's
/// demand (see `close`). The baseline column's level is the valve forecast, opened further only
/// where the zone would fall below its setpoint (`reference`). The clamp is the plant's
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

    /// The heat demand of one column at one step: how far, in scaled units, the model's next
    /// temperature `y + s·delta` falls short of the setpoint, `(T_set − y)/s − δ` (nil without a
    /// setpoint).
    func demand(delta: Double, y: Double, scale: Double, inputs: UnsafePointer<Double>) -> Double? {
        let target = inputs[setpoint]
        guard !target.isNaN else { return nil }
        return (target - y) / scale - delta
    }

    /// The baseline's side of the loop at one step: its heat demand, the part of it its valve
    /// was opened to serve, and whether its valve heats.
    struct Reference: Sendable, Hashable {
        /// A baseline without a setpoint: no demand, not heating.
        static let withoutSetpoint = Reference(demand: 0, served: 0, isHeating: false)

        var demand: Double
        var served: Double
        var isHeating: Bool
    }

    /// The baseline's step of the loop: its valve is the valve forecast (the plain forecast's),
    /// opened further where the model's next temperature would fall below the setpoint. It is
    /// never closed below the forecast: a one-step controller on the model would close a valve
    /// the building's own controller keeps open (its offset from the setpoint, its integral)
    /// and shift every effect by the difference. Moves `delta` and records the level at
    /// `inputPath` like `close`; returns the `Reference` the scenario columns move from.
    func reference(
        gain terms: [GainTerm], delta: inout Double,
        theta: UnsafePointer<Double>, y: Double, scale: Double, levels: UnsafePointer<Double>,
        inputs: UnsafePointer<Double>, inputPath: UnsafeMutablePointer<Double>
    ) -> Reference? {
        guard let demand = demand(delta: delta, y: y, scale: scale, inputs: inputs) else { return nil }
        let current = inputs[level]
        let held = current.isNaN ? 0 : current
        guard demand > 0 else { return Reference(demand: demand, served: 0, isHeating: held > 0) }
        let gain = self.gain(terms, theta: theta, y: y, scale: scale, inputs: inputs, levels: levels)
        guard gain > 1e-9 else { return Reference(demand: demand, served: 0, isHeating: held > 0) }
        let command = max(0, min(1, held + demand / gain))
        delta += (command - held) * max(gain, 0)
        inputPath.pointee = command
        return Reference(demand: demand, served: demand, isHeating: command > 0)
    }

    /// The thermostat's command for one scenario column at one step: moves the scaled one-step
    /// change `delta` by the level's effect and records the level at `inputPath`. `levels` and
    /// `inputs` are the column's state, `theta` the series' coefficients, `terms` its
    /// `gainTerms`, `baseline` the baseline column's `Reference` at the same step (nil: the
    /// baseline has no setpoint, `Reference.withoutSetpoint`).
    ///
    /// The valve moves from the baseline's (`reference`) by the change in heat demand the
    /// scenario brings, `e = d_b − d_0` with `d = (T_set − y)/s − δ`: a lowered setpoint closes
    /// the valve at once, a colder night opens it, and a column the same as the baseline stays
    /// the same bit for bit. Where the baseline does not heat (its valve closed, the zone above
    /// its setpoint), only demand above zero counts, `e = max(0, d_b) − max(0, d_0)`: a raised
    /// setpoint heats only as far as the zone would fall below it, and a colder night lets a
    /// floating zone cool.
    func close(
        gain terms: [GainTerm], delta: inout Double,
        theta: UnsafePointer<Double>, y: Double, scale: Double, levels: UnsafePointer<Double>,
        inputs: UnsafePointer<Double>, baseline: Reference?, inputPath: UnsafeMutablePointer<Double>
    ) {
        guard let demand = demand(delta: delta, y: y, scale: scale, inputs: inputs) else { return }
        let baseline = baseline ?? .withoutSetpoint
        let error = baseline.isHeating ? demand - baseline.demand : max(0, demand) - max(0, baseline.demand)
        let served = baseline.served + error
        guard served != 0 else { return }
        let gain = self.gain(terms, theta: theta, y: y, scale: scale, inputs: inputs, levels: levels)
        let current = inputs[level]
        let held = current.isNaN ? 0 : current
        let command: Double
        if gain > 1e-9 {
            command = max(0, min(1, held + served / gain))
        } else if served < 0 {
            // Less demand closes a heating valve, whatever the learned gain says there; its heat
            // there is max(0, gain × level), 0 for a gain that is not positive, so closing it
            // changes nothing (a closing heating valve never warms).
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
