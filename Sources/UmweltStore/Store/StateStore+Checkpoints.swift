internal import Foundation
internal import GRDB

extension StateStore {
    /// How many checkpoints per twin ``saveCheckpoint(_:)`` keeps.
    public static let checkpointsKeptPerTwin = 3

    /// Saves a checkpoint and deletes the twin's older ones beyond the newest three, in one transaction.
    ///
    /// "Newest" orders by `createdAt`, then by insertion. The checksum is stored as given
    /// (an `Int64` with the same bits), so build checkpoints with `Checkpoint.make`.
    public func saveCheckpoint(_ checkpoint: Checkpoint) async throws {
        let operation = "save a checkpoint of twin \"\(checkpoint.twin)\" (\(checkpoint.payload.count) bytes)"
        try await performWrite(operation) { db in
            try db.execute(
                sql: """
                    INSERT INTO checkpoints (twin, created_at, model_version, last_step, payload, checksum)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    checkpoint.twin, checkpoint.createdAt, checkpoint.modelVersion, checkpoint.lastStep,
                    Data(checkpoint.payload), Int64(bitPattern: checkpoint.checksum),
                ]
            )
            try db.execute(
                sql: """
                    DELETE FROM checkpoints WHERE twin = ? AND id NOT IN (
                        SELECT id FROM checkpoints WHERE twin = ? ORDER BY created_at DESC, id DESC LIMIT ?
                    )
                    """,
                arguments: [checkpoint.twin, checkpoint.twin, Self.checkpointsKeptPerTwin]
            )
        }
    }

    /// The newest checkpoint of a twin whose checksum verifies, or nil if there is none.
    ///
    /// Newer checkpoints whose payload does not match its checksum (or whose row cannot be
    /// decoded) are skipped and counted in `skippedCorrupt`. When every stored checkpoint is
    /// corrupt the result is nil, as for a twin never checkpointed.
    public func latestCheckpoint(twin: String) async throws -> CheckpointLoad? {
        try await performRead("load the latest checkpoint of twin \"\(twin)\"") { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT twin, created_at, model_version, last_step, payload, checksum FROM checkpoints
                    WHERE twin = ? ORDER BY created_at DESC, id DESC
                    """,
                arguments: [twin]
            )
            var skippedCorrupt = 0
            while let row = try rows.next() {
                guard let checkpoint = try? Checkpoint(row: row), checkpoint.isIntact else {
                    skippedCorrupt += 1
                    continue
                }
                return CheckpointLoad(checkpoint: checkpoint, skippedCorrupt: skippedCorrupt)
            }
            return nil
        }
    }
}

extension Checkpoint {
    fileprivate init(row: Row) throws {
        self.init(
            twin: try row.decode(String.self, forColumn: "twin"),
            createdAt: try row.decode(Double.self, forColumn: "created_at"),
            modelVersion: try row.decode(Int.self, forColumn: "model_version"),
            lastStep: try row.decode(Double?.self, forColumn: "last_step"),
            payload: [UInt8](try row.decode(Data.self, forColumn: "payload")),
            checksum: UInt64(bitPattern: try row.decode(Int64.self, forColumn: "checksum"))
        )
    }
}
