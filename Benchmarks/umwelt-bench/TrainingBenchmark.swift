import Foundation
import UmweltCore
import UmweltService
import WorldModel

/// Model update cost of the two paths through history, against same-run baselines:
///
/// - training (`StepPurpose.train`: learn every step, calibration forecasts on sub-sampled
///   rollouts) at the daemon's 24 h horizon and at the backtest's 48 steps;
/// - the full path (`StepPurpose.forecast`: every series rolled out over the horizon at every
///   step), at 48 steps (the backtest scoring horizons 1, 3, 6, 12, 48) and at 24 h (the
///   path every step took before training existed: the baseline of the training figure);
/// - the floor: a plain Swift loop of the same number of RLS updates of the same dimensions
///   (the irreducible learning arithmetic, without aggregation, occupancy, health, calibration);
/// - end to end: `Backtest.run` (router, JSON payloads, model) with one day of warm-up
///   (trained) and one day scored at horizons 1, 3, 6, 12, 48.
///
/// Each figure: ns per zone-step, readings per second, and the projection to a year of
/// 5-minute data for 100 zones (105,120 × 100 zone-steps, linear in zone-steps).
struct TrainingBenchmark {
    var zones = 100
    var warmupSteps = 288
    /// Steps timed on the cheap paths; the full 24 h path is timed on `fullSteps`.
    var steps = 576
    var fullSteps = 48
    /// Only the 24 h training path, the floor and memory per zone (for profiling).
    var trainingOnly = false
    /// Where to write the memory benchmark's checkpoint, if anywhere.
    var checkpointPath: String?
    /// Measure only the memory per zone, after this many steps.
    var memorySteps: Int?
    /// Measure only a warm-up of this many days end to end (`warmupFigure`).
    var warmupDays: Int?
    /// The model horizons of the warm-up figure: 48 (`umwelt backtest`'s default longest
    /// scoring horizon) and 288 (the daemon's 24 h).
    var warmupHorizons = [48, 288]
    /// 1: the warm-up's steps run serially (`ModelConfiguration.parallelMinimumSeries` = max),
    /// the same-run baseline of the split; 2 (default): split across two threads.
    var warmupThreads = 2

    struct Figure {
        var name: String
        var zoneSteps: Int
        var seconds: Double
        var readings: Int
        var nanosecondsPerZoneStep: Double { seconds * 1e9 / Double(max(1, zoneSteps)) }
        var readingsPerSecond: Double { Double(readings) / seconds }
        var yearFor100ZonesSeconds: Double { nanosecondsPerZoneStep * 105_120 * 100 / 1e9 }
    }

    func run() throws -> [String] {
        if let memorySteps {
            // Alone in its process: freed memory of an earlier measurement would hide the growth.
            let memory = try ModelBenchmarks.memoryPerZone(zones: zones, steps: memorySteps)
            return [
                "Memory per zone (\(zones) zones) after \(memorySteps) steps: checkpoint "
                    + "\(Self.format(memory.checkpointBytes / 1024, 1)) KiB, "
                    + "RSS \(Self.format(memory.residentBytes / 1024, 1)) KiB."
            ]
        }
        if let warmupDays {
            let floor = rlsFloor()
            return warmupHorizons.flatMap { warmupFigure(days: warmupDays, horizon: $0, floor: floor) + [""] }
        }
        let trainDay = time("training path, 24 h horizon", horizon: 288, purpose: .train, steps: steps)
        let learnDay = time("learn only (no calibration), 24 h horizon", horizon: 288, purpose: .learn, steps: steps)
        let floor = rlsFloor()
        let memory = try ModelBenchmarks.memoryPerZone(zones: zones, checkpointPath: checkpointPath)
        let memoryLine =
            "Memory per zone (\(zones) zones) after 60 steps: checkpoint "
            + "\(Self.format(memory.checkpointBytes / 1024, 1)) KiB, RSS \(Self.format(memory.residentBytes / 1024, 1)) KiB "
            + "(steady state, every ring full: `umwelt-bench model --memory-steps 300`)."
        if trainingOnly {
            return [
                "| path | ns/zone-step | a year × 100 zones | vs RLS floor |",
                "|---|---|---|---|",
                "| \(trainDay.name) | \(Self.format(trainDay.nanosecondsPerZoneStep, 0)) | "
                    + "\(Self.format(trainDay.yearFor100ZonesSeconds, 1)) s | "
                    + "\(Self.format(trainDay.nanosecondsPerZoneStep / floor.nanosecondsPerZoneStep, 1))× |",
                "| \(learnDay.name) | \(Self.format(learnDay.nanosecondsPerZoneStep, 0)) | "
                    + "\(Self.format(learnDay.yearFor100ZonesSeconds, 1)) s | "
                    + "\(Self.format(learnDay.nanosecondsPerZoneStep / floor.nanosecondsPerZoneStep, 1))× |",
                "| \(floor.name) | \(Self.format(floor.nanosecondsPerZoneStep, 0)) | "
                    + "\(Self.format(floor.yearFor100ZonesSeconds, 1)) s | 1.0× |",
                "", memoryLine,
            ]
        }
        let trainBacktest = time("training path, 48-step horizon", horizon: 48, purpose: .train, steps: steps)
        let full48 = time(
            "full path, forecasts at every origin, 48 steps", horizon: 48, purpose: .forecast, steps: steps)
        let full288 = time(
            "full path, forecasts at every origin, 24 h", horizon: 288, purpose: .forecast, steps: fullSteps)
        let backtest = endToEndBacktest()
        var lines = [
            "",
            "## Issue 7: model update, \(zones) zones (release build; baselines measured in this run)",
            "",
            "| path | ns/zone-step | readings/s | a year × 100 zones | vs full 24 h path | vs RLS floor |",
            "|---|---|---|---|---|---|",
        ]
        for figure in [learnDay, trainDay, trainBacktest, full48, full288, floor, backtest] {
            lines.append(
                "| \(figure.name) | \(Self.format(figure.nanosecondsPerZoneStep, 0)) | "
                    + "\(figure.readings > 0 ? Self.format(figure.readingsPerSecond, 0) : "-") | "
                    + "\(Self.format(figure.yearFor100ZonesSeconds, 1)) s | "
                    + "\(Self.format(full288.nanosecondsPerZoneStep / figure.nanosecondsPerZoneStep, 1))× faster | "
                    + "\(Self.format(figure.nanosecondsPerZoneStep / floor.nanosecondsPerZoneStep, 1))× the floor |"
            )
        }
        lines.append("")
        lines.append("Target: a year of 5-minute data for 100 zones in < 10 s (≤ 951 ns/zone-step).")
        lines.append(memoryLine)
        return lines
    }

