import Foundation
import Testing
import UmweltCore

@testable import WorldModel

/// A step's per-series work split across two threads (`SeriesPartition`) gives exactly the
/// serial path's model: the same checkpoint bytes and the same reports, on every path.
@Suite struct SeriesPartitionTests {
    /// 8 zones (temperature, CO2, presence, valve) and the outdoor temperature, simulated
    /// for 460 steps with missing readings, a short and a long gap: learn only, then train,
    /// then forecast every step. One model never splits, the other always does.
    @Test func parallelStepsAreBitIdenticalToSerial() throws {
        let twin = Self.twin(zones: 8)
        var serialConfiguration = ModelConfiguration(twin: twin)
        serialConfiguration.parallelMinimumSeries = .max
        var parallelConfiguration = serialConfiguration
        parallelConfiguration.parallelMinimumSeries = 2
        var serial = TwinModel(twin: twin, configuration: serialConfiguration)
        var parallel = TwinModel(twin: twin, configuration: parallelConfiguration)
        var generator = SeededGenerator(seed: 7)
        var forecasts = 0
        for k in 0..<460 {
            if (150..<153).contains(k) || (260..<280).contains(k) { continue }
            let readings = Self.readings(step: k, zones: 8, generator: &generator)
            for reading in readings {
                #expect(serial.ingest(reading) == parallel.ingest(reading))
            }
            let purpose: StepPurpose = k < 200 ? .learn : k < 400 ? .train : .forecast
            let time = Self.start + Double(k + 1) * 300 + 60
            let a = serial.advance(to: time, purpose: purpose)
            let b = parallel.advance(to: time, purpose: purpose)
            #expect(a.count == b.count)
            for (x, y) in zip(a, b) {
                #expect(x.forecasts == y.forecasts)
                #expect(x.scores == y.scores)
                #expect(x.events == y.events)
                forecasts += x.forecasts.count
            }
        }
        #expect(forecasts > 0)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let serialBytes = try encoder.encode(serial)
        var parallelBytes = try encoder.encode(parallel)
        // The configurations differ only in the threshold: give both the same for the comparison.
        let threshold = Array(#""parallelMinimumSeries":2"#.utf8)
        let serialThreshold = Array(#""parallelMinimumSeries":\#(Int.max)"#.utf8)
        let text = String(decoding: parallelBytes, as: UTF8.self)
            .replacingOccurrences(
                of: String(decoding: threshold, as: UTF8.self), with: String(decoding: serialThreshold, as: UTF8.self))
        parallelBytes = Data(text.utf8)
        #expect(serialBytes == parallelBytes)
        #expect(serial.dynamics == parallel.dynamics)
        #expect(serial.health == parallel.health)
        #expect(serial.chains == parallel.chains)
    }

    /// Many short jobs back to back (the hand-overs of a step's parallel regions): every chunk
    /// runs exactly once per job, whichever thread claims it, and no job outlives its `run`.
    @Test func everyChunkRunsOncePerJob() {
        let worker = PartitionWorker()
        var counts = [Int](repeating: 0, count: 64)
        for round in 0..<5_000 {
            let cuts = SeriesPartition.boundaries(count: 64, chunks: 2 + round % 9)
            counts.withUnsafeMutableBufferPointer { buffer in
                let counts = PartitionedBuffer(buffer)
                SeriesPartition.run(chunks: cuts.count - 1, worker: worker) { chunk in
                    for i in cuts[chunk]..<cuts[chunk + 1] { counts[i] += 1 }
                }
            }
        }
        #expect(counts == [Int](repeating: 5_000, count: 64))
    }

    @Test func boundariesCutBetweenZones() {
        let zones = [0, 0, 1, 1, 1, 2, 3, 3]
        #expect(SeriesPartition.boundaries(count: 8, chunks: 2) { zones[$0] } == [0, 5, 8])
        #expect(SeriesPartition.boundaries(count: 8, chunks: 4) { zones[$0] } == [0, 2, 5, 6, 8])
        #expect(SeriesPartition.boundaries(count: 3, chunks: 2) { _ in 0 } == [0, 3])
        #expect(SeriesPartition.boundaries(count: 10, chunks: 3) == [0, 3, 6, 10])
        #expect(SeriesPartition.boundaries(count: 0, chunks: 8) == [0, 0])
        #expect(SeriesPartition.boundaries(count: 5, chunks: 1) == [0, 5])
    }

    static let start = 1_704_067_200.0

    static func twin(zones: Int) -> TwinDefinition {
        var definitions = [
            ZoneDefinition(
                id: "outdoor", kind: .outdoor, sensors: [SensorBinding(quantity: .temperature, topic: "o/t")])
        ]
        for zone in 0..<zones {
            definitions.append(
                ZoneDefinition(
                    id: "z\(zone)",
                    sensors: [
                        SensorBinding(quantity: .temperature, topic: "z\(zone)/t"),
                        SensorBinding(quantity: .co2, topic: "z\(zone)/c"),
                        SensorBinding(quantity: .occupancy, topic: "z\(zone)/o", occupancyKind: .presence),
                        SensorBinding(quantity: .hvac, topic: "z\(zone)/h"),
                    ]
                )
            )
        }
        return TwinDefinition(id: "partition", stepSeconds: 300, horizonSteps: 48, zones: definitions)
    }

    /// Step `k`'s readings; each zone's sensors miss about one step in ten.
    static func readings(step k: Int, zones: Int, generator: inout SeededGenerator) -> [Reading] {
        let t = start + Double(k) * 300
        let hour = t.truncatingRemainder(dividingBy: 86_400) / 3600
        let occupied = hour >= 8 && hour < 18 && (k / 288) % 7 < 5
        let outdoor = 5 + 5 * sin((hour - 9) / 24 * 2 * .pi) + 0.2 * generator.gaussian()
        var readings = [Reading(zone: "outdoor", quantity: .temperature, time: t + 5, value: outdoor)]
        for zone in 0..<zones {
            let id = "z\(zone)"
            let heating = hour >= 6 && hour < 18 ? 1.0 : 0.0
            let noise = generator.gaussian()
            if generator.uniform() < 0.9 {
                let temperature = 19 + 2 * heating + 0.1 * outdoor + (occupied ? 0.5 : 0) + 0.05 * noise
                readings.append(Reading(zone: id, quantity: .temperature, time: t + 10, value: temperature))
            }
            if generator.uniform() < 0.9 {
                let co2 = (occupied ? 800 : 450) + 20 * noise + Double(zone)
                readings.append(Reading(zone: id, quantity: .co2, time: t + 20, value: co2))
            }
            if generator.uniform() < 0.9 {
                let present = occupied != (generator.uniform() < 0.1)
                readings.append(
                    Reading(
                        zone: id, quantity: .occupancy, time: t + 30, value: present ? 1 : 0, occupancyKind: .presence))
            }
            readings.append(Reading(zone: id, quantity: .hvac, time: t + 40, value: heating))
        }
        return readings
    }
}
