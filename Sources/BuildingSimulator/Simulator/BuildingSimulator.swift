import UmweltCore

/// A plausible office building that publishes, for any twin, the messages its sensors would
/// send, in the twin's own topics and payload formats.
///
/// Every indoor zone is a 2-node RC network (air and thermal mass) coupled to the outdoors
/// and its neighbours, heated by a PI controller toward a scheduled setpoint (and cooled
/// above it plus 3 K), with people
/// who bring heat, CO2 and moisture, mechanical ventilation in office hours and, where the
/// twin binds a window, a window someone opens now and then (see `BuildingPhysics`,
/// `OutdoorWeather`, `OccupancyPlan`, `SetpointSchedule`). Zones are sized and used by
/// role, guessed from their ids (`ZoneRole`). The outdoor zone's sensors report the weather.
///
/// Deterministic: the same twin, configuration and overrides give the same messages, byte
/// for byte. A value type; `step()` costs microseconds per zone and topic.
public struct BuildingSimulator: Sendable {
    public let twin: TwinDefinition
    public let configuration: SimulatorConfiguration
    /// Current simulated time, Unix seconds.
    public private(set) var time: Double

    /// The tick in force, seconds: the configuration's, or 60 when that is not finite (at least 1).
    public let tickSeconds: Double

    private let clock: LocalClock
    private let physics: BuildingPhysics
    private var weather: OutdoorWeather
    var zones: [ZoneSimulation]
    /// Injected faults (`inject(_:)`).
    var faultState = FaultState()
    private var composer: PayloadComposer
    private let zoneIndexByID: [String: Int]
    private let outdoorZoneIDs: Set<String>

