/// How a `BuildingSimulator` runs: seed, start time, tick and sensor behaviour.
public struct SimulatorConfiguration: Sendable, Hashable {
    /// Seed of every random part (weather, people, manual setpoint changes, sensor noise).
    public var seed: UInt64 = 1
    /// Unix seconds of the simulated start.
    public var start: Double
    /// Physics step and report interval of climate sensors and counters, seconds (> 0).
    public var tickSeconds: Double = 60
    /// Add measurement noise (temperature σ 0.05 K, humidity σ 0.3 %, CO2 σ 8 ppm) to reports.
    public var sensorNoise: Bool = true
    /// Presence and window sensors report on change and at least this often, seconds.
    public var presenceHeartbeatSeconds: Double = 300
    /// Zones without heating: they follow the outdoors, their neighbours and their gains.
    public var unheatedZones: Set<String> = []

    /// A configuration starting at `start` (Unix seconds) with the defaults above.
    public init(start: Double) {
        self.start = start
    }
}
