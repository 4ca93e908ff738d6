/// A unit a sensor may report in; `convertToCanonical` maps it to the quantity's canonical unit.
public enum MeasurementUnit: String, Sendable, Codable, CaseIterable {
    case degC
    case degF
    case K
    case percent
    case fraction
    case ppm
    case W
    case kW
    case Wh
    case kWh
    case lux
    case wattsPerSquareMetre = "W/m2"

    /// Converts `value` in this unit to the canonical unit of `quantity`.
    ///
    /// Canonical: °C, % RH, ppm, W, Wh, lux, W/m²; levels (hvac, ventilation, window)
    /// are fractions in [0, 1], so `percent` divides by 100 for them, while `fraction`
    /// multiplies by 100 for humidity.
    public func convertToCanonical(_ value: Double, for quantity: Quantity) -> Double {
        let isLevel = quantity == .hvac || quantity == .ventilation || quantity == .window
        switch self {
        case .degC, .ppm, .W, .Wh, .lux, .wattsPerSquareMetre: return value
        case .degF: return (value - 32) * 5 / 9
        case .K: return value - 273.15
        case .percent: return isLevel ? value / 100 : value
        case .fraction: return isLevel ? value : value * 100
        case .kW, .kWh: return value * 1000
        }
    }

    /// The inverse of `convertToCanonical`: what a sensor in this unit would report.
    public func convertFromCanonical(_ value: Double, for quantity: Quantity) -> Double {
        let isLevel = quantity == .hvac || quantity == .ventilation || quantity == .window
        switch self {
        case .degC, .ppm, .W, .Wh, .lux, .wattsPerSquareMetre: return value
        case .degF: return value * 9 / 5 + 32
        case .K: return value + 273.15
        case .percent: return isLevel ? value * 100 : value
        case .fraction: return isLevel ? value : value / 100
        case .kW, .kWh: return value / 1000
        }
    }

    /// Whether a reading in this unit can describe `quantity`.
    public func isCompatible(with quantity: Quantity) -> Bool {
        switch quantity {
        case .temperature, .setpoint: [.degC, .degF, .K].contains(self)
        case .humidity: [.percent, .fraction].contains(self)
        case .co2: self == .ppm
        case .power: [.W, .kW].contains(self)
        case .energy: [.Wh, .kWh].contains(self)
        case .solar: self == .wattsPerSquareMetre
        case .illuminance: self == .lux
        case .occupancy: false
        case .hvac, .ventilation, .window: [.percent, .fraction].contains(self)
        case .generic: true
        }
    }
}
