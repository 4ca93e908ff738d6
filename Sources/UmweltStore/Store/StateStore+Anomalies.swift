internal import GRDB

extension StateStore {
    /// Saves an anomaly event, replacing the stored event with the same id.
    ///
    /// A stale update (an `updatedAt` older than the stored one) is ignored, so events saved
    /// out of order never reopen a closed event.
    public func saveAnomaly(_ event: StoredAnomaly) async throws {
        try await saveAnomalies([event])
    }

    /// Saves anomaly events in one transaction, in order, as ``saveAnomaly(_:)`` saves each
    /// (a stale update is ignored); if one fails, none is saved.
    public func saveAnomalies(_ events: [StoredAnomaly]) async throws {
        guard let first = events.first else { return }
        let operation =
            events.count == 1
            ? "save anomaly \"\(first.id)\" of twin \"\(first.twin)\""
            : "save \(events.count) anomalies of twin \"\(first.twin)\""
        try await performWrite(operation) { db in
            let statement = try db.cachedStatement(sql: Self.saveAnomalySQL)
            for event in events {
                try statement.execute(arguments: [
                    event.id, event.twin, event.zone, event.quantity, event.kind, event.severity, event.score,
                    event.start, event.end, event.observed, event.expected, event.explanation, event.updatedAt,
                ])
            }
        }
    }

    private static let saveAnomalySQL = """
        INSERT INTO anomalies (
            id, twin, zone, quantity, kind, severity, score, start, "end",
            observed, expected, explanation, updated_at
        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET
            twin = excluded.twin, zone = excluded.zone, quantity = excluded.quantity,
            kind = excluded.kind, severity = excluded.severity, score = excluded.score,
            start = excluded.start, "end" = excluded."end", observed = excluded.observed,
            expected = excluded.expected, explanation = excluded.explanation,
            updated_at = excluded.updated_at
        WHERE excluded.updated_at >= anomalies.updated_at
        """

    /// Anomaly events of a twin active at or after `since`: still open, or ended at or after it.
    ///
    /// Newest start first, at most `limit` events.
    public func anomalies(twin: String, since: Double, limit: Int) async throws -> [StoredAnomaly] {
        guard limit > 0 else { return [] }
        return try await performRead("read anomalies of twin \"\(twin)\"") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM anomalies
                    WHERE twin = ? AND ("end" IS NULL OR "end" >= ?)
                    ORDER BY start DESC, id LIMIT ?
                    """,
                arguments: [twin, since, limit]
            ).map(StoredAnomaly.init(row:))
        }
    }

    /// Deletes every twin's closed anomaly events that ended before `time` (retention).
    ///
    /// Open events are kept whatever their age. Returns how many were deleted.
    @discardableResult
    public func deleteAnomalies(endedBefore time: Double) async throws -> Int {
        try await performWrite("delete anomalies ended before \(time)") { db in
            try db.execute(sql: #"DELETE FROM anomalies WHERE "end" IS NOT NULL AND "end" < ?"#, arguments: [time])
            return db.changesCount
        }
    }
}

extension StoredAnomaly {
    fileprivate init(row: Row) throws {
        self.init(
            id: try row.decode(String.self, forColumn: "id"),
            twin: try row.decode(String.self, forColumn: "twin"),
            zone: try row.decode(String.self, forColumn: "zone"),
            quantity: try row.decode(String.self, forColumn: "quantity"),
            kind: try row.decode(String.self, forColumn: "kind"),
            severity: try row.decode(String.self, forColumn: "severity"),
            score: try row.decode(Double.self, forColumn: "score"),
            start: try row.decode(Double.self, forColumn: "start"),
            end: try row.decode(Double?.self, forColumn: "end"),
            observed: try row.decode(Double?.self, forColumn: "observed"),
            expected: try row.decode(Double?.self, forColumn: "expected"),
            explanation: try row.decode(String.self, forColumn: "explanation"),
            updatedAt: try row.decode(Double.self, forColumn: "updated_at")
        )
    }
}
