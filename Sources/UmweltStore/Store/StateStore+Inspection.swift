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

    /// Fetches one integer with raw SQL on the writer connection (PRAGMAs included). For tests only.
    func fetchRawInteger(_ sql: String) async throws -> Int? {
        try await performWrite("fetch an integer with raw SQL") { db in
            try Int.fetchOne(db, sql: sql)
        }
    }
}