    public init(twin: TwinDefinition, configuration: SimulatorConfiguration) {
        self.twin = twin
        self.configuration = configuration
        time = configuration.start
        tickSeconds = configuration.tickSeconds.isFinite ? max(configuration.tickSeconds, 1) : 60
        clock = LocalClock(timezone: twin.timezone)
        let local = clock.localTime(at: configuration.start)
        weather = OutdoorWeather(seed: configuration.seed, local: local)
        let indoor = twin.zones.filter { $0.kind == .indoor }
        let outdoor = weather.conditions
        zones = indoor.map { zone in
            ZoneSimulation(
                zone: zone,
                isHeated: !configuration.unheatedZones.contains(zone.id),
                seed: configuration.seed,
                outdoor: outdoor
            )
        }
        physics = BuildingPhysics(zones: twin.zones, zoneIDs: indoor.map(\.id))
        composer = PayloadComposer(twin: twin, seed: configuration.seed, start: configuration.start)
        zoneIndexByID = Dictionary(indoor.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        outdoorZoneIDs = Set(twin.zones.filter { $0.kind == .outdoor }.map(\.id))
        for index in zones.indices {
            zones[index].refreshInputs(time: time, local: local, seconds: tickSeconds, outdoor: outdoor)
        }
    }

    /// Advances the simulation by one tick and returns the messages due at the new time.
    public mutating func step() -> [SimulatedMessage] {
        advance()
        let outdoor = weather.conditions
        let zoneIndex = zoneIndexByID
        let outdoorZones = outdoorZoneIDs
        let zones = self.zones
        let now = time
        let faults = faultState
        var faulty = faultState
        defer { faultState.heldValues = faulty.heldValues }
        return composer.compose(
            time: time,
            clock: clock,
            isNoisy: configuration.sensorNoise,
            heartbeatSeconds: configuration.presenceHeartbeatSeconds,
            adjust: { faulty.reported($2, zone: $0, quantity: $1.quantity, time: now) }
        ) { zone, binding in
            if faults.isSilenced(zone: zone, quantity: binding.quantity, time: now) { return nil }
            if binding.quantity == .hvac, let commanded = faults.commandedHeating[zone] { return commanded }
            if let index = zoneIndex[zone] { return Self.value(of: binding, in: zones[index], outdoor: outdoor) }
            if outdoorZones.contains(zone) { return Self.outdoorValue(of: binding.quantity, outdoor) }
            return nil
        }
    }

    /// Advances the physics, people and controls by one tick without writing messages
    /// (faster, for studies of the truth; presence reports and sensor noise do not advance).
    public mutating func advance() {
        physics.integrate(&zones, outdoor: weather.conditions, seconds: tickSeconds)
        time += tickSeconds
        let local = clock.localTime(at: time)
        weather.advance(seconds: tickSeconds, to: local)
        for index in zones.indices {
            zones[index].refreshInputs(time: time, local: local, seconds: tickSeconds, outdoor: weather.conditions)
        }
        applyBuildingFaults()
    }

    /// True physical state of an indoor zone (nil for the outdoor zone and unknown ids).
    public func trueState(zone: String) -> ZoneTruth? {
        zones.first { $0.id == zone }?.truth
    }

    /// The true outdoor conditions.
    public var outdoorTruth: OutdoorTruth { weather.conditions }

    /// Ids of the simulated indoor zones, in twin order.
    public var indoorZones: [String] { zones.map(\.id) }

    /// Applies an override from the current simulated time on; unknown zones are ignored.
    ///
    /// Controls that act over the next tick (setpoint, valve, window) are re-evaluated at once.
    public mutating func apply(_ override: SimulatorOverride) {
        let local = clock.localTime(at: time)
        switch override {
        case .setpoint(let zone, let celsius):
            update(zone) { $0.forcedSetpoint = celsius }
        case .occupancyScale(let zone, let factor):
            update(zone) { $0.occupancyScale = max(factor, 0) }
        case .outdoorOffset(let celsius):
            weather.offsetCelsius = celsius
            weather.refresh(at: local)
        case .windowOpen(let zone, let isOpen):
            update(zone) { $0.forcedWindowOpen = isOpen }
        }
    }

    /// Redraws the future visits of `zone` from the occupancy stream `seed`: visits under way
    /// keep their end, later ones (today's and every later day's) are drawn anew. Runs from one
    /// state with different seeds give the spread of what may happen next, e.g. the expected
    /// effect of a change over the meetings that may or may not come.
    public mutating func redrawOccupancy(zone: String, seed: UInt64) {
        let local = clock.localTime(at: time)
        update(zone) { $0.redrawOccupancy(seed: seed, local: local) }
    }

    private mutating func update(_ zone: String, _ change: (inout ZoneSimulation) -> Void) {
        guard let index = zones.firstIndex(where: { $0.id == zone }) else { return }
        change(&zones[index])
        zones[index].refreshInputs(
            time: time, local: clock.localTime(at: time), seconds: 0, outdoor: weather.conditions)
    }

    /// The true canonical value an indoor zone's binding measures.
    static func value(of binding: SensorBinding, in zone: ZoneSimulation, outdoor: OutdoorTruth) -> Double? {
        switch binding.quantity {
        case .temperature: zone.airTemperature
        case .humidity: zone.relativeHumidity
        case .co2: zone.co2
        case .occupancy:
            (binding.occupancyKind ?? .presence) == .presence
                ? (zone.occupants > 0 ? 1 : 0) : Double(zone.occupants)
        case .illuminance: zone.illuminance(outdoor: outdoor)
        case .solar: outdoor.solar
        case .power: zone.electricPowerWatts
        case .energy: zone.energyWattHours
        case .setpoint: zone.setpoint
        case .hvac: zone.hvacLevel
        case .ventilation: zone.ventilationLevel
        case .window: zone.isWindowOpen ? 1 : 0
        case .generic: nil
        }
    }

    /// The true canonical value an outdoor sensor measures.
    static func outdoorValue(of quantity: Quantity, _ outdoor: OutdoorTruth) -> Double? {
        switch quantity {
        case .temperature: outdoor.temperature
        case .humidity: outdoor.humidity
        case .co2: outdoor.co2
        case .solar: outdoor.solar
        case .illuminance: outdoor.illuminance
        default: nil
        }
    }
}
