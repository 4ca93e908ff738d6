import Foundation
import UmweltCore

/// Integrates the coupled zone balances over one tick (explicit Euler, sub-stepped so that
/// no step exceeds 30 % of the fastest time constant).
///
/// Heat, per zone i, a 2-node RC network (air a, thermal mass m), in W:
///
///     C_a dT_a/dt = H_e (T_o − T_a) + H_am (T_m − T_a) + Σ_j H_ij (T_j − T_a) + H_v (T_o − T_a)
///                   + u_h Φ_max − u_c Φ_c + n Φ_p + P_el + f_a b A_sol I
///     C_m dT_m/dt = H_am (T_a − T_m) + H_mo (T_o − T_m) + (1 − f_a) b A_sol I
///
/// with H_v = ρ c_p (Q_inf + (1 − η) Q_mech + Q_win) the ventilation conductance (η the heat
/// recovery), u_h and u_c the heating and cooling valve fractions, n the occupants (Φ_p = 80 W
/// each), P_el lights and plug loads, I the solar irradiance, b the blinds' transmission (1
/// when up).
///
/// CO2 (ppm) and humidity ratio W (kg/kg), with Q = Q_inf + Q_mech + Q_win in m³/s and q_ij
/// the air exchanged with each neighbour:
///
///     V dc/dt     = 10⁶ n g + Q (c_o − c) + Σ_j q_ij (c_j − c)                 g = 5·10⁻⁶ m³/s
///     κ ρ V dW/dt = n m_w + m_0 + ρ Q (W_o − W) + ρ Σ_j q_ij (W_j − W)         m_w = 50 g/h
///
/// κ is the moisture buffering of surfaces. Air changes per hour convert as Q = ACH · V / 3600.
struct BuildingPhysics: Sendable {
    /// A wall or door between two indoor zones.
    struct Coupling: Sendable, Hashable {
        var first: Int
        var second: Int
        /// H_ij, W/K.
        var conductance: Double
        /// q_ij, m³/s.
        var airflow: Double
    }

    static let neighbourConductance = 40.0
    static let neighbourAirflow = 0.01

    let couplings: [Coupling]

    /// Undirected couplings between the indoor zones (indices into `zoneIDs`), from the
    /// zones' neighbour lists; a neighbour listed by either side counts once.
    init(zones: [ZoneDefinition], zoneIDs: [String]) {
        var pairs = Set<[Int]>()
        for zone in zones {
            guard let i = zoneIDs.firstIndex(of: zone.id) else { continue }
            for neighbour in zone.neighbors {
                guard let j = zoneIDs.firstIndex(of: neighbour), j != i else { continue }
                pairs.insert([min(i, j), max(i, j)])
            }
        }
        couplings = pairs.sorted { $0[0] != $1[0] ? $0[0] < $1[0] : $0[1] < $1[1] }.map {
            Coupling(
                first: $0[0], second: $0[1], conductance: Self.neighbourConductance, airflow: Self.neighbourAirflow)
        }
    }

    /// Air flows of one zone in its current state: (Q, H_v).
    private static func ventilation(_ zone: ZoneSimulation) -> (airflow: Double, conductance: Double) {
        let p = zone.parameters
        let infiltration = p.infiltrationAirChangesPerHour * p.volume / 3600
        let mechanical = zone.ventilationLevel * p.mechanicalAirChangesPerHour * p.volume / 3600
        let window = zone.isWindowOpen ? p.windowAirChangesPerHour * p.volume / 3600 : 0
        let conductance =
            Psychrometrics.airVolumetricHeatCapacity
            * (infiltration + (1 - p.heatRecoveryEfficiency) * mechanical + window)
        return (infiltration + mechanical + window, conductance)
    }

    /// Advances every zone's physical state by `seconds` under constant inputs and weather.
    func integrate(_ zones: inout [ZoneSimulation], outdoor: OutdoorTruth, seconds: Double) {
        let flows = zones.map(Self.ventilation)
        var neighbourConductance = [Double](repeating: 0, count: zones.count)
        var neighbourAirflow = [Double](repeating: 0, count: zones.count)
        for coupling in couplings {
            neighbourConductance[coupling.first] += coupling.conductance
            neighbourConductance[coupling.second] += coupling.conductance
            neighbourAirflow[coupling.first] += coupling.airflow
            neighbourAirflow[coupling.second] += coupling.airflow
        }
        // The fastest rate (1/s) of any balance sets the number of sub-steps.
        var fastest = 0.0
        for (i, zone) in zones.enumerated() {
            let p = zone.parameters
            let air = p.envelopeConductance + p.airMassConductance + neighbourConductance[i] + flows[i].conductance
            let mass = p.airMassConductance + p.massOutdoorConductance
            let exchange = (flows[i].airflow + neighbourAirflow[i]) / p.volume
            fastest = max(fastest, air / p.airCapacity, mass / p.massCapacity, exchange)
        }
        let count = max(1, Int((seconds * fastest / 0.3).rounded(.up)))
        let dt = seconds / Double(count)
        let outdoorRatio = outdoor.humidityRatio
        let density = Psychrometrics.airDensity
        for _ in 0..<count {
            var heat = [Double](repeating: 0, count: zones.count)
            var co2Flow = [Double](repeating: 0, count: zones.count)
            var moistureFlow = [Double](repeating: 0, count: zones.count)
            for coupling in couplings {
                let a = zones[coupling.first]
                let b = zones[coupling.second]
                let q = coupling.conductance * (b.airTemperature - a.airTemperature)
                heat[coupling.first] += q
                heat[coupling.second] -= q
                let c = coupling.airflow * (b.co2 - a.co2)
                co2Flow[coupling.first] += c
                co2Flow[coupling.second] -= c
                let w = density * coupling.airflow * (b.humidityRatio - a.humidityRatio)
                moistureFlow[coupling.first] += w
                moistureFlow[coupling.second] -= w
            }
            for i in zones.indices {
                let zone = zones[i]
                let p = zone.parameters
                let n = Double(zone.occupants)
                let solar =
                    p.effectiveGlazingArea * outdoor.solar * (zone.areBlindsDown ? p.blindsTransmission : 1)
                let airToMass = p.airMassConductance * (zone.massTemperature - zone.airTemperature)
                let airHeat =
                    heat[i] + airToMass
                    + (p.envelopeConductance + flows[i].conductance) * (outdoor.temperature - zone.airTemperature)
                    + zone.hvacLevel * p.heatingPowerWatts - zone.coolingLevel * p.coolingPowerWatts + n
                    * p.heatPerPersonWatts + zone.electricPowerWatts
                    + p.solarAirFraction * solar
                let massHeat =
                    -airToMass + p.massOutdoorConductance * (outdoor.temperature - zone.massTemperature)
                    + (1 - p.solarAirFraction) * solar
                let co2Balance =
                    1e6 * n * p.co2PerPersonCubicMetresPerSecond + flows[i].airflow * (outdoor.co2 - zone.co2)
                    + co2Flow[i]
                let moistureBalance =
                    n * p.moisturePerPersonKilogramsPerSecond + p.backgroundMoistureKilogramsPerSecond
                    + density * flows[i].airflow * (outdoorRatio - zone.humidityRatio) + moistureFlow[i]
                zones[i].airTemperature += dt * airHeat / p.airCapacity
                zones[i].massTemperature += dt * massHeat / p.massCapacity
                zones[i].co2 += dt * co2Balance / p.volume
                zones[i].humidityRatio += dt * moistureBalance / (p.moistureBufferFactor * density * p.volume)
                zones[i].energyWattHours += dt * zone.electricPowerWatts / 3600
            }
        }
    }
}
