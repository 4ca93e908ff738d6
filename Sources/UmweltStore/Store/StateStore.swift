internal import Foundation
internal import GRDB

/// SQLite persistence of the daemon's state: readings, closed steps, model checkpoints,
/// anomalies and issued forecasts.
///
/// Wraps a GRDB `DatabasePool` in WAL mode: one writer and several concurrent readers.
/// Every query runs on GRDB's own dispatch queues through its async APIs, so callers on the
/// cooperative pool are suspended, never blocked. Thread-safe: share one instance.
/// The initialiser and ``close()`` are synchronous; call them at startup and shutdown.
public final class StateStore: Sendable {
    /// Path of the SQLite database file.
    public let path: String
    let pool: DatabasePool

    /// Opens or creates the database at `path` and brings its schema up to date.
    ///
    /// Creates missing parent directories. The connection runs in WAL mode with
    /// `synchronous = NORMAL`, a 5 s busy timeout and foreign keys on; then every
    /// migration not yet applied runs (see ``appliedMigrations()``).
    /// - Throws: ``StoreError`` with code `open` or `migration`.
    public convenience init(path: String) throws {
        try self.init(path: path, migratingUpTo: StoreMigrations.all[StoreMigrations.all.count - 1])
    }

    /// Opens the database and applies migrations up to and including `lastMigration`.
    init(path: String, migratingUpTo lastMigration: String) throws {
        self.path = path
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            pool = try DatabasePool(path: path, configuration: Self.makeConfiguration())
        } catch {
            throw StoreError(code: .open, operation: "open the database", path: path, underlying: error)
        }
        do {
            try StoreMigrations.makeMigrator().migrate(pool, upTo: lastMigration)
        } catch {
            throw StoreError(
                code: .migration,
                operation: "migrate the schema up to \(lastMigration)",
                path: path,
                underlying: error
            )
        }
    }

    /// The connection settings every connection of the pool shares.
    private static func makeConfiguration() -> Configuration {
        var configuration = Configuration()
        configuration.label = "UmweltStore"
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(5)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // DatabasePool already does this for its writer in WAL mode; say it explicitly.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    /// Closes every connection. Later calls fail; pending accesses finish first.
    ///
    /// Synchronous: it waits for running accesses. Optional: the connections also close when
    /// the store is released.
    /// - Throws: ``StoreError`` with code `open` if a connection could not close.
    public func close() throws {
        do {
            try pool.close()
        } catch {
            throw StoreError(code: .open, operation: "close the database", path: path, underlying: error)
        }
    }

    /// Bytes the database takes on disk: the main file plus its write-ahead log.
    ///
    /// The WAL is folded back into the main file at checkpoints, so the sum is what retention
    /// should watch. The shared-memory index (`-shm`) is not counted.
    /// - Throws: ``StoreError`` with code `file` if the main file cannot be inspected.
    public func databaseSizeBytes() throws -> Int {
        let fileManager = FileManager.default
        do {
            let mainSize = try fileManager.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            let walPath = path + "-wal"
            guard fileManager.fileExists(atPath: walPath) else { return mainSize }
            let walSize = (try? fileManager.attributesOfItem(atPath: walPath)[.size] as? Int) ?? 0
            return mainSize + walSize
        } catch {
            throw StoreError(code: .file, operation: "measure the database size", path: path, underlying: error)
        }
    }

    /// Runs `updates` in one write transaction; wraps failures in a ``StoreError`` naming `operation`.
    ///
    /// Cancellation passes through as `CancellationError`.
    func performWrite<T: Sendable>(
        _ operation: String,
        _ updates: @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.write(updates)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw StoreError(code: .write, operation: operation, path: path, underlying: error)
        }
    }

    /// Runs `value` on a reader connection (a consistent snapshot); wraps failures like ``performWrite(_:_:)``.
    func performRead<T: Sendable>(
        _ operation: String,
        _ value: @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.read(value)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw StoreError(code: .read, operation: operation, path: path, underlying: error)
        }
    }
}
