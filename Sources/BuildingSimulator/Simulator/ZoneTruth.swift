/// The true physical state of an indoor zone (what ideal sensors would report).
public struct ZoneTruth: Sendable, Hashable {
    /// Air temperature, °C.
    public var temperature: Double
    /// Relative humidity, %.
    public var humidity: Double
    /// CO2, ppm.
    public var co2: Double
    /// People present.
    public var occupants: Int
    /// Heating setpoint in force, °C.
    public var setpoint: Double
    /// Heating valve fraction in [0, 1].
    public var hvacLevel: Double
    public var windowOpen: Bool
    /// Cooling valve fraction in [0, 1] (not published: the twin's hvac series is the heating valve).
    public var coolingLevel: Double

    public init(
        temperature: Double,
        humidity: Double,
        co2: Double,
        occupants: Int,
        setpoint: Double,
        hvacLevel: Double,
        windowOpen: Bool,
        coolingLevel: Double = 0
    ) {
        self.temperature = temperature
        self.humidity = humidity
        self.co2 = co2
        self.occupants = occupants
        self.setpoint = setpoint
        self.hvacLevel = hvacLevel
        self.windowOpen = windowOpen
        self.coolingLevel = coolingLevel
    }
}
