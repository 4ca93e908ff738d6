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
    /// `level` and `constantDifference` are both linear in the series' own value, so only their
    /// sum is identified: a wrong-signed one is first moved into the other with the same
    /// function of the level (`mergeConstantDifference`), so that clipping does not change a
    /// learned rate of decay (CO2 towards 420 ppm).
    ///
    /// Forecasts (`forecasts()`) keep the raw estimates; learning is unchanged.
    func physicalCoefficients() -> [[Double]] {
        dynamics.indices.map { i in
            let series = dynamics[i]
            var theta = series.rls.theta
            guard layout.dynamic[i].role == .indoor else { return theta }
            Self.mergeConstantDifference(&theta, terms: series.terms, reference: series.reference, scale: series.scale)
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

    /// With `b + θ_L (y − ref)/s + θ_C (c − y)/s` (bias, level, constant difference), moves a
    /// positive θ_L into θ_C or a negative θ_C into θ_L, keeping the same function of `y`:
    /// the slope `θ_L − θ_C` stays, the bias takes the intercept.
    static func mergeConstantDifference(_ theta: inout [Double], terms: [FeatureTerm], reference: Double, scale: Double)
    {
        guard let bias = terms.firstIndex(of: .bias), let level = terms.firstIndex(of: .level),
            let constant = terms.firstIndex(where: {
                if case .constantDifference = $0 { return true }
                return false
            }),
            case .constantDifference(let c) = terms[constant]
        else { return }
        if theta[constant] < 0 {
            theta[bias] += theta[constant] * (c - reference) / scale
            theta[level] -= theta[constant]
            theta[constant] = 0
        } else if theta[level] > 0 {
            theta[bias] += theta[level] * (c - reference) / scale
            theta[constant] -= theta[level]
            theta[level] = 0
        }
    }
}
