import BuildingSimulator
import Foundation
import Testing
import UmweltCore

@testable import WorldModel

/// The learn-only step (`StepPurpose.learn`) learns what the training path learns, without
/// calibration; a warm-up that only learns before its calibration window forecasts as well.
@Suite struct LearnOnlyTests {
    @Test func learnOnlyLearnsTheSameDynamicsAsTraining() {
        let twin = SimulatedBuilding.twin(horizonSteps: 48)
        let configuration = SimulatedBuilding.configuration(twin, warmup: 50)
        var trained = TwinModel(twin: twin, configuration: configuration)
        var learned = trained
        var building = SimulatedBuilding()
        for step in 0..<600 {
            // A gap of a few steps and a long one: both bridged alike.
            let readings = building.nextReadings()
            if (200..<203).contains(step) || (400..<420).contains(step) { continue }
            for reading in readings {
                _ = trained.ingest(reading)
                _ = learned.ingest(reading)
            }
            let time = building.time(ofStep: building.index) + 60
            _ = trained.advance(to: time, purpose: .train)
            let reports = learned.advance(to: time, purpose: .learn)
            #expect(reports.allSatisfy { $0.forecasts.isEmpty && $0.scores.isEmpty && $0.events.isEmpty })
        }
        #expect(learned.stepsLearned == trained.stepsLearned)
        #expect(learned.zoneSteps == trained.zoneSteps)
        for (a, b) in zip(trained.dynamics, learned.dynamics) {
            #expect(a.rls == b.rls)
            #expect(a.level == b.level)
            #expect(a.profile == b.profile)
            // Nothing calibrated: no forecast recorded, none scored.
            #expect(b.calibrator == HorizonCalibrator(horizon: 48))
        }
        #expect(trained.inputs == learned.inputs)
        #expect(trained.chains == learned.chains)
        for (a, b) in zip(trained.health, learned.health) {
            #expect(a.typicalInterval == b.typicalInterval)
            #expect(a.lastSeen == b.lastSeen)
            #expect(a.memory.typicalRange == b.memory.typicalRange)
            #expect(a.memory.previousValue == b.memory.previousValue)
            #expect(a.memory.flatShare == b.memory.flatShare)
        }
    }

    @Test func purposeFollowsTheCalibrationWindow() {
        let twin = SimulatedBuilding.twin(horizonSteps: 288)
        var configuration = ModelConfiguration(twin: twin)
        // The direct correction's memory at 24 h, 200 + 30 · 288 steps (31 days at 5 min).
        #expect(configuration.calibrationWindowSteps(stepSeconds: 300) == 8_840)
        // At least two weeks: 48 steps of 5 min remember 1,640 scores, under 14 days.
        configuration.horizonSteps = 48
        #expect(configuration.calibrationWindowSteps(stepSeconds: 300) == 4_032)
        configuration.calibrationWindow = 100
        let model = TwinModel(twin: twin, configuration: configuration)
        #expect(model.purpose(stepStart: 0, historyEnd: 100 * 300) == .train)
        #expect(model.purpose(stepStart: -300, historyEnd: 100 * 300) == .learn)
    }

