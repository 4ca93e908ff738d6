import ArgumentParser
import Foundation
import UmweltCore

/// `swift run -c release umwelt-bench [subcommand]`: release-build benchmarks, each reported
/// as a ratio against a baseline measured in the same run.
@main
struct UmweltBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umwelt-bench",
        abstract: "Release-build benchmarks of Umwelt, reported against same-run baselines.",
        subcommands: [All.self, ModelUpdate.self, Ingest.self, Scenario.self, Anomaly.self],
        defaultSubcommand: All.self
    )

    /// Every figure: issue 7's table, anomaly scoring cost, scenario latency.
    struct All: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "all", abstract: "Every benchmark.")

        func run() async throws {
            for line in try await PerformanceReport().run() { print(line) }
            if ProcessInfo.processInfo.environment["UMWELT_BENCH_ONLY_ISSUE7"] != nil { return }
            let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
            let twin = try TwinFileParser.load(path: "/" + root + "/Twins/demo-office.yaml")
            for line in AnomalyCostBenchmark().run(twin: twin) { print(line) }
            for line in ScenarioBenchmark().run() { print(line) }
        }
    }

    /// Model update: training path, full forecast path, RLS floor, backtest end to end.
    struct ModelUpdate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "model", abstract: "Model update cost: training and full paths against same-run baselines."
        )

        @Option(help: "Zones of the generated building.") var zones = 100
        @Option(help: "Steps timed on the training and 48-step paths.") var steps = 576
        @ArgumentParser.Flag(help: "Only the training path at 24 h, the RLS floor and memory per zone (profiling).")
        var trainingOnly = false
        @Option(help: "Write the memory benchmark's checkpoint (JSON) to this file.") var checkpoint: String?
        @Option(help: "Only the memory per zone, after this many steps (300: every calibration ring full).")
        var memorySteps: Int?
        @Option(help: "Only a warm-up of this many days end to end (learn only before the calibration window).")
        var warmupDays: Int?
        @Option(help: "The warm-up's model horizon in steps (default: both 48, the backtest's, and 288, the daemon's).")
        var warmupHorizon: Int?
        @Option(help: "Threads of the warm-up's steps: 1 (serial, the baseline) or 2 (default).")
        var warmupThreads = 2

        func run() async throws {
            var benchmark = TrainingBenchmark(zones: zones, steps: steps)
            benchmark.warmupDays = warmupDays
            if let warmupHorizon { benchmark.warmupHorizons = [warmupHorizon] }
            benchmark.warmupThreads = warmupThreads
            benchmark.trainingOnly = trainingOnly
            benchmark.checkpointPath = checkpoint
            benchmark.memorySteps = memorySteps
            for line in try benchmark.run() { print(line) }
        }
    }

    /// Ingest throughput against mosquitto_sub on the same broker.
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest", abstract: "Ingest readings/s against mosquitto_sub (the ceiling)."
        )

        @ArgumentParser.Flag(help: "Live shape: readings timed now (steps close on the wall clock).")
        var live = false

        @Option(help: "Ceiling and daemon runs, alternating; the median ratio is reported.")
        var repetitions = 1

        func run() async throws {
            var benchmark = IngestBenchmark()
            benchmark.live = live
            var results: [IngestBenchmark.Result] = []
            for _ in 0..<max(1, repetitions) {
                let result = try await benchmark.run()
                print(IngestBenchmark.line(result, live: live))
                print(IngestBenchmark.cpuLine(result, live: live))
                results.append(result)
            }
            if results.count > 1 { print(IngestBenchmark.summary(results, live: live)) }
        }
    }
}
