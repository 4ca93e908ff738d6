/// A zone's heating setpoint: 21 °C on weekdays 07:00–18:00 local time, 17 °C otherwise,
/// with occasional manual changes; cooling holds the zone below the setpoint plus 3 K in
/// office hours and below 28 °C otherwise.
///
/// On about a third of weekdays someone turns the thermostat ±1 K at a random time between
/// 08:00 and 15:00 for 1.5 to 4 hours (seeded per zone), so a learner sees the setpoint vary
/// within office hours, not only at the schedule's edges.
struct SetpointSchedule: Sendable, Hashable {
    static let occupiedCelsius = 21.0
    static let unoccupiedCelsius = 17.0
    static let occupiedStartHour = 7.0
    static let occupiedEndHour = 18.0
    static let manualChangeProbability = 0.35

    struct ManualChange: Sendable, Hashable {
        var startSecond: Double
        var endSecond: Double
        var deltaCelsius: Double
    }

    private var random: SimulationRandom
    private var plannedDay: Int?
    private var manualChange: ManualChange?

    init(seed: UInt64, zone: String) {
        random = SimulationRandom(seed: seed, stream: "setpoint/" + zone)
    }

    /// Cooling starts this far above the heating setpoint in office hours (24 °C at 21 °C).
    static let coolingDeadbandKelvin = 3.0
    /// Cooling limit outside office hours, °C.
    static let unoccupiedCoolingCelsius = 28.0

    /// The cooling setpoint that goes with a heating setpoint at `local`.
    static func coolingSetpoint(heating: Double, local: LocalTime) -> Double {
        let isOfficeHours = !local.isWeekend && local.hour >= occupiedStartHour && local.hour < occupiedEndHour
        let cooling = heating + coolingDeadbandKelvin
        return isOfficeHours ? cooling : max(unoccupiedCoolingCelsius, cooling)
    }

    /// The scheduled setpoint at `local`, planning the day's manual change when a new day begins.
    mutating func setpoint(at local: LocalTime) -> Double {
        if plannedDay != local.dayNumber {
            plannedDay = local.dayNumber
            manualChange = nil
            if !local.isWeekend && random.chance(Self.manualChangeProbability) {
                let start = random.uniform(8...15) * 3600
                manualChange = ManualChange(
                    startSecond: start,
                    endSecond: start + random.uniform(1.5...4) * 3600,
                    deltaCelsius: random.chance(0.5) ? 1 : -1
                )
            }
        }
        guard !local.isWeekend, local.hour >= Self.occupiedStartHour, local.hour < Self.occupiedEndHour else {
            return Self.unoccupiedCelsius
        }
        if let manualChange, local.secondsOfDay >= manualChange.startSecond,
            local.secondsOfDay < manualChange.endSecond
        {
            return Self.occupiedCelsius + manualChange.deltaCelsius
        }
        return Self.occupiedCelsius
    }
}
