import Testing
import UmweltCore

@testable import WorldModel

/// The stuck detector's "noise vanished" rule: a sensor whose readings inside a step always
/// differ is stuck once they repeat exactly, while a coarse sensor that often repeats its
/// value is left alone.
@Suite struct AnomalyStuckNoiseTests {
    static let start = 1_767_225_600.0

    /// One zone with one temperature sensor reading 5 times per step around 21 °C, with
    /// `resolution` and a deterministic pseudo-noise; during the steps of `frozen` it repeats
    /// one value exactly. Returns the opened events.
    func run(steps: Int, resolution: Double, frozen: [Range<Int>]) -> [AnomalyEvent] {
        let twin = TwinDefinition(
            id: "noisy", stepSeconds: 300, horizonSteps: 12,
            zones: [ZoneDefinition(id: "room", sensors: [SensorBinding(quantity: .temperature, topic: "t")])]
        )
        var configuration = ModelConfiguration(twin: twin)
        configuration.warmupSteps = 50
        var model = TwinModel(twin: twin, configuration: configuration)
        var events: [AnomalyEvent] = []
        var state: UInt64 = 7
        for k in 0..<steps {
            let time = Self.start + Double(k) * 300
            for i in 0..<5 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let noise = (Double(state >> 11) / Double(1 << 53) - 0.5) * 0.2
                let raw = frozen.contains { $0.contains(k) } ? 21.04 : 21 + noise
                let value = (raw / resolution).rounded() * resolution
                _ = model.ingest(
                    Reading(zone: "room", quantity: .temperature, time: time + Double(i) * 60 + 1, value: value))
            }
            for report in model.advance(to: time + 400) { events += report.events }
        }
        return events.filter { $0.phase == .opened }
    }

    @Test func noisySensorThatRepeatsExactlyIsStuckWithinAnHourEachTime() {
        // The second freeze comes soon after a long first one: a learned "longest run" alone
        // would take 4 × 48 steps to call it stuck; the vanished noise does it at once.
        let events = run(steps: 480, resolution: 0.01, frozen: [300..<348, 400..<480])
        let stuck = events.filter { $0.kind == .stuck }
        #expect(stuck.count == 2)
        for first in [300.0, 400.0] {
            let start = Self.start + first * 300
            #expect(stuck.contains { $0.start >= start && $0.start <= start + 3_600 })
        }
    }

    @Test func coarseSensorThatOftenRepeatsIsNotStuck() {
        // A 0.5 K resolution: the readings of most steps are identical.
        let events = run(steps: 400, resolution: 0.5, frozen: [])
        #expect(!events.contains { $0.kind == .stuck })
    }
}
