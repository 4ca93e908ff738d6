internal import GRDB

/// Migration `v2-forecast-issues`: forecasts as issued, with the observed value once scored.
enum ForecastIssuesMigration {
    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE forecasts (
                    twin TEXT NOT NULL,
                    zone TEXT NOT NULL,
                    quantity TEXT NOT NULL,
                    issued_at REAL NOT NULL,
                    target_time REAL NOT NULL,
                    mean REAL NOT NULL,
                    lower REAL NOT NULL,
                    upper REAL NOT NULL,
                    level REAL NOT NULL,
                    observed REAL,
                    PRIMARY KEY (twin, zone, quantity, issued_at, target_time)
                ) WITHOUT ROWID;
                CREATE INDEX forecasts_series_target ON forecasts(twin, zone, quantity, target_time);
                CREATE INDEX forecasts_twin_target ON forecasts(twin, target_time);
                """
        )
    }
}
