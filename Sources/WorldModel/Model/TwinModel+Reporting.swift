import UmweltCore

extension TwinModel {
    /// Filtered current estimates per zone (the `state` topic): the latest level of each
    /// quantity and, where the zone has an occupancy sensor, the occupancy probability.
    public func zoneStates() -> [ZoneState] {
        guard let k = lastStepIndex else { return [] }
        let time = Double(k + 1) * stepSeconds
        return layout.zoneIDs.indices.map { z in
            let zone = layout.zoneIDs[z]
            var values: [String: Double] = [:]
            for series in dynamics where series.key.zone == zone {
                if let level = series.level ?? series.lastKnown { values[series.key.quantity.name] = level }
            }
            for input in inputs where input.key.zone == zone {
                if let last = input.last { values[input.key.quantity.name] = last }
            }
            var probability: Double?
            var occupants: Double?
            if let c = layout.occupancyIndex(zone: zone) {
                probability = chains[c].probability
                if chains[c].isCounter, let p = chains[c].probability {
                    occupants = chains[c].lastCount ?? p * chains[c].meanOccupiedCount(at: time, clock: clock)
                }
            }
            return ZoneState(
                zone: zone, time: time, values: values, occupancyProbability: probability,
                expectedOccupants: occupants, warmingUp: layout.zoneIsIndoor[z] ? isWarmingUp(zone: zone) : false
            )
        }
    }

    /// Learned parameters in words a facility manager understands, per indoor zone.
    ///
    /// From the coefficients θ of the change model (per step, in units of the series scale s):
    /// time constant `τ = step / a` with `a` the outdoor (or, without one, the mean-reversion)
    /// coefficient; HVAC effect `θ_hvac s × steps per hour`; CO2 per occupant per hour
    /// `θ_occ s / people unit × steps per hour`; air changes per hour `a_CO2 × steps per hour`.
    public func parameters() -> [ZoneParameters] {
        let stepsPerHour = 3_600 / stepSeconds
        var result: [ZoneParameters] = []
        for z in layout.zoneIDs.indices where layout.zoneIsIndoor[z] {
            let zone = layout.zoneIDs[z]
            var named: [NamedParameter] = []
            for series in dynamics where series.key.zone == zone && series.rls.updates > 0 {
                let theta = series.rls.theta
                func coefficient(_ match: (FeatureTerm) -> Bool) -> Double? {
                    series.terms.firstIndex(where: match).map { theta[$0] }
                }
                let exchange =
                    coefficient {
                        if case .difference = $0 { return true }
                        if case .constantDifference = $0 { return true }
                        return false
                    } ?? coefficient { $0 == .level }.map { -$0 }
                switch series.key.quantity {
                case .temperature:
                    if let a = exchange, a > 1e-5 {
                        named.append(
                            NamedParameter(
                                name: "timeConstantHours", value: 1 / (a * stepsPerHour), unit: "h",
                                explanation:
                                    "hours for the room to close 63 % of the gap to outdoor temperature without HVAC"
                            )
                        )
                    }
                    if let g = coefficient({ if case .gatedDifference = $0 { return true } else { return false } })
                        ?? coefficient({ if case .inputDifference = $0 { return true } else { return false } })
                    {
                        named.append(
                            NamedParameter(
                                name: "hvacCelsiusPerHourPerDegree", value: g * stepsPerHour, unit: "°C/h per °C",
                                explanation: "how fast the HVAC moves the room towards its setpoint, per °C of gap"
                            )
                        )
                    }
                    if let g = coefficient({
                        if case .input(let u, _) = $0 { return inputs[u].key.quantity == .hvac } else { return false }
                    }) {
                        named.append(
                            NamedParameter(
                                name: "hvacCelsiusPerHour", value: g * series.scale * stepsPerHour, unit: "°C/h",
                                explanation: "temperature change per hour with the HVAC at full level"
                            )
                        )
                    }
                case .co2:
                    if let occupancy = coefficient({ if case .occupancy = $0 { return true } else { return false } }),
                        let c = layout.occupancyIndex(zone: zone)
                    {
                        let perPerson = chains[c].isCounter ? ModelLayout.peoplePerCountUnit : 1
                        named.append(
                            NamedParameter(
                                name: chains[c].isCounter ? "co2PpmPerOccupantPerHour" : "co2PpmPerHourWhenOccupied",
                                value: occupancy * series.scale / perPerson * stepsPerHour, unit: "ppm/h",
                                explanation: chains[c].isCounter
                                    ? "CO2 rise per person per hour" : "CO2 rise per hour while the room is occupied"
                            )
                        )
                    }
                    if let a = exchange, a > 0 {
                        named.append(
                            NamedParameter(
                                name: "airChangesPerHour", value: a * stepsPerHour, unit: "1/h",
                                explanation: "outdoor air exchanges per hour estimated from CO2 decay"
                            )
                        )
                    }
                default:
                    break
                }
                let anchors = series.calibrator.anchors
                if let anchor = anchors.first(where: { $0.horizon >= 12 }) ?? anchors.last,
                    anchor.errorSamples > 0, anchor.persistenceError > 0
                {
                    named.append(
                        NamedParameter(
                            name: "\(series.key.quantity.name)ForecastSkill\(anchor.horizon)Steps",
                            value: 1 - anchor.blendedError / anchor.persistenceError, unit: "fraction",
                            explanation:
                                "error reduction versus 'no change' at \(anchor.horizon) steps ahead (0 = as good, 1 = perfect)"
                        )
                    )
                }

            }
            result.append(ZoneParameters(zone: zone, parameters: named))
        }
        return result
    }
}
