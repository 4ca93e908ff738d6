import Foundation
import Testing
import UmweltCore

@testable import WorldModel

/// Any single numeric stream (a meter, a machine temperature) is a twin of one zone with one
/// generic quantity; the detectors must work on it without building physics.
@Suite struct AnomalyGenericStreamTests {
    static let start = 1_700_438_400.0  // Monday 2023-11-20 00:00 UTC
    static let key = SeriesKey(zone: "machine", quantity: .generic("bearing_temperature"))

    /// A machine temperature: 60 + a daily load cycle of ±4 + AR(1) noise (σ 0.3).
    struct Stream {
        var generator = SeededGenerator(seed: 7)
        var noise = 0.0
        var offset = 0.0

        mutating func value(at step: Int) -> Double {
            noise = 0.8 * noise + 0.3 * 0.6 * generator.gaussian()
            let day = Double(step % 288) / 288
            return 60 + 4 * sin(2 * Double.pi * day) + noise + offset
        }
    }

    static func model(deviationThreshold: Double? = nil) -> TwinModel {
        var twin = TwinDefinition(
            id: "meter", stepSeconds: 300, horizonSteps: 12,
            zones: [ZoneDefinition(id: "machine", sensors: [SensorBinding(quantity: key.quantity, topic: "m/t")])]
        )
        twin.anomalies = deviationThreshold.map { AnomalySettings(deviationThreshold: $0) }
        var configuration = ModelConfiguration(twin: twin)
        configuration.warmupSteps = 144
        return TwinModel(twin: twin, configuration: configuration)
    }

    /// Runs steps `range` of the stream; `edit` may change or drop (nil) each value.
    static func run(
        _ model: inout TwinModel, _ stream: inout Stream, _ range: Range<Int>,
        edit: (Int, Double) -> Double? = { $1 }
    ) -> (events: [AnomalyEvent], scores: [Int: AnomalyScore]) {
        var events: [AnomalyEvent] = []
        var scores: [Int: AnomalyScore] = [:]
        for k in range {
            let time = start + Double(k) * 300
            let value = stream.value(at: k)
            if let edited = edit(k, value) {
                _ = model.ingest(Reading(zone: key.zone, quantity: key.quantity, time: time + 10, value: edited))
            }
            for report in model.advance(to: time + 340) {
                events += report.events
                if let score = report.scores[key] { scores[Int(((report.step.start - start) / 300).rounded())] = score }
            }
        }
        return (events, scores)
    }

    @Test func cleanStreamGivesFewFalseAlarms() {
        var model = Self.model()
        var stream = Stream()
        _ = Self.run(&model, &stream, 0..<864)
        let (events, scores) = Self.run(&model, &stream, 864..<(864 + 2_016))
        let opened = events.filter { $0.phase == .opened }
        #expect(opened.count <= 1, "\(opened.map(\.explanation))")
        #expect(scores.count == 2_016)
        #expect(scores.values.allSatisfy { (0...1).contains($0.score) })
    }

    @Test func spikesAndLevelShiftAreDetectedAtOnce() {
        // After five spikes the series' learned tail is wider: the default threshold (0.998)
        // scores the shift 0.9975; a meter's twin file sets `deviation_threshold: 0.995`.
        var model = Self.model(deviationThreshold: 0.995)
        var stream = Stream()
        _ = Self.run(&model, &stream, 0..<864)
        let spikes = [900, 1_000, 1_100, 1_200, 1_300]
        let shift = 1_400
        let (events, scores) = Self.run(&model, &stream, 864..<1_500) { k, value in
            if spikes.contains(k) { return value + (k % 200 == 0 ? 6 : -6) }
            return k >= shift ? value + 6 : value
        }
        let opened = events.filter { $0.phase == .opened }
        let shiftTime = Self.start + Double(shift) * 300
        #expect(opened.contains { $0.start >= shiftTime && $0.start <= shiftTime + 3 * 300 }, "level shift missed")
        for k in spikes {
            let time = Self.start + Double(k) * 300
            #expect(
                opened.contains { $0.start == time && $0.kind == .deviation },
                "no event at step \(k): \(opened.map { "\(Int(($0.start - Self.start) / 300)) \($0.kind)" })")
            #expect((scores[k]?.score ?? 0) >= 0.99)
        }
        let unexplained = opened.filter { event in
            !(spikes + [shift]).contains { abs(event.start - (Self.start + Double($0) * 300)) <= 3 * 300 }
        }
        #expect(unexplained.count <= 2, "\(unexplained.map(\.explanation))")
    }

    @Test func frozenAndSilentStreamAreStuckAndDropout() {
        var model = Self.model()
        var stream = Stream()
        _ = Self.run(&model, &stream, 0..<864)
        var frozen: Double?
        let (stuckEvents, _) = Self.run(&model, &stream, 864..<900) { k, value in
            guard k >= 870 else { return value }
            frozen = frozen ?? value
            return frozen
        }
        #expect(stuckEvents.contains { $0.kind == .stuck && $0.phase == .opened })
        // A silent stream alone cannot close steps (no data time moves): use two series.
        let twin = TwinDefinition(
            id: "meters", stepSeconds: 300, horizonSteps: 12,
            zones: [
                ZoneDefinition(id: "a", sensors: [SensorBinding(quantity: .generic("flow"), topic: "a")]),
                ZoneDefinition(id: "b", sensors: [SensorBinding(quantity: .generic("flow"), topic: "b")]),
            ]
        )
        var configuration = ModelConfiguration(twin: twin)
        configuration.warmupSteps = 20
        var meters = TwinModel(twin: twin, configuration: configuration)
        var events: [AnomalyEvent] = []
        var generator = SeededGenerator(seed: 3)
        for k in 0..<200 {
            let time = Self.start + Double(k) * 300
            for zone in ["a", "b"] where !(zone == "a" && k >= 150) {
                let value = 10 + generator.gaussian()
                _ = meters.ingest(Reading(zone: zone, quantity: .generic("flow"), time: time + 5, value: value))
            }
            for report in meters.advance(to: time + 310) { events += report.events }
        }
        #expect(events.contains { $0.kind == .dropout && $0.zone == "a" && $0.phase == .opened })
    }
}
