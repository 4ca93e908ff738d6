import Foundation

/// Issue 7's performance figures in one table, each with its same-run baseline or target
/// and the ratio: ingest against the broker's ceiling (`mosquitto_sub`), model update, scale,
/// step latency, and backtest cost per origin against the statsforecast peers.
struct PerformanceReport {
    /// statsforecast AutoETS/AutoARIMA/MSTL CPU per origin, 5 to 240 ms
    /// (`../shared/data/baselines.md`; measured by the peers' harness, not in this run).
    static let statsforecastMillisecondsPerOrigin = (low: 5.0, high: 240.0)

    func run() async throws -> [String] {
        progress("issue 7 figures: starting")
        var lines = ["", "## Issue 7: performance (release build; ratios against same-run baselines or targets)", ""]
        lines.append("| figure | measured | baseline / target | ratio |")
        lines.append("|---|---|---|---|")

        // Bounded (flow-controlled publisher, SIGKILL-backed broker stop, watchdog); skipped
        // with UMWELT_BENCH_SKIP_INGEST=1 (needs /usr/sbin/mosquitto and mosquitto_sub).
        let ingest =
            ProcessInfo.processInfo.environment["UMWELT_BENCH_SKIP_INGEST"] == nil
            ? try await IngestBenchmark().run()
            : IngestBenchmark.Result(
                messages: 0, ceilingPerSecond: .nan, daemonPerSecond: .nan, daemonCPUSecondsPerReading: 0)
        lines.append(IngestBenchmark.line(ingest))

        let update = ModelBenchmarks.update(zones: 100, steps: 288, warmupSteps: 48)
        progress("update: \(update.nanosecondsPerZoneStep) ns/zone-step")
        lines.append(
            "| model update, 100 zones × 288 steps (a day), 24 h horizon | "
                + "\(Self.format(update.nanosecondsPerZoneStep, 0)) ns/zone-step, "
                + "\(Self.format(update.readingsPerSecond, 0)) readings/s | a year for 100 zones < 10 s: "
                + "\(Self.format(update.yearFor100ZonesSeconds, 1)) s extrapolated (× 365) | "
                + "\(Self.format(update.yearFor100ZonesSeconds / 10, 2)) of the budget |"
        )

        // Scale: 1 reading per sensor per minute (4 sensors a zone), 5-minute steps: per zone
        // and step, 20 readings through the pipeline and one zone-step of the model.
        // Conservative: the daemon's whole CPU per reading in the ingest run (router, runtime,
        // SQLite, publishing, and the model work of that run) plus a full-forecast zone-step.
        let pipelinePerReading = ingest.daemonCPUSecondsPerReading
        let perZoneStep = 20 * pipelinePerReading + update.nanosecondsPerZoneStep * 1e-9
        let zonesPerCore = 0.5 * 300 / perZoneStep
        lines.append(
            "| scale: zones per core at CPU < 50 % (1 reading/sensor/min) | "
                + "\(Self.format(zonesPerCore, 0)) zones/core (\(Self.format(pipelinePerReading * 1e6, 1)) µs daemon CPU "
                + "per reading + \(Self.format(update.nanosecondsPerZoneStep / 1e3, 1)) µs per zone-step) | "
                + "10,000 zones on 2 cores = 5,000/core | \(Self.format(zonesPerCore / 5_000, 2)) |"
        )
        let memory = try ModelBenchmarks.memoryPerZone(zones: 100)
        lines.append(
            "| memory per zone | checkpoint \(Self.format(memory.checkpointBytes / 1024, 1)) KiB, "
                + "RSS \(Self.format(memory.residentBytes / 1024, 1)) KiB | 10,000 zones: "
                + "\(Self.format(memory.residentBytes * 10_000 / 1_048_576, 0)) MiB RSS | - |"
        )

        for (zones, steps) in [(10, 100), (100, 30), (1_000, 5)] {
            let latency = ModelBenchmarks.stepLatency(zones: zones, steps: steps)
            progress("latency \(zones) zones: \(latency)")
            lines.append(
                "| step latency (learn + forecast every zone, 24 h), \(zones) zones | p50 "
                    + "\(Self.format(latency[0], 2)) ms, p90 \(Self.format(latency[1], 2)) ms, p99 "
                    + "\(Self.format(latency[2], 2)) ms | the 5-minute step (300,000 ms) | "
                    + "\(String(format: "%.1e", latency[2] / 300_000)) |"
            )
        }

        let backtest = ModelBenchmarks.backtestPerOrigin(zones: 5, days: 3)
        let (low, high) = Self.statsforecastMillisecondsPerOrigin
        lines.append(
            "| backtest cost per origin, 5 zones (16 series, 5 horizons) | "
                + "\(Self.format(backtest.millisecondsPerOrigin, 3)) ms over \(backtest.origins) origins | "
                + "statsforecast \(Self.format(low, 0))-\(Self.format(high, 0)) ms per origin and series | "
                + "\(Self.format(backtest.millisecondsPerOrigin / low, 4)) of the cheapest |"
        )
        for line in lines { progress(line) }
        return lines
    }

    static func format(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }
}
