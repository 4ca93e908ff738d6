import Foundation
import Logging
import Testing
import UmweltCore
import UmweltStore
import WorldModel

@testable import UmweltService

/// After an upgrade that changes the checkpoint encoding, the daemon relearns the stored
/// steps instead of loading (or choking on) the old checkpoint.
struct CheckpointUpgradeTests {
    @Test func checkpointOfAnOlderVersionIsReplacedByRelearningTheStoredSteps() async throws {
        let (twin, messages) = try BacktestTests.simulatedRecording(days: 1, seed: 3)
        let outcome = Backtest(twin: twin, horizons: [1]).run(warmup: [], input: messages)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: path) }
        let store = try StateStore(path: path.path)
        let encoder = JSONEncoder()
        try await store.saveSteps(
            twin: twin.id, try outcome.steps.map { StoredStep(start: $0.start, payload: Array(try encoder.encode($0))) }
        )
        // What an older release left: another version, a payload today's decoder cannot read.
        try await store.saveCheckpoint(
            Checkpoint.make(
                twin: twin.id, createdAt: 1, modelVersion: TwinModel.checkpointVersion - 1,
                lastStep: outcome.steps.last?.start, payload: Array(#"{"old": true}"#.utf8)))

        let runtime = await TwinRuntime.restore(
            definition: twin, configuration: ModelConfiguration(twin: twin), store: store, publisher: nil,
            topics: TopicScheme(), statistics: DaemonStatistics(), logger: Logger(label: "test"))
        let learned = await runtime.stepsLearned
        #expect(learned == outcome.model.stepsLearned, "relearned \(learned) of \(outcome.model.stepsLearned) steps")
        #expect(learned > 250)
    }
}
