internal import GRDB
internal import GRDBSQLite
import UmweltCore

/// Appends readings through one prepared statement, binding each column with
/// `sqlite3_bind_*` (no `StatementArguments` per row).
///
/// Writes the same rows as GRDB's `execute(arguments:)` would: text bound as
/// nul-terminated UTF-8, times and values as REAL, the sensor index as INTEGER, a missing
/// occupancy kind as NULL (a NaN value binds NULL and fails `NOT NULL`, as with GRDB).
/// Runs inside the caller's write transaction; a failing row throws and the caller's
/// transaction rolls back.
enum ReadingInsertion {
    static let sql = """
        INSERT INTO readings (twin, zone, quantity, time, value, occupancy_kind, sensor_index)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts `readings` of `twin`, in order.
    static func insert(_ readings: [Reading], twin: String, in db: Database) throws {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        // Text is bound without copying (SQLITE_STATIC, valid during each step only): leave
        // no binding behind for GRDB's next use of the cached statement.
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        try twin.withCString { twinText in
            try check(sqlite3_bind_text(handle, 1, twinText, -1, nil), db)
            for reading in readings {
                try reading.zone.withCString { zone in
                    try reading.quantity.name.withCString { quantity in
                        try check(sqlite3_bind_text(handle, 2, zone, -1, nil), db)
                        try check(sqlite3_bind_text(handle, 3, quantity, -1, nil), db)
                        try check(sqlite3_bind_double(handle, 4, reading.time), db)
                        try check(sqlite3_bind_double(handle, 5, reading.value), db)
                        if let kind = reading.occupancyKind {
                            try check(sqlite3_bind_text(handle, 6, kind.rawValue, -1, transient), db)
                        } else {
                            try check(sqlite3_bind_null(handle, 6), db)
                        }
                        try check(sqlite3_bind_int64(handle, 7, Int64(reading.sensorIndex)), db)
                        let code = sqlite3_step(handle)
                        sqlite3_reset(handle)
                        guard code == SQLITE_DONE else { throw error(code, db) }
                    }
                }
            }
        }
    }

    /// SQLite's `SQLITE_TRANSIENT`: copy the bound text (a macro Swift does not import).
    private static var transient: sqlite3_destructor_type {
        unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }

    private static func check(_ code: CInt, _ db: Database) throws {
        guard code == SQLITE_OK else { throw error(code, db) }
    }

    private static func error(_ code: CInt, _ db: Database) -> DatabaseError {
        let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}
