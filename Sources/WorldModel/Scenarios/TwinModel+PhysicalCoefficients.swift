import UmweltCore

extension TwinModel {
    /// The learned coefficients projected onto physically signed ones, for scenarios.
    ///
    /// RLS on confounded data (a setpoint raised when the room is already cold, people arriving
    /// when ventilation starts) can learn a coefficient with the wrong sign; a scenario would then
    /// answer that a higher setpoint cools. For indoor series each coefficient is clipped to its
    /// physical sign (a Euclidean projection onto the sign constraints), and the rollout of
    /// scenarios uses these for baseline and scenario alike:
    ///
    /// - ≥ 0: exchange with outdoors or neighbours (`difference`, `neighbourMean`, `exchange`,
    ///   `constantDifference`, `constantExchange`), pull towards the setpoint
    ///   (`inputDifference`, `gatedDifference`), occupants (heat, moisture and CO2 sources),
    ///   solar, heating level and electric power on temperature;
    /// - ≤ 0: mean reversion (`level`);
    /// - in [0, 0.5]·0.1: momentum (`previousChange`), so that the step response stays monotone
    ///   (real, positive poles) and no effect changes sign over the horizon.
    ///
    /// Forecasts (`forecasts()`) keep the raw estimates; learning is unchanged.
    func physicalCoefficients() -> [[Double]] {
        dynamics.indices.map { i in
            let series = dynamics[i]
            var theta = series.rls.theta
            guard layout.dynamic[i].role == .indoor else { return theta }
            for (f, term) in series.terms.enumerated() {
                switch term {
                case .difference, .neighbourMean, .exchange, .constantDifference, .constantExchange, .inputDifference,
                    .gatedDifference, .occupancy:
                    theta[f] = max(0, theta[f])
                case .level:
                    theta[f] = min(0, theta[f])
                case .previousChange:
                    theta[f] = max(0, min(0.5 * FeatureTerm.changeScale, theta[f]))
                case .input(let u, _):
                    let quantity = layout.inputs[u].quantity
                    if series.key.quantity == .temperature, [.solar, .hvac, .power].contains(quantity) {
                        theta[f] = max(0, theta[f])
                    }
                case .bias, .fourier:
                    break
                }
            }
            return theta
        }
    }
}
