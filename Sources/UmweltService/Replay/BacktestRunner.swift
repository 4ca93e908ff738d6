import Foundation
import UmweltCore
import UmweltStore
import WorldModel

/// `umwelt backtest`: reads recordings, runs the backtest, writes its files, prints the
/// table, and with a state file leaves the learned model there as the daemon would.
public enum BacktestRunner {
    public static func run(
        twinPath: String,
        inputPath: String,
        warmupPath: String?,
        horizons: [Int],
        outputDirectory: String?,
        databasePath: String?
    ) async throws -> BacktestMetrics {
        let twin = try TwinFileParser.load(path: twinPath)
        let input = try Recording.read(path: inputPath)
        let warmup = try warmupPath.map { try Recording.read(path: $0) } ?? []
        let backtest = Backtest(twin: twin, horizons: horizons)
        let outcome = backtest.run(warmup: warmup, input: input)
        let metrics = BacktestMetrics(outcome: outcome, twin: twin.id)
        if let outputDirectory {
            try outcome.write(to: outputDirectory, metrics: metrics)
        }
        if let databasePath {
            try await save(outcome, twin: twin, to: databasePath)
        }
        return metrics
    }

    /// Leaves the learned model and its steps in a state file, ready for the daemon.
    static func save(_ outcome: Backtest.Outcome, twin: TwinDefinition, to path: String) async throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let store = try StateStore(path: path)
        let encoder = JSONEncoder()
        let steps = try outcome.steps.map { StoredStep(start: $0.start, payload: Array(try encoder.encode($0))) }
        try await store.saveSteps(twin: twin.id, steps)
        // The daemon's own configuration for this twin, so it starts warm from here.
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        model.learn(history: outcome.steps)
        let payload = try encoder.encode(model)
        try await store.saveCheckpoint(
            Checkpoint.make(
                twin: twin.id,
                createdAt: Date().timeIntervalSince1970,
                modelVersion: TwinModel.checkpointVersion,
                lastStep: model.lastClosedStep,
                payload: Array(payload)
            )
        )
    }
}
