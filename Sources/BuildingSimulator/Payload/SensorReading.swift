import UmweltCore

/// A value as one sensor reports it: noisy, in the binding's unit, with the sensor's resolution.
///
/// Noise (when on) is added in canonical units, then the value is converted with
/// `unit.convertFromCanonical(_:for:)` and quantised by the number of decimals it is written
/// with: temperature σ 0.05 K → 0.01, humidity σ 0.3 % → 0.1 %, CO2 σ 8 ppm → 1 ppm.
enum SensorReading: Sendable, Hashable {
    case number(Double, decimals: Int)
    case flag(Bool)

    /// Whether the binding reports a state rather than a measurement (presence, window).
    static func isBooleanLike(_ binding: SensorBinding) -> Bool {
        switch binding.quantity {
        case .window: true
        case .occupancy: (binding.occupancyKind ?? .presence) == .presence
        default: false
        }
    }

    /// Measurement noise σ in canonical units.
    static func noiseStandardDeviation(_ quantity: Quantity) -> Double {
        switch quantity {
        case .temperature: 0.05
        case .humidity: 0.3
        case .co2: 8
        case .illuminance: 5
        case .solar: 3
        default: 0
        }
    }

    /// Decimals written for a quantity in a unit.
    static func decimals(_ quantity: Quantity, unit: MeasurementUnit?) -> Int {
        switch quantity {
        case .temperature: 2
        case .setpoint: 1
        case .humidity: unit == .fraction ? 3 : 1
        case .hvac, .ventilation, .window: unit == .percent ? 0 : 2
        case .power, .energy: unit == .kW || unit == .kWh ? 3 : 0
        case .co2, .occupancy, .illuminance, .solar: 0
        case .generic: 2
        }
    }

    /// The noisy canonical value a sensor measures (the input of `init(measured:binding:)`).
    static func measure(_ canonical: Double, quantity: Quantity, noise: inout SimulationRandom, isNoisy: Bool) -> Double
    {
        let sigma = noiseStandardDeviation(quantity)
        guard sigma > 0, isNoisy else { return canonical }
        let noisy = canonical + sigma * noise.normal()
        switch quantity {
        case .humidity: return min(max(noisy, 0), 100)
        case .co2, .illuminance, .solar: return max(noisy, 0)
        default: return noisy
        }
    }

    /// The reported value of a measured canonical value.
    init(measured: Double, binding: SensorBinding) {
        if Self.isBooleanLike(binding) {
            self = .flag(measured > 0.5)
            return
        }
        let value = binding.unit.map { $0.convertFromCanonical(measured, for: binding.quantity) } ?? measured
        self = .number(value, decimals: Self.decimals(binding.quantity, unit: binding.unit))
    }

    var plainText: String {
        switch self {
        case .number(let value, let decimals): Self.format(value, decimals: decimals)
        case .flag(let flag): flag ? "ON" : "OFF"
        }
    }

    var booleanText: String {
        switch self {
        case .number(let value, _): value > 0 ? "ON" : "OFF"
        case .flag(let flag): flag ? "ON" : "OFF"
        }
    }

    var json: JSONValue {
        switch self {
        case .number(let value, let decimals): .number(Self.format(value, decimals: decimals))
        case .flag(let flag): .bool(flag)
        }
    }

    /// `value` rounded to `decimals` places, without trailing zeros: 21.40 → "21.4", 17 → "17".
    static func format(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "0" }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (value * scale).rounded()
        guard abs(scaled) < 9e15 else { return String(Int(value.rounded())) }
        let units = Int(scaled)
        let magnitude = abs(units)
        let divisor = Int(scale)
        var text = (units < 0 ? "-" : "") + String(magnitude / divisor)
        var fraction = magnitude % divisor
        var places = decimals
        while places > 0 && fraction % 10 == 0 {
            fraction /= 10
            places -= 1
        }
        if places > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: places - digits.count) + digits
        }
        return text
    }
}
