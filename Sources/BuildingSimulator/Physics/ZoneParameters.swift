/// The physical constants of one indoor zone, in SI units (W, J, K, m, s).
///
/// Derived from the zone's role (floor area A, height 3 m) with typical values for a
/// medium-weight office, each envelope conductance varied by ±15 % per zone (seeded) so
/// that zones differ:
///
/// | symbol | meaning | value |
/// |---|---|---|
/// | C_a | air node capacity (air plus furniture) | 5 ρ c_p V |
/// | C_m | thermal mass capacity | 120 kJ/(m²·K) · A |
/// | H_e | air to outdoors (windows, frames) | 0.9 W/(m²·K) · A |
/// | H_mo | mass to outdoors (opaque walls) | 0.5 W/(m²·K) · A |
/// | H_am | air to mass (internal surfaces) | 9 W/(m²·K) · A |
/// | Φ_max | heating power | 70 W/m² · A |
/// | Φ_c | cooling power | 50 W/m² · A |
/// | A_sol | effective glazing (area × g × shading) | 0.15 A · 0.3 |
///
/// Time constants: the air node C_a / H_am is about half an hour, the mass node
/// C_m / (H_am ∥ H_mo + H_e + H_v) many hours.
struct ZoneParameters: Sendable, Hashable {
    var floorArea: Double
    var volume: Double
    var airCapacity: Double
    var massCapacity: Double
    var envelopeConductance: Double
    var massOutdoorConductance: Double
    var airMassConductance: Double
    var heatingPowerWatts: Double
    var coolingPowerWatts: Double
    /// Share of the solar gain that passes lowered blinds.
    var blindsTransmission: Double
    var effectiveGlazingArea: Double
    /// Share of solar gain that heats the air directly; the rest warms the mass.
    var solarAirFraction: Double
    var designOccupants: Int
    var infiltrationAirChangesPerHour: Double
    var mechanicalAirChangesPerHour: Double
    /// Extra air changes per hour while the window is open.
    var windowAirChangesPerHour: Double
    /// Share of the exhaust air's heat the ventilation unit recovers into the supply air.
    var heatRecoveryEfficiency: Double
    /// Sensible heat per person, W.
    var heatPerPersonWatts: Double
    /// Plug loads per person present (laptop, screen), W.
    var equipmentPerPersonWatts: Double
    /// Lighting while anyone is present, W/m².
    var lightingWattsPerSquareMetre: Double
    /// Standby loads, W/m².
    var standbyWattsPerSquareMetre: Double
    /// CO2 exhaled per person, m³/s (0.3 L/min).
    var co2PerPersonCubicMetresPerSecond: Double
    /// Moisture per person, kg/s (50 g/h), plus the role's extra.
    var moisturePerPersonKilogramsPerSecond: Double
    /// Background moisture (plants, materials, cleaning), kg/s.
    var backgroundMoistureKilogramsPerSecond: Double
    /// Moisture buffering of surfaces: the air's vapour capacity is multiplied by this.
    var moistureBufferFactor: Double

    init(role: ZoneRole, random: inout SimulationRandom) {
        let area = role.floorAreaSquareMetres
        floorArea = area
        volume = area * 3
        airCapacity = 5 * Psychrometrics.airVolumetricHeatCapacity * volume
        massCapacity = 120_000 * area
        envelopeConductance = 0.9 * area * random.uniform(0.85...1.15)
        massOutdoorConductance = 0.5 * area * random.uniform(0.85...1.15)
        airMassConductance = 9 * area
        heatingPowerWatts = 70 * area
        coolingPowerWatts = 50 * area
        blindsTransmission = 0.3
        effectiveGlazingArea = 0.15 * area * 0.3 * random.uniform(0.8...1.2)
        solarAirFraction = 0.4
        designOccupants = role.designOccupants
        infiltrationAirChangesPerHour = 0.2
        mechanicalAirChangesPerHour = role.mechanicalAirChangesPerHour
        windowAirChangesPerHour = 5
        heatRecoveryEfficiency = 0.75
        heatPerPersonWatts = 80
        equipmentPerPersonWatts = 60
        lightingWattsPerSquareMetre = 5
        standbyWattsPerSquareMetre = 2
        co2PerPersonCubicMetresPerSecond = 0.3e-3 / 60
        moisturePerPersonKilogramsPerSecond = 0.05 / 3600 + role.extraMoisturePerPersonKilogramsPerSecond
        backgroundMoistureKilogramsPerSecond = 0.04 / 3600 * area / 20
        moistureBufferFactor = 4
    }
}