    /// Learns `warmupSteps` (training, untimed), then times `steps` more with `purpose`.
    func time(_ name: String, horizon: Int, purpose: StepPurpose, steps: Int) -> Figure {
        let building = BenchBuilding(zones: zones, horizonSteps: horizon)
        var model = TwinModel(twin: building.twin, configuration: ModelConfiguration(twin: building.twin))
        let batches = (0..<(warmupSteps + steps)).map { building.readings(step: $0) }
        for k in 0..<warmupSteps { Self.feed(&model, batches[k], purpose: .train) }
        let clock = ContinuousClock()
        let began = clock.now
        var readings = 0
        var learned = 0
        for k in warmupSteps..<(warmupSteps + steps) {
            readings += batches[k].count
            learned += Self.feed(&model, batches[k], purpose: purpose)
        }
        let seconds = BenchClock.seconds(clock.now - began)
        progress("\(name): \(seconds) s for \(learned) steps")
        return Figure(name: name, zoneSteps: zones * steps, seconds: seconds, readings: readings)
    }

    @discardableResult
    static func feed(_ model: inout TwinModel, _ readings: [Reading], purpose: StepPurpose) -> Int {
        for reading in readings { _ = model.ingest(reading) }
        guard let dataTime = model.dataTime else { return 0 }
        return model.advance(to: dataTime, purpose: purpose).count
    }

    /// A warm-up of `days` of 5-minute steps for `zones` zones through `ingest` and `advance`,
    /// as `umwelt backtest --warmup` learns it: learn only (`StepPurpose.learn`) before the
    /// calibration window, the training path inside it. Readings are generated step by step,
    /// outside the timed sections; the RLS floor of the same run is the baseline. `horizon` is
    /// the model's (48: `umwelt backtest`'s default, which sets the longest scoring horizon;
    /// 288: the daemon's 24 h, as `--db` and restart replay learn).
    func warmupFigure(days: Int, horizon: Int, floor: Figure) -> [String] {
        let building = BenchBuilding(zones: zones, horizonSteps: horizon)
        var configuration = ModelConfiguration(twin: building.twin)
        if warmupThreads < 2 { configuration.parallelMinimumSeries = .max }
        var model = TwinModel(twin: building.twin, configuration: configuration)
        let total = days * 288
        let end = BenchBuilding.start + Double(total) * 300
        let clock = ContinuousClock()
        var seconds: [StepPurpose: Double] = [:]
        var cpu: [StepPurpose: Double] = [:]
        var counts: [StepPurpose: Int] = [:]
        for k in 0..<total {
            let readings = building.readings(step: k)
            let purpose = model.purpose(stepStart: BenchBuilding.start + Double(k) * 300, historyEnd: end)
            let cpuBegan = BenchClock.processCPUSeconds()
            let began = clock.now
            Self.feed(&model, readings, purpose: purpose)
            seconds[purpose, default: 0] += BenchClock.seconds(clock.now - began)
            cpu[purpose, default: 0] += BenchClock.processCPUSeconds() - cpuBegan
            counts[purpose, default: 0] += 1
        }
        let learn = Figure(
            name: "learn only", zoneSteps: zones * (counts[.learn] ?? 0), seconds: seconds[.learn] ?? 0, readings: 0)
        let train = Figure(
            name: "training path (the window)", zoneSteps: zones * (counts[.train] ?? 0), seconds: seconds[.train] ?? 0,
            readings: 0)
        let all = learn.seconds + train.seconds
        var lines = [
            "## Warm-up of \(days) days × \(zones) zones, horizon \(horizon) steps "
                + "(release; window \(counts[.train] ?? 0) steps; \(warmupThreads < 2 ? "serial" : "two threads"))", "",
            "| part | steps | ns/zone-step | seconds | CPU seconds (both cores) | vs RLS floor |",
            "|---|---|---|---|---|---|",
        ]
        for (figure, purpose) in [(learn, StepPurpose.learn), (train, .train)] {
            lines.append(
                "| \(figure.name) | \(figure.zoneSteps / max(1, zones)) | \(Self.format(figure.nanosecondsPerZoneStep, 0)) | "
                    + "\(Self.format(figure.seconds, 1)) | \(Self.format(cpu[purpose] ?? 0, 1)) | "
                    + "\(Self.format(figure.nanosecondsPerZoneStep / floor.nanosecondsPerZoneStep, 1))× |")
        }
        lines.append(
            "| end to end | \(total) | \(Self.format(all * 1e9 / Double(zones * total), 0)) | \(Self.format(all, 1)) | "
                + "\(Self.format(cpu.values.reduce(0, +), 1)) | "
                + "\(Self.format(all * 1e9 / Double(zones * total) / floor.nanosecondsPerZoneStep, 1))× |")
        lines.append(
            "| \(floor.name) | - | \(Self.format(floor.nanosecondsPerZoneStep, 0)) | - | - | 1.0× |")
        return lines
    }

