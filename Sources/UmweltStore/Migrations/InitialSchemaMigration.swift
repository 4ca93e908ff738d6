internal import GRDB

/// Migration `v1-initial-schema`: readings, steps, checkpoints and anomalies.
///
/// Times are REAL seconds since the Unix epoch. Checkpoint checksums are the `Int64` bit
/// pattern of the `UInt64` FNV-1a hash.
enum InitialSchemaMigration {
    static func apply(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE readings (
                    twin TEXT NOT NULL,
                    zone TEXT NOT NULL,
                    quantity TEXT NOT NULL,
                    time REAL NOT NULL,
                    value REAL NOT NULL,
                    occupancy_kind TEXT,
                    sensor_index INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX readings_twin_time ON readings(twin, time);

                CREATE TABLE steps (
                    twin TEXT NOT NULL,
                    start REAL NOT NULL,
                    payload BLOB NOT NULL,
                    PRIMARY KEY (twin, start)
                ) WITHOUT ROWID;

                CREATE TABLE checkpoints (
                    id INTEGER PRIMARY KEY,
                    twin TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    model_version INTEGER NOT NULL,
                    last_step REAL,
                    payload BLOB NOT NULL,
                    checksum INTEGER NOT NULL
                );
                CREATE INDEX checkpoints_twin_created_at ON checkpoints(twin, created_at);

                CREATE TABLE anomalies (
                    id TEXT PRIMARY KEY NOT NULL,
                    twin TEXT NOT NULL,
                    zone TEXT NOT NULL,
                    quantity TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    score REAL NOT NULL,
                    start REAL NOT NULL,
                    "end" REAL,
                    observed REAL,
                    expected REAL,
                    explanation TEXT NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX anomalies_twin_start ON anomalies(twin, start);
                """
        )
    }
}
