import Foundation
import Testing
import UmweltCore

@testable import UmweltStore

@Suite struct MigrationTests {
    @Test func migrationsCreateTablesAndConfigureWAL() async throws {
        try await withTemporaryStore { store throws in
            #expect(try await store.tableNames() == ["readings", "steps", "checkpoints", "anomalies", "forecasts"])
            #expect(try await store.journalMode() == "wal")
            #expect(try await store.appliedMigrations() == ["v1-initial-schema", "v2-forecast-issues"])
            #expect(try await store.fetchRawInteger("PRAGMA synchronous") == 1)  // NORMAL
            #expect(try await store.fetchRawInteger("PRAGMA foreign_keys") == 1)
            #expect(try await store.fetchRawInteger("PRAGMA busy_timeout") == 5000)
        }
    }

    @Test func databaseCreatedByV1OpensAgainAndUpgrades() async throws {
        try await withTemporaryDatabasePath { path in
            let v1 = try StateStore(path: path, migratingUpTo: StoreMigrations.initialSchema)
            #expect(try await v1.tableNames() == ["readings", "steps", "checkpoints", "anomalies"])
            #expect(try await v1.appliedMigrations() == ["v1-initial-schema"])
            try await v1.insertReadings(twin: "office", [Reading(zone: "z1", quantity: .co2, time: 10, value: 450)])
            try v1.close()

            for _ in 0..<2 {
                let current = try StateStore(path: path)
                #expect(
                    try await current.tableNames() == ["readings", "steps", "checkpoints", "anomalies", "forecasts"])
                #expect(try await current.appliedMigrations() == ["v1-initial-schema", "v2-forecast-issues"])
                let readings = try await current.readings(twin: "office", zone: nil, since: 0, limit: 10)
                #expect(readings == [Reading(zone: "z1", quantity: .co2, time: 10, value: 450)])
                try current.close()
            }
        }
    }

    @Test func createsMissingParentDirectories() async throws {
        try await withTemporaryDatabasePath { path in
            let nested = URL(fileURLWithPath: path).deletingLastPathComponent()
                .appendingPathComponent("state/umwelt/store.sqlite").path
            let store = try StateStore(path: nested)
            defer { try? store.close() }
            #expect(store.path == nested)
            #expect(FileManager.default.fileExists(atPath: nested))
            #expect(try store.databaseSizeBytes() > 0)
        }
    }

    @Test func openingAFileThatIsNotADatabaseThrowsStoreErrorWithPath() async throws {
        try await withTemporaryDatabasePath { path in
            try Data(repeating: 0x5a, count: 4096).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StoreError.self) { try StateStore(path: path) }
            #expect(error?.code == .open || error?.code == .migration)
            #expect(error?.description.contains(path) == true)
            #expect(error?.underlying != nil)
        }
    }
}