    /// The same number of RLS updates as the model's learning (per zone and step: temperature
    /// with 11 features, CO2 with 10), as a plain loop over preallocated arrays.
    func rlsFloor() -> Figure {
        var filters = (0..<zones).flatMap { _ in [FloorRLS(dimension: 11), FloorRLS(dimension: 10)] }
        var phi = [Double](repeating: 0, count: 11)
        let clock = ContinuousClock()
        let began = clock.now
        var checksum = 0.0
        for k in 0..<steps {
            for f in filters.indices {
                let n = filters[f].dimension
                for j in 0..<n { phi[j] = sin(Double(k * 31 + f * 7 + j)) }
                checksum += filters[f].update(phi, target: cos(Double(k + f)))
            }
        }
        let seconds = BenchClock.seconds(clock.now - began)
        if checksum.isNaN { progress("rls floor: NaN") }
        return Figure(
            name: "floor: RLS updates only (plain loop)", zoneSteps: zones * steps, seconds: seconds, readings: 0)
    }

    /// `Backtest.run` over one day of warm-up and one scored day (router included).
    func endToEndBacktest() -> Figure {
        let building = BenchBuilding(zones: zones)
        var warmup: [RecordedMessage] = []
        var input: [RecordedMessage] = []
        for k in 0..<(2 * 288) {
            for reading in building.readings(step: k) {
                let (topic, payload) = BenchBuilding.message(reading)
                let message = RecordedMessage(time: reading.time, topic: topic, payload: payload)
                if k < 288 { warmup.append(message) } else { input.append(message) }
            }
        }
        let outcome = Backtest(twin: building.twin).run(warmup: warmup, input: input)
        progress("backtest: \(outcome.elapsedSeconds) s, \(outcome.origins) origins, \(outcome.forecasts.count) rows")
        return Figure(
            name: "backtest end to end: 1 day warm-up (training) + 1 day scored at 1, 3, 6, 12, 48",
            zoneSteps: zones * 2 * 288, seconds: outcome.elapsedSeconds, readings: outcome.messages
        )
    }

    static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}

/// Recursive least squares as a bare loop (`θ += k r`, `P = (P − g gᵀ/(λ + φᵀg))/λ`): the
/// arithmetic floor of the model's learning, for the benchmark's baseline only.
struct FloorRLS {
    let dimension: Int
    var theta: [Double]
    var p: [Double]
    var g: [Double]

    init(dimension n: Int) {
        dimension = n
        theta = [Double](repeating: 0, count: n)
        p = [Double](repeating: 0, count: n * n)
        g = [Double](repeating: 0, count: n)
        for i in 0..<n { p[i * n + i] = 10 }
    }

    mutating func update(_ phi: [Double], target: Double) -> Double {
        let n = dimension
        var leverage = 0.0
        var prediction = 0.0
        for i in 0..<n {
            var sum = 0.0
            for j in 0..<n { sum += p[i * n + j] * phi[j] }
            g[i] = sum
            leverage += phi[i] * sum
            prediction += theta[i] * phi[i]
        }
        let denominator = 0.998 + leverage
        let innovation = target - prediction
        for i in 0..<n { theta[i] += g[i] * innovation / denominator }
        for i in 0..<n {
            for j in i..<n {
                let value = (p[i * n + j] - g[i] * g[j] / denominator) / 0.998
                p[i * n + j] = value
                p[j * n + i] = value
            }
        }
        return innovation
    }
}