    /// A 2-zone office (the demo office's meeting room and open office) simulated for 11
    /// weeks at 30-minute steps: a model trained through 10 weeks and one that only learns
    /// before its calibration window (the derived default: 1,000 steps, 3 weeks) forecast the
    /// 11th week within 2 % MAE of temperature and CO2 at every horizon.
    @Test func learnOnlyWarmupForecastsAsWellAsTraining() throws {
        let twin = try Self.twoZoneOffice()
        let stepSeconds = Double(twin.stepSeconds)
        let warmupSteps = 10 * 7 * 48
        let totalSteps = warmupSteps + 7 * 48
        let steps = Self.simulatedSteps(twin: twin, count: totalSteps)
        let configuration = ModelConfiguration(twin: twin)
        var trained = TwinModel(twin: twin, configuration: configuration)
        var learned = trained
        let warmupEnd = ScenarioDemoOffice.monday + Double(warmupSteps) * stepSeconds
        let horizons = [1, 4, 8]
        let keys = twin.zones.filter { $0.kind == .indoor }.flatMap { zone in
            [Quantity.temperature, .co2].map { SeriesKey(zone: zone.id, quantity: $0) }
        }
        var errors = [[Double]](repeating: [0, 0], count: horizons.count * keys.count)
        var forecasts: [[[[Double]]]] = [[], []]
        var learnOnlySteps = 0
        for (k, readings) in steps.enumerated() {
            let end = ScenarioDemoOffice.monday + Double(k + 1) * stepSeconds + configuration.graceSeconds
            for reading in readings {
                _ = trained.ingest(reading)
                _ = learned.ingest(reading)
            }
            let start = ScenarioDemoOffice.monday + Double(k) * stepSeconds
            let isWarmup = k < warmupSteps
            let purpose = isWarmup ? learned.purpose(stepStart: start, historyEnd: warmupEnd) : .forecast
            if purpose == .learn { learnOnlySteps += 1 }
            let pairs = [
                trained.advance(to: end, purpose: isWarmup ? .train : .forecast),
                learned.advance(to: end, purpose: purpose),
            ]
            guard !isWarmup else { continue }
            for (m, reports) in pairs.enumerated() {
                guard let report = reports.last else { continue }
                forecasts[m].append(
                    keys.map { key in
                        let forecast = report.forecasts.first { $0.zone == key.zone && $0.quantity == key.quantity }
                        return horizons.map { h in forecast.map { $0.points[h - 1].mean } ?? .nan }
                    })
            }
        }
        // Score origin o at horizon h against the step mean that arrived h steps later.
        for m in 0..<2 {
            for (o, origin) in forecasts[m].enumerated() {
                for (s, key) in keys.enumerated() {
                    for (hi, h) in horizons.enumerated() {
                        let target = warmupSteps + o + h
                        guard target < steps.count, let y = Self.mean(of: key, in: steps[target]) else { continue }
                        errors[s * horizons.count + hi][m] += abs(origin[s][hi] - y)
                    }
                }
            }
        }
        #expect(learnOnlySteps == warmupSteps - 1_000)
        for (s, key) in keys.enumerated() {
            for (hi, h) in horizons.enumerated() {
                let (full, learnOnly) = (errors[s * horizons.count + hi][0], errors[s * horizons.count + hi][1])
                #expect(full.isFinite && full > 0)
                #expect(learnOnly <= full * 1.02, "\(key) h\(h): \(learnOnly) vs \(full)")
            }
        }
    }

    /// The demo office reduced to the meeting room, the open office and the outdoors, at
    /// 30-minute steps and a 4-hour horizon.
    static func twoZoneOffice() throws -> TwinDefinition {
        var twin = try TwinFileParser.load(path: ScenarioDemoOffice.twinPath)
        let kept: Set<String> = ["meeting-room", "open-office", "outdoor"]
        twin.zones = twin.zones.filter { kept.contains($0.id) }
        for z in twin.zones.indices { twin.zones[z].neighbors = twin.zones[z].neighbors.filter { kept.contains($0) } }
        twin.stepSeconds = 1_800
        twin.horizonSteps = 8
        return twin
    }

    /// `count` steps of simulated readings (ticks of 10 minutes), grouped by model step.
    static func simulatedSteps(twin: TwinDefinition, count: Int) -> [[Reading]] {
        var configuration = SimulatorConfiguration(start: ScenarioDemoOffice.monday)
        configuration.tickSeconds = 600
        var simulator = BuildingSimulator(twin: twin, configuration: configuration)
        let router = Router(twins: [twin])
        let stepSeconds = Double(twin.stepSeconds)
        var steps = [[Reading]](repeating: [], count: count)
        while simulator.time < ScenarioDemoOffice.monday + Double(count) * stepSeconds {
            for message in simulator.step() {
                for (_, routed) in router.route(
                    topic: message.topic, payload: message.payload, arrivalTime: message.time)
                {
                    for reading in routed.readings {
                        let k = Int(((reading.time - ScenarioDemoOffice.monday) / stepSeconds).rounded(.down))
                        if steps.indices.contains(k) { steps[k].append(reading) }
                    }
                }
            }
        }
        return steps
    }

    static func mean(of key: SeriesKey, in readings: [Reading]) -> Double? {
        let values = readings.filter { $0.zone == key.zone && $0.quantity == key.quantity }.map(\.value)
        return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
