import Foundation
import UmweltCore
import UmweltService
import WorldModel

/// Benchmarks of the world model alone (no I/O): the backtest path's cost per zone-step,
/// per-step latency (learn + forecast every zone) at 10/100/1000 zones, memory per zone,
/// and the backtest cost per origin.
enum ModelBenchmarks {
    struct UpdateResult {
        var zones: Int
        var steps: Int
        var seconds: Double
        var readings: Int
        var nanosecondsPerZoneStep: Double { seconds * 1e9 / Double(zones * steps) }
        var readingsPerSecond: Double { Double(readings) / seconds }
        /// A year of 5-minute steps (105,120) for 100 zones, linear in zone-steps.
        var yearFor100ZonesSeconds: Double { nanosecondsPerZoneStep * 105_120 * 100 / 1e9 }
    }

    /// Feeds `steps` steps of a `zones`-zone building through `TwinModel.ingest`/`advance`,
    /// as `Backtest` does (after a warm-up of `warmupSteps`, not timed).
    static func update(zones: Int, steps: Int, warmupSteps: Int = 288) -> UpdateResult {
        let building = BenchBuilding(zones: zones)
        var model = TwinModel(twin: building.twin, configuration: ModelConfiguration(twin: building.twin))
        for k in 0..<warmupSteps { feed(&model, building, step: k) }
        let clock = ContinuousClock()
        let began = clock.now
        var readings = 0
        for k in warmupSteps..<(warmupSteps + steps) { readings += feed(&model, building, step: k) }
        return UpdateResult(
            zones: zones,
            steps: steps,
            seconds: BenchClock.seconds(clock.now - began),
            readings: readings
        )
    }

    @discardableResult
    static func feed(_ model: inout TwinModel, _ building: BenchBuilding, step k: Int) -> Int {
        let readings = building.readings(step: k)
        for reading in readings { _ = model.ingest(reading) }
        if let dataTime = model.dataTime { _ = model.advance(to: dataTime) }
        return readings.count
    }

    /// Latency of closing one step (learn, score, forecast every zone over the 24 h
    /// horizon): percentiles over `steps` steps after a day of warm-up.
    static func stepLatency(zones: Int, steps: Int) -> [Double] {
        let building = BenchBuilding(zones: zones)
        var model = TwinModel(twin: building.twin, configuration: ModelConfiguration(twin: building.twin))
        let warmup = 24
        for k in 0..<warmup {
            for reading in building.readings(step: k) { _ = model.ingest(reading) }
            _ = model.advance(to: BenchBuilding.start + Double(k + 1) * 300 + 31)
        }
        let clock = ContinuousClock()
        var latencies: [Double] = []
        for k in warmup..<(warmup + steps) {
            for reading in building.readings(step: k) { _ = model.ingest(reading) }
            let began = clock.now
            let reports = model.advance(to: BenchBuilding.start + Double(k + 1) * 300 + 31)
            latencies.append(BenchClock.seconds(clock.now - began) * 1000)
            precondition(reports.count == 1)
        }
        return [50, 90, 99].map { BenchClock.percentile(latencies, $0) }
    }

    /// Memory per zone: the encoded checkpoint size, and the RSS growth of holding 16 decoded,
    /// models warmed up for `steps` steps (each mutated once; 16, so that reused free memory
    /// does not hide it). After 60 steps the calibrators' long rings are partly empty; after a
    /// horizon (300 steps at 24 h) they are full: the steady state.
    static func memoryPerZone(zones: Int, steps: Int = 60, checkpointPath: String? = nil) throws -> (
        checkpointBytes: Double, residentBytes: Double
    ) {
        let building = BenchBuilding(zones: zones)
        var model = TwinModel(twin: building.twin, configuration: ModelConfiguration(twin: building.twin))
        for k in 0..<steps { feed(&model, building, step: k) }
        let checkpoint = try JSONEncoder().encode(model)
        if let checkpointPath { try checkpoint.write(to: URL(fileURLWithPath: checkpointPath)) }
        let before = BenchClock.residentBytes()
        var copies: [TwinModel] = []
        for _ in 0..<16 {
            var copy = try JSONDecoder().decode(TwinModel.self, from: checkpoint)
            feed(&copy, building, step: steps)
            copies.append(copy)
        }
        let after = BenchClock.residentBytes()
        withExtendedLifetime(copies) {}
        return (Double(checkpoint.count) / Double(zones), Double(after - before) / Double(16 * zones))
    }

    /// `Backtest.run` on `days` of a `zones`-zone building (1 day warm-up, not scored):
    /// wall time per origin (an origin = a closed step, all zones and horizons forecast).
    static func backtestPerOrigin(zones: Int, days: Int) -> (millisecondsPerOrigin: Double, origins: Int) {
        let building = BenchBuilding(zones: zones)
        var warmup: [RecordedMessage] = []
        var input: [RecordedMessage] = []
        for k in 0..<(288 * (days + 1)) {
            for reading in building.readings(step: k) {
                let (topic, payload) = BenchBuilding.message(reading)
                let message = RecordedMessage(time: reading.time, topic: topic, payload: payload)
                if k < 288 { warmup.append(message) } else { input.append(message) }
            }
        }
        let outcome = Backtest(twin: building.twin).run(warmup: warmup, input: input)
        return (outcome.elapsedSeconds * 1000 / Double(max(1, outcome.origins)), outcome.origins)
    }
}
