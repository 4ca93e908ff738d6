import Testing
import UmweltCore

@testable import UmweltStore

/// The direct `sqlite3_bind_*` insert of readings writes the rows GRDB's `StatementArguments` did.
@Suite struct ReadingInsertionTests {
    /// Readings that exercise every column: kinds, generic quantities, odd zone names,
    /// extreme numbers and duplicates.
    static let readings: [Reading] = {
        let base = [
            Reading(zone: "east", quantity: .temperature, time: 1_700_000_000.123456, value: 21.5),
            Reading(
                zone: "east", quantity: .occupancy, time: 1_700_000_001, value: 1, occupancyKind: .presence,
                sensorIndex: 2),
            Reading(zone: "west", quantity: .occupancy, time: 1_700_000_002, value: 17, occupancyKind: .count),
            Reading(zone: "Büro 3.14 — Nord", quantity: .generic("lux_raw"), time: -5, value: -0.0),
            Reading(zone: "", quantity: .co2, time: 0, value: .leastNonzeroMagnitude, sensorIndex: Int.max),
            Reading(zone: "a\u{0}b", quantity: .humidity, time: .greatestFiniteMagnitude, value: .infinity),
            Reading(
                zone: String(repeating: "long-zone-name-", count: 20), quantity: .generic("x"), time: 1e-300,
                value: -.infinity, sensorIndex: -3),
        ]
        // Duplicates are kept as given, in order.
        return base + base.prefix(3) + [base[0]]
    }()

    @Test func directBindingWritesTheRowsStatementArgumentsWrote() async throws {
        try await withTemporaryStore { direct in
            try await withTemporaryStore { reference in
                let other = [Reading(zone: "lab", quantity: .co2, time: 5, value: 600)]
                try await direct.insertReadings(twin: "office", Self.readings)
                try await direct.insertReadings(twin: "lab", other)
                try await direct.insertReadings(twin: "office", Array(Self.readings.reversed()))
                try await reference.insertReadingsWithStatementArguments(twin: "office", Self.readings)
                try await reference.insertReadingsWithStatementArguments(twin: "lab", other)
                try await reference.insertReadingsWithStatementArguments(
                    twin: "office", Array(Self.readings.reversed()))

                let rows = try await direct.rawReadingRows()
                #expect(rows.count == 2 * Self.readings.count + 1)
                #expect(rows == (try await reference.rawReadingRows()))
                #expect(rows[4].contains("|null:NULL|integer:9223372036854775807"))
                #expect(rows[1].contains("|text:'presence'|integer:2"))
                let officeDirect = try await direct.readings(twin: "office", zone: nil, since: -10, limit: 100)
                let officeReference = try await reference.readings(twin: "office", zone: nil, since: -10, limit: 100)
                #expect(officeDirect == officeReference)
            }
        }
    }

    @Test func rejectedBatchRollsBackLikeStatementArguments() async throws {
        try await withTemporaryStore { direct in
            try await withTemporaryStore { reference in
                // NaN binds NULL and fails `value NOT NULL`: the whole batch is rejected.
                var batch = Self.readings
                batch.insert(Reading(zone: "east", quantity: .co2, time: 9, value: .nan), at: 3)
                try await direct.insertReadings(twin: "office", Array(Self.readings.prefix(2)))
                try await reference.insertReadingsWithStatementArguments(
                    twin: "office", Array(Self.readings.prefix(2)))
                await #expect(throws: StoreError.self) { try await direct.insertReadings(twin: "office", batch) }
                await #expect(throws: StoreError.self) {
                    try await reference.insertReadingsWithStatementArguments(twin: "office", batch)
                }
                // The statement is reusable after the failure; rows of the failed batch are gone.
                try await direct.insertReadings(twin: "office", [Self.readings[2]])
                try await reference.insertReadingsWithStatementArguments(twin: "office", [Self.readings[2]])
                let rows = try await direct.rawReadingRows()
                #expect(rows.count == 3)
                #expect(rows == (try await reference.rawReadingRows()))
            }
        }
    }

    @Test func emptyBatchWritesNothing() async throws {
        try await withTemporaryStore { store in
            try await store.insertReadings(twin: "office", [])
            #expect(try await store.rawReadingRows().isEmpty)
        }
    }
}
