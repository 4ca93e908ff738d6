internal import GRDB

/// The versioned schema of the state store, applied in order by GRDB's `DatabaseMigrator`.
///
/// GRDB records applied migrations in its `grdb_migrations` table, so opening a database
/// runs only the migrations it has not seen. Never edit a released migration: add a new one.
enum StoreMigrations {
    /// Readings, steps, checkpoints and anomalies.
    static let initialSchema = "v1-initial-schema"
    /// Issued forecasts, scored later for live accuracy.
    static let forecastIssues = "v2-forecast-issues"

    /// Every migration identifier, in the order they run.
    static let all = [initialSchema, forecastIssues]

    /// The tables the current schema has (excluding SQLite's and GRDB's own).
    static let tables: Set<String> = ["anomalies", "checkpoints", "forecasts", "readings", "steps"]

    /// A migrator with every migration registered.
    static func makeMigrator() -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(initialSchema) { db in
            try InitialSchemaMigration.apply(db)
        }
        migrator.registerMigration(forecastIssues) { db in
            try ForecastIssuesMigration.apply(db)
        }
        return migrator
    }
}
