import UmweltCore

/// The state of one indoor zone: physical state, the people and controls acting on it, and
/// the overrides in force.
struct ZoneSimulation: Sendable {
    let id: String
    let role: ZoneRole
    let parameters: ZoneParameters
    let isHeated: Bool
    let hasOperableWindow: Bool

    // Physical state.
    /// Air node temperature T_a, °C.
    var airTemperature: Double
    /// Thermal mass temperature T_m, °C.
    var massTemperature: Double
    /// CO2 concentration c, ppm.
    var co2: Double
    /// Humidity ratio W, kg/kg.
    var humidityRatio: Double
    /// Electric energy of lights and plug loads since the start, Wh.
    var energyWattHours = 0.0

    // Inputs, evaluated at the current time and held over the next tick.
    var occupants = 0
    var setpoint = SetpointSchedule.unoccupiedCelsius
    /// Heating valve fraction u_h in [0, 1].
    var hvacLevel = 0.0
    /// Cooling valve fraction u_c in [0, 1].
    var coolingLevel = 0.0
    /// External blinds lowered (sun on a warm zone): solar gain cut to `blindsTransmission`.
    var areBlindsDown = false
    var ventilationLevel = 0.0
    var isWindowOpen = false

    // Behaviour.
    private var occupancyRandom: SimulationRandom
    private var plan = OccupancyPlan(visits: [])
    private var plannedDay: Int?
    private var schedule: SetpointSchedule
    private var heating = ValveController()
    private var cooling = ValveController()
    private var window: WindowBehaviour

    // Overrides.
    var forcedSetpoint: Double?
    var occupancyScale = 1.0
    var forcedWindowOpen: Bool? {
        get { window.forcedOpen }
        set { window.forcedOpen = newValue }
    }

    init(zone: ZoneDefinition, isHeated: Bool, seed: UInt64, outdoor: OutdoorTruth) {
        id = zone.id
        role = ZoneRole(zoneID: zone.id)
        var parameterRandom = SimulationRandom(seed: seed, stream: "parameters/" + zone.id)
        parameters = ZoneParameters(role: role, random: &parameterRandom)
        self.isHeated = isHeated
        hasOperableWindow = zone.sensors.contains { $0.quantity == .window }
        airTemperature = isHeated ? 19.5 : 16
        massTemperature = airTemperature
        co2 = OutdoorWeather.co2PPM + 30
        humidityRatio = outdoor.humidityRatio + 0.0004
        occupancyRandom = SimulationRandom(seed: seed, stream: "occupancy/" + zone.id)
        schedule = SetpointSchedule(seed: seed, zone: zone.id)
        window = WindowBehaviour(seed: seed, zone: zone.id)
    }

    /// Relative humidity of the air node, %.
    var relativeHumidity: Double {
        Psychrometrics.relativeHumidity(humidityRatio: humidityRatio, celsius: airTemperature)
    }

    /// Lights and plug loads, W: all of it ends up as heat in the zone.
    var electricPowerWatts: Double {
        let p = parameters
        let lights = occupants > 0 ? p.lightingWattsPerSquareMetre * p.floorArea : 0
        return Double(occupants) * p.equipmentPerPersonWatts + lights + p.standbyWattsPerSquareMetre * p.floorArea
    }

    /// Indoor illuminance on the desks, lux: lights (500 lx) while occupied plus 2 % daylight.
    func illuminance(outdoor: OutdoorTruth) -> Double {
        (occupants > 0 ? 500 : 0) + 0.02 * outdoor.illuminance
    }

    /// Evaluates occupancy, window, setpoint, ventilation, blinds and the valves at `local`,
    /// `seconds` after the previous evaluation.
    mutating func refreshInputs(time: Double, local: LocalTime, seconds: Double, outdoor: OutdoorTruth) {
        if plannedDay != local.dayNumber {
            plannedDay = local.dayNumber
            plan = OccupancyPlan.make(role: role, isWeekend: local.isWeekend, random: &occupancyRandom)
        }
        let scheduled = plan.occupants(atSecondsOfDay: local.secondsOfDay)
        occupants = Int((Double(scheduled) * occupancyScale).rounded())
        if hasOperableWindow || window.forcedOpen != nil {
            window.update(time: time, seconds: seconds, isOccupied: occupants > 0, outdoorCelsius: outdoor.temperature)
        }
        isWindowOpen = window.isOpen
        let scheduledSetpoint = schedule.setpoint(at: local)
        setpoint = forcedSetpoint ?? scheduledSetpoint
        ventilationLevel = Self.ventilationLevel(
            local: local,
            occupants: occupants,
            designOccupants: parameters.designOccupants
        )
        if areBlindsDown {
            areBlindsDown = outdoor.solar > 150 && airTemperature > 22.5
        } else {
            areBlindsDown = outdoor.solar > 250 && airTemperature > 23
        }
        if isHeated {
            hvacLevel = heating.update(error: setpoint - airTemperature, seconds: seconds)
            let coolingSetpoint = SetpointSchedule.coolingSetpoint(heating: setpoint, local: local)
            coolingLevel = cooling.update(error: airTemperature - coolingSetpoint, seconds: seconds)
        } else {
            heating.reset()
            cooling.reset()
            hvacLevel = 0
            coolingLevel = 0
        }
    }

    /// Redraws the visits that have not begun at `local` from a fresh occupancy stream `seed`
    /// (later days draw from that stream too): visits under way keep their end, later ones come
    /// from a new plan for the day, without those that start before the last kept visit ends
    /// (one group at a time, as in a meeting room).
    mutating func redrawOccupancy(seed: UInt64, local: LocalTime) {
        occupancyRandom = SimulationRandom(seed: seed, stream: "occupancy/" + id)
        let now = local.secondsOfDay
        let kept = plan.visits.filter { $0.start <= now }
        let keptEnd = kept.map(\.end).max() ?? -.infinity
        let fresh = OccupancyPlan.make(role: role, isWeekend: local.isWeekend, random: &occupancyRandom)
        plan = OccupancyPlan(visits: kept + fresh.visits.filter { $0.start > now && $0.start >= keptEnd })
        plannedDay = local.dayNumber
    }

    /// Mechanical ventilation fan level: on weekdays 06:30–19:00 (and whenever someone is
    /// present) at 40 % plus 60 % of the design occupancy share (demand control), off otherwise.
    static func ventilationLevel(local: LocalTime, occupants: Int, designOccupants: Int) -> Double {
        let officeHours = !local.isWeekend && local.hour >= 6.5 && local.hour < 19
        guard officeHours || occupants > 0 else { return 0 }
        return min(1, 0.4 + 0.6 * Double(occupants) / Double(max(designOccupants, 1)))
    }

    var truth: ZoneTruth {
        ZoneTruth(
            temperature: airTemperature,
            humidity: relativeHumidity,
            co2: co2,
            occupants: occupants,
            setpoint: setpoint,
            hvacLevel: hvacLevel,
            windowOpen: isWindowOpen,
            coolingLevel: coolingLevel
        )
    }
}
