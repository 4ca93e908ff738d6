import UmweltCore

/// A fault injected into the simulated building from `start` for `durationSeconds`, with a
/// known window: the labels of a fault set for scoring anomaly detectors.
///
/// Sensor faults change what one zone's sensor of `quantity` reports (after measurement noise,
/// in canonical units); building faults (`windowOpen`, `hvacFailure`) change the physics of the
/// zone and leave every sensor honest.
///
/// A building fault with `maximumDelaySeconds > 0` waits, from `start`, for a moment when it
/// is a fault at all, and begins then (its `start` becomes that tick): a failed plant matters
/// only while the controller demands heat (command ≥ `hvacDemandThreshold`), an open window
/// only while the outdoor air is at least `windowTemperatureGap` colder than the zone (in mild
/// weather airing is not a fault and changes nothing measurable). A fault whose moment does
/// not come within the delay is cancelled: it never acts and is not listed as injected.
public struct SimulatorFault: Sendable, Hashable {
    /// What goes wrong.
    public enum Kind: Sendable, Hashable {
        /// The sensor repeats its first reading inside the window exactly.
        case stuck
        /// The sensor's error grows linearly by `perHour` canonical units per hour.
        case drift(perHour: Double)
        /// The sensor reports `magnitude` canonical units too much.
        case spike(magnitude: Double)
        /// The sensor sends nothing.
        case dropout
        /// The window is held open (fast loss of heat and CO2).
        case windowOpen
        /// Heating delivers no heat while the valve still reports the controller's command.
        case hvacFailure
        /// The sensor reports the Fahrenheit number of a Celsius value (`°C · 1.8 + 32`) in the
        /// unit the twin expects.
        case fahrenheit

        /// A short snake_case name for tables: `stuck`, `drift`, `spike`, `dropout`,
        /// `window_open`, `hvac_failure`, `fahrenheit`.
        public var name: String {
            switch self {
            case .stuck: "stuck"
            case .drift: "drift"
            case .spike: "spike"
            case .dropout: "dropout"
            case .windowOpen: "window_open"
            case .hvacFailure: "hvac_failure"
            case .fahrenheit: "fahrenheit"
            }
        }

        /// Whether the fault acts on the building rather than on one sensor.
        public var isBuildingFault: Bool {
            switch self {
            case .windowOpen, .hvacFailure: true
            default: false
            }
        }
    }

    public var kind: Kind
    /// Indoor zone id.
    public var zone: String
    /// The sensor's quantity (ignored by building faults).
    public var quantity: Quantity
    /// Unix seconds.
    public var start: Double
    public var durationSeconds: Double
    /// How long a building fault may wait after `start` for a moment when it has an effect
    /// (0: it begins at `start` whatever the zone's state; ignored by sensor faults).
    public var maximumDelaySeconds: Double

    /// Smallest heating command (valve fraction) at which a plant failure begins.
    public static let hvacDemandThreshold = 0.3
    /// Smallest indoor minus outdoor temperature, K, at which a window fault begins.
    public static let windowTemperatureGap = 8.0

    public init(
        kind: Kind, zone: String, quantity: Quantity = .temperature, start: Double, durationSeconds: Double,
        maximumDelaySeconds: Double = 0
    ) {
        self.kind = kind
        self.zone = zone
        self.quantity = quantity
        self.start = start
        self.durationSeconds = max(0, durationSeconds)
        self.maximumDelaySeconds = kind.isBuildingFault ? max(0, maximumDelaySeconds) : 0
    }

    /// End of the window, Unix seconds (exclusive).
    public var end: Double { start + durationSeconds }

    /// Whether the fault acts at `time`.
    public func isActive(at time: Double) -> Bool {
        time >= start && time < end
    }

    /// Whether the fault changes what the sensor `quantity` of `zone` reports.
    func affects(zone: String, quantity: Quantity) -> Bool {
        !kind.isBuildingFault && self.zone == zone && self.quantity == quantity
    }
}
