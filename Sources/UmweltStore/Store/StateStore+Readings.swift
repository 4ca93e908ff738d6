internal import GRDB
import UmweltCore

extension StateStore {
    /// Appends readings of a twin, all in one transaction.
    ///
    /// Readings are kept as given (no de-duplication): zone, quantity name, time, value,
    /// occupancy kind and sensor index. An empty array does nothing.
    public func insertReadings(twin: String, _ readings: [Reading]) async throws {
        guard !readings.isEmpty else { return }
        try await performWrite("insert \(readings.count) readings of twin \"\(twin)\"") { db in
            try ReadingInsertion.insert(readings, twin: twin, in: db)
        }
    }

    /// ``insertReadings(twin:_:)`` through GRDB's `StatementArguments`, one array per row: the
    /// reference the direct binding of ``ReadingInsertion`` is tested against. For tests only.
    func insertReadingsWithStatementArguments(twin: String, _ readings: [Reading]) async throws {
        guard !readings.isEmpty else { return }
        try await performWrite("insert \(readings.count) readings of twin \"\(twin)\"") { db in
            let statement = try db.cachedStatement(sql: ReadingInsertion.sql)
            for reading in readings {
                try statement.execute(arguments: [
                    twin, reading.zone, reading.quantity.name, reading.time, reading.value,
                    reading.occupancyKind?.rawValue, reading.sensorIndex,
                ])
            }
        }
    }

    /// Readings of a twin with `time >= since`, oldest first (ties in insertion order).
    ///
    /// - Parameters:
    ///   - zone: Only this zone's readings, or every zone when nil.
    ///   - since: Seconds since the Unix epoch, inclusive.
    ///   - limit: At most this many readings (the oldest ones); page on with the last time.
    public func readings(twin: String, zone: String?, since: Double, limit: Int) async throws -> [Reading] {
        guard limit > 0 else { return [] }
        return try await performRead("read readings of twin \"\(twin)\"") { db in
            var sql = """
                SELECT zone, quantity, time, value, occupancy_kind, sensor_index FROM readings
                WHERE twin = ? AND time >= ?
                """
            var arguments: StatementArguments = [twin, since]
            if let zone {
                sql += " AND zone = ?"
                arguments += [zone]
            }
            sql += " ORDER BY time, rowid LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Reading.init(row:))
        }
    }

    /// Deletes every twin's readings with `time < time` (retention). Returns how many were deleted.
    @discardableResult
    public func deleteReadings(olderThan time: Double) async throws -> Int {
        try await performWrite("delete readings older than \(time)") { db in
            try db.execute(sql: "DELETE FROM readings WHERE time < ?", arguments: [time])
            return db.changesCount
        }
    }
}

extension Reading {
    /// Decodes a row of `readings` selected with the columns `insertReadings` writes.
    fileprivate init(row: Row) throws {
        let kind = try row.decode(String?.self, forColumn: "occupancy_kind")
        self.init(
            zone: try row.decode(String.self, forColumn: "zone"),
            quantity: Quantity(name: try row.decode(String.self, forColumn: "quantity")),
            time: try row.decode(Double.self, forColumn: "time"),
            value: try row.decode(Double.self, forColumn: "value"),
            occupancyKind: kind.flatMap(OccupancyKind.init(rawValue:)),
            sensorIndex: try row.decode(Int.self, forColumn: "sensor_index")
        )
    }
}
