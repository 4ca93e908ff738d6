internal import Foundation
internal import GRDB

extension StateStore {
    /// Saves one closed step of a twin, replacing a stored step with the same start.
    public func saveStep(twin: String, step: StoredStep) async throws {
        try await saveSteps(twin: twin, [step])
    }

    /// Saves closed steps of a twin in one transaction; each replaces a stored step with the same start.
    public func saveSteps(twin: String, _ steps: [StoredStep]) async throws {
        guard !steps.isEmpty else { return }
        try await performWrite("save \(steps.count) steps of twin \"\(twin)\"") { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO steps (twin, start, payload) VALUES (?, ?, ?)
                    ON CONFLICT (twin, start) DO UPDATE SET payload = excluded.payload
                    """
            )
            for step in steps {
                try statement.execute(arguments: [twin, step.start, Data(step.payload)])
            }
        }
    }

    /// Steps of a twin that start strictly after `start`, ordered by start.
    ///
    /// On restart, pass the checkpoint's `lastStep` to get the steps to replay.
    public func steps(twin: String, after start: Double) async throws -> [StoredStep] {
        try await performRead("read steps of twin \"\(twin)\" after \(start)") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT start, payload FROM steps WHERE twin = ? AND start > ? ORDER BY start",
                arguments: [twin, start]
            ).map(StoredStep.init(row:))
        }
    }

    /// Steps of a twin with `from <= start < to` (half-open), ordered by start.
    public func steps(twin: String, from: Double, to: Double) async throws -> [StoredStep] {
        try await performRead("read steps of twin \"\(twin)\" from \(from) to \(to)") { db in
            try Row.fetchAll(
                db,
                sql: "SELECT start, payload FROM steps WHERE twin = ? AND start >= ? AND start < ? ORDER BY start",
                arguments: [twin, from, to]
            ).map(StoredStep.init(row:))
        }
    }

    /// Deletes every twin's steps with `start < olderThan` (retention). Returns how many were deleted.
    @discardableResult
    public func deleteSteps(olderThan time: Double) async throws -> Int {
        try await performWrite("delete steps older than \(time)") { db in
            try db.execute(sql: "DELETE FROM steps WHERE start < ?", arguments: [time])
            return db.changesCount
        }
    }
}

extension StoredStep {
    fileprivate init(row: Row) throws {
        self.init(
            start: try row.decode(Double.self, forColumn: "start"),
            payload: [UInt8](try row.decode(Data.self, forColumn: "payload"))
        )
    }
}
