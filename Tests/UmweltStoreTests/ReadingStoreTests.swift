import Testing
import UmweltCore
import UmweltStore

@Suite struct ReadingStoreTests {
    @Test func insertedReadingsComeBackFilteredByTwinZoneAndTime() async throws {
        try await withTemporaryStore { store in
            let office = [
                Reading(zone: "east", quantity: .temperature, time: 100, value: 21.5),
                Reading(zone: "west", quantity: .humidity, time: 110, value: 40),
                Reading(
                    zone: "east", quantity: .occupancy, time: 120, value: 1, occupancyKind: .presence, sensorIndex: 2),
                Reading(zone: "east", quantity: .generic("lux_raw"), time: 130, value: 812),
            ]
            try await store.insertReadings(twin: "office", office)
            try await store.insertReadings(twin: "lab", [Reading(zone: "east", quantity: .co2, time: 115, value: 600)])

            #expect(try await store.readings(twin: "office", zone: nil, since: 0, limit: 100) == office)
            #expect(
                try await store.readings(twin: "office", zone: "east", since: 110, limit: 100) == [
                    office[2], office[3],
                ])
            #expect(try await store.readings(twin: "office", zone: nil, since: 0, limit: 2) == [office[0], office[1]])
            #expect(try await store.readings(twin: "office", zone: nil, since: 0, limit: 0).isEmpty)
            #expect(try await store.readings(twin: "lab", zone: nil, since: 0, limit: 100).count == 1)
            #expect(try await store.readings(twin: "nobody", zone: nil, since: 0, limit: 100).isEmpty)
        }
    }

    @Test func readingsComeBackOrderedByTime() async throws {
        try await withTemporaryStore { store in
            let times: [Double] = [50, 10, 30, 20, 40]
            try await store.insertReadings(
                twin: "office",
                times.map { Reading(zone: "z", quantity: .co2, time: $0, value: $0 * 10) }
            )
            let stored = try await store.readings(twin: "office", zone: "z", since: 0, limit: 10)
            #expect(stored.map(\.time) == [10, 20, 30, 40, 50])
        }
    }

    @Test func retentionDeletesReadingsOlderThanCutoff() async throws {
        try await withTemporaryStore { store in
            let readings = (0..<10).map { Reading(zone: "z", quantity: .temperature, time: Double($0 * 60), value: 20) }
            try await store.insertReadings(twin: "a", readings)
            try await store.insertReadings(twin: "b", readings)

            let deleted = try await store.deleteReadings(olderThan: 300)
            #expect(deleted == 10)  // times 0...240 of both twins
            let remaining = try await store.readings(twin: "a", zone: nil, since: 0, limit: 100)
            #expect(remaining.map(\.time) == [300, 360, 420, 480, 540])
            #expect(try await store.deleteReadings(olderThan: 300) == 0)
        }
    }

    @Test func tenThousandReadingBatchInsertsInOneCall() async throws {
        try await withTemporaryStore { store in
            let readings = (0..<10_000).map { index in
                Reading(
                    zone: "zone-\(index % 7)", quantity: .co2, time: Double(index), value: 400 + Double(index % 300))
            }
            try await store.insertReadings(twin: "big", readings)
            let stored = try await store.readings(twin: "big", zone: nil, since: 0, limit: 20_000)
            #expect(stored.count == 10_000)
            #expect(stored.first == readings.first)
            #expect(stored.last == readings.last)
            #expect(try await store.readings(twin: "big", zone: "zone-3", since: 0, limit: 20_000).count == 1_429)
        }
    }
}
