import UmweltCore
import WorldModel

/// Comfort and effort figures of one zone over a scenario's window, in the spirit of BOPTEST.
///
/// - `discomfort_kelvin_hours`: Σ o_h · max(0, low − T_h, T_h − high) · Δt, with `o_h` the
///   occupancy weight (presence probability, or expected people capped at 1; 1 without an
///   occupancy sensor) and the comfort band from the twin file (default 20–24 °C).
/// - `co2_excess_ppm_hours`: Σ max(0, CO2_h − limit) · Δt (limit default 1000 ppm).
/// - `first_discomfort`, `first_co2_exceedance`: the first point (occupied, o_h ≥ 0.5, for
///   discomfort) outside the band or above the limit.
/// - `hvac_runtime_hours`: Σ hvac level · Δt (level clamped to [0, 1]), when an hvac control is
///   bound; `electric_energy_kwh`: Σ P · Δt when a power sensor is bound.
///
/// Means are used (not quantiles); Δt is the step length in hours.
public struct ComfortKPIs: Sendable, Encodable, Hashable {
    public var discomfort_kelvin_hours: Double?
    public var first_discomfort: String?
    public var co2_excess_ppm_hours: Double?
    public var first_co2_exceedance: String?
    public var hvac_runtime_hours: Double?
    public var electric_energy_kwh: Double?

    init(zone: ZoneDefinition, projection: ScenarioProjection, window: ScenarioWindow, scenario: Bool) {
        let hours = window.stepSeconds / 3_600
        func path(_ quantity: Quantity) -> [ForecastPoint]? {
            projection.series(zone: zone.id, quantity: quantity).map {
                Array(window.slice(scenario ? $0.scenario : $0.baseline))
            }
        }
        let occupancy = path(.occupancy)
        func occupied(_ h: Int) -> Double {
            guard let occupancy, h < occupancy.count else { return 1 }
            return max(0, min(1, occupancy[h].mean))
        }
        if let temperature = path(.temperature) {
            var total = 0.0
            for (h, point) in temperature.enumerated() {
                let outside = max(0, zone.comfortLowCelsius - point.mean, point.mean - zone.comfortHighCelsius)
                total += occupied(h) * outside * hours
                if first_discomfort == nil, outside > 0, occupied(h) >= 0.5 {
                    first_discomfort = formatRFC3339(point.time)
                }
            }
            discomfort_kelvin_hours = PayloadEncoding.rounded(total)
        }
        if let co2 = path(.co2) {
            var total = 0.0
            for point in co2 {
                let excess = max(0, point.mean - zone.co2LimitPPM)
                total += excess * hours
                if first_co2_exceedance == nil, excess > 0 { first_co2_exceedance = formatRFC3339(point.time) }
            }
            co2_excess_ppm_hours = PayloadEncoding.rounded(total)
        }
        func inputs(_ quantity: Quantity) -> [Double?]? {
            projection.inputs[SeriesKey(zone: zone.id, quantity: quantity)].map {
                let values = scenario ? $0.scenario : $0.baseline
                return Array(values[min(window.offset, values.count)..<min(window.offset + window.count, values.count)])
            }
        }
        if let hvac = inputs(.hvac) {
            hvac_runtime_hours = PayloadEncoding.rounded(hvac.reduce(0) { $0 + max(0, min(1, $1 ?? 0)) * hours })
        }
        if let power = inputs(.power) {
            electric_energy_kwh = PayloadEncoding.rounded(power.reduce(0) { $0 + ($1 ?? 0) * hours / 1_000 })
        }
    }
}
