import Foundation
import UmweltCore
import WorldModel

/// A seeded SplitMix64 generator with Gaussian draws, for reproducible simulations.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    mutating func gaussian() -> Double {
        let u1 = max(uniform(), 1e-300)
        let u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

/// A simulated building: outdoor temperature with a daily cycle, one room whose temperature
/// follows `T[t+1] = T + a (T_out − T) + b u + noise` with a scheduled heater `u`, and a
/// weekday 9-17 occupancy driving CO2.
struct SimulatedBuilding {
    static let start = 1_700_438_400.0  // Monday 2023-11-20 00:00 UTC
    var step = 300.0

    var a = 0.05
    var b = 0.3
    var noise = 0.05
    var generator = SeededGenerator(seed: 42)
    var outdoor = 5.0
    var outdoorDeviation = 0.0
    var room = 20.0
    var co2 = 450.0
    var occupied = false
    var index = 0

    static func twin(horizonSteps: Int = 24, stepSeconds: Int = 300) -> TwinDefinition {
        TwinDefinition(
            id: "sim",
            stepSeconds: stepSeconds,
            horizonSteps: horizonSteps,
            zones: [
                ZoneDefinition(
                    id: "outside", kind: .outdoor,
                    sensors: [SensorBinding(quantity: .temperature, topic: "o/t")]
                ),
                ZoneDefinition(
                    id: "room",
                    sensors: [
                        SensorBinding(quantity: .temperature, topic: "r/t"),
                        SensorBinding(quantity: .hvac, topic: "r/h"),
                        SensorBinding(quantity: .co2, topic: "r/c"),
                        SensorBinding(quantity: .occupancy, topic: "r/o", occupancyKind: .presence),
                    ]
                ),
            ]
        )
    }

    static func configuration(_ twin: TwinDefinition, warmup: Int = 144) -> ModelConfiguration {
        var configuration = ModelConfiguration(twin: twin)
        configuration.warmupSteps = warmup
        return configuration
    }

    func time(ofStep step: Int) -> Double { Self.start + Double(step) * self.step }

    static func heater(at time: Double) -> Double {
        let hour = (time.truncatingRemainder(dividingBy: 86_400)) / 3_600
        return hour >= 6 && hour < 18 ? 1 : 0
    }

    static func isWorkHours(_ time: Double) -> Bool {
        let day = Int((time / 86_400).rounded(.down))
        let weekday = ((day + 3) % 7 + 7) % 7
        let hour = (time.truncatingRemainder(dividingBy: 86_400)) / 3_600
        return weekday < 5 && hour >= 9 && hour < 17
    }

    /// Readings of the current step (mid-step times), then advances the simulation one step.
    mutating func nextReadings() -> [Reading] {
        let t = time(ofStep: index)
        let u = Self.heater(at: t)
        occupied = Self.isWorkHours(t)
        let readings = [
            Reading(zone: "outside", quantity: .temperature, time: t + 10, value: outdoor),
            Reading(zone: "room", quantity: .temperature, time: t + 20, value: room),
            Reading(zone: "room", quantity: .hvac, time: t + 30, value: u),
            Reading(zone: "room", quantity: .co2, time: t + 40, value: co2),
            Reading(
                zone: "room", quantity: .occupancy, time: t + 50, value: occupied ? 1 : 0, occupancyKind: .presence
            ),
        ]
        let dayAngle = 2 * Double.pi * (t.truncatingRemainder(dividingBy: 86_400)) / 86_400
        outdoorDeviation = 0.98 * outdoorDeviation + 0.05 * generator.gaussian()
        let nextOutdoor = 5 - 4 * cos(dayAngle) + outdoorDeviation
        room += a * (outdoor - room) + b * u + noise * generator.gaussian()
        co2 += 0.08 * (420 - co2) + (occupied ? 25 : 0) + 3 * generator.gaussian()
        outdoor = nextOutdoor
        index += 1
        return readings
    }
}

/// Feeds `steps` simulated steps into `model`, advancing the data clock after each step.
func run(
    _ building: inout SimulatedBuilding, _ model: inout TwinModel, steps: Int,
    each: (StepReport) -> Void = { _ in }
) {
    for _ in 0..<steps {
        for reading in building.nextReadings() { _ = model.ingest(reading) }
        for report in model.advance(to: building.time(ofStep: building.index) + 60) { each(report) }
    }
}
