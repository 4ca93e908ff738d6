internal import GRDB

extension StateStore {
    /// Identifiers of the schema migrations applied to this database, in order (e.g. `v1-initial-schema`).
    public func appliedMigrations() async throws -> [String] {
        try await performRead("list the applied migrations") { db in
            try StoreMigrations.makeMigrator().appliedMigrations(db)
        }
    }

    /// Names of the store's tables, without SQLite's and GRDB's internal ones.
    public func tableNames() async throws -> Set<String> {
        try await performRead("list the tables") { db in
            let names = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master
                    WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'
                    """
            )
            return Set(names)
        }
    }

    /// SQLite's journal mode of the database file: `wal` for a store.
    public func journalMode() async throws -> String {
        try await performRead("read the journal mode") { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? ""
        }
    }

    /// Runs raw SQL on the writer connection, in a transaction. For tests only.
    func executeRawSQL(_ sql: String) async throws {
        try await performWrite("execute raw SQL") { db in
            try db.execute(sql: sql)
        }
    }

    /// Every row of `readings` in rowid order, each column with its SQLite storage class
    /// (`typeof`) and its value as SQLite prints it (REALs to 17 digits). For tests only.
    func rawReadingRows() async throws -> [String] {
        try await performRead("dump the readings") { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT rowid || '|' || typeof(twin) || ':' || quote(twin) || '|' || typeof(zone) || ':' || quote(zone)
                        || '|' || typeof(quantity) || ':' || quote(quantity) || '|' || typeof(time) || ':'
                        || printf('%.17g', time) || '|' || typeof(value) || ':' || printf('%.17g', value) || '|'
                        || typeof(occupancy_kind) || ':' || quote(occupancy_kind) || '|' || typeof(sensor_index) || ':'
                        || quote(sensor_index)
                    FROM readings ORDER BY rowid
                    """
            )
        }
    }

    /// Fetches one integer with raw SQL on the writer connection (PRAGMAs included). For tests only.
    func fetchRawInteger(_ sql: String) async throws -> Int? {
        try await performWrite("fetch an integer with raw SQL") { db in
            try Int.fetchOne(db, sql: sql)
        }
    }
}
