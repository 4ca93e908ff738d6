/// What a sensor measures or a control sets.
///
/// Canonical units inside Umwelt: temperature and setpoint in °C, humidity in % RH,
/// CO2 in ppm, occupancy as presence (0 or 1) or a people count, illuminance in lux,
/// solar in W/m², power in W, energy in Wh, hvac/ventilation/window as levels in [0, 1]
/// (or a mode number for hvac). A generic series keeps whatever unit it arrives in.
public enum Quantity: Hashable, Sendable, Comparable, CustomStringConvertible {
    case temperature
    case humidity
    case co2
    case occupancy
    case illuminance
    case solar
    case power
    case energy
    case setpoint
    case hvac
    case ventilation
    case window
    /// Any other named numeric series, modelled without physics.
    case generic(String)

    /// The fixed vocabulary, in display order.
    public static let known: [Quantity] = [
        .temperature, .humidity, .co2, .occupancy, .illuminance, .solar, .power, .energy,
        .setpoint, .hvac, .ventilation, .window,
    ]

    public init(name: String) {
        switch name.lowercased() {
        case "temperature": self = .temperature
        case "humidity": self = .humidity
        case "co2": self = .co2
        case "occupancy": self = .occupancy
        case "illuminance": self = .illuminance
        case "solar": self = .solar
        case "power": self = .power
        case "energy": self = .energy
        case "setpoint": self = .setpoint
        case "hvac": self = .hvac
        case "ventilation": self = .ventilation
        case "window": self = .window
        default: self = .generic(name)
        }
    }

    /// The name used in twin files, topics and APIs.
    public var name: String {
        switch self {
        case .temperature: "temperature"
        case .humidity: "humidity"
        case .co2: "co2"
        case .occupancy: "occupancy"
        case .illuminance: "illuminance"
        case .solar: "solar"
        case .power: "power"
        case .energy: "energy"
        case .setpoint: "setpoint"
        case .hvac: "hvac"
        case .ventilation: "ventilation"
        case .window: "window"
        case .generic(let name): name
        }
    }

    public var description: String { name }

    /// Temperature, humidity and CO2: the quantities the model forecasts with physics.
    public var isClimate: Bool {
        switch self {
        case .temperature, .humidity, .co2: true
        default: false
        }
    }

    /// Quantities a person or a controller sets; scenarios may override them.
    public var isControl: Bool {
        switch self {
        case .setpoint, .hvac, .ventilation, .window: true
        default: false
        }
    }

    /// The unit values of this quantity carry inside Umwelt.
    public var canonicalUnit: MeasurementUnit? {
        switch self {
        case .temperature, .setpoint: .degC
        case .humidity: .percent
        case .co2: .ppm
        case .power: .W
        case .energy: .Wh
        case .solar: .wattsPerSquareMetre
        case .illuminance: .lux
        case .occupancy, .hvac, .ventilation, .window, .generic: nil
        }
    }

    /// Values outside this range are physically impossible and rejected at the router.
    public var possibleRange: ClosedRange<Double> {
        switch self {
        case .temperature, .setpoint: -90...90
        case .humidity: 0...100
        case .co2: 0...100_000
        case .occupancy: 0...100_000
        case .illuminance: 0...200_000
        case .solar: 0...2_000
        case .power: -1e9...1e9
        case .energy: -1e15...1e15
        case .hvac: -10...100
        case .ventilation: 0...100
        case .window: 0...1
        case .generic: -Double.greatestFiniteMagnitude...Double.greatestFiniteMagnitude
        }
    }

    /// Values outside this range are possible but unusual indoors: an out-of-range anomaly.
    public var plausibleRange: ClosedRange<Double> {
        switch self {
        case .temperature: -40...60
        case .setpoint: 5...35
        case .humidity: 1...99.5
        case .co2: 250...10_000
        default: possibleRange
        }
    }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool {
        let li = known.firstIndex(of: lhs) ?? known.count
        let ri = known.firstIndex(of: rhs) ?? known.count
        return li != ri ? li < ri : lhs.name < rhs.name
    }
}

extension Quantity: Codable {
    public init(from decoder: any Decoder) throws {
        self.init(name: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}
