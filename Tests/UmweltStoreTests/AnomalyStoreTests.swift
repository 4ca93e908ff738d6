import Testing

@testable import UmweltStore

@Suite struct AnomalyStoreTests {
    private static func event(id: String = "office/east/co2/1", start: Double = 1_000, updatedAt: Double)
        -> StoredAnomaly
    {
        StoredAnomaly(
            id: id,
            twin: "office",
            zone: "east",
            quantity: "co2",
            kind: "residual",
            severity: "warning",
            score: 4.2,
            start: start,
            observed: 1_450,
            expected: 800,
            explanation: "CO2 far above the forecast band",
            updatedAt: updatedAt
        )
    }

    @Test func eventUpdatedThenClosedIsOneRow() async throws {
        try await withTemporaryStore { store in
            let opened = Self.event(updatedAt: 1_000)
            var updated = opened
            updated.score = 6.1
            updated.severity = "critical"
            updated.updatedAt = 1_300
            var closed = updated
            closed.end = 1_900
            closed.updatedAt = 1_900

            try await store.saveAnomaly(opened)
            try await store.saveAnomaly(updated)
            try await store.saveAnomaly(closed)

            #expect(try await store.anomalies(twin: "office", since: 0, limit: 10) == [closed])
            #expect(try await store.fetchRawInteger("SELECT count(*) FROM anomalies") == 1)
        }
    }

    @Test func staleUpdateDoesNotReopenAClosedEvent() async throws {
        try await withTemporaryStore { store in
            var closed = Self.event(updatedAt: 2_000)
            closed.end = 2_000
            try await store.saveAnomaly(closed)
            try await store.saveAnomaly(Self.event(updatedAt: 1_500))
            #expect(try await store.anomalies(twin: "office", since: 0, limit: 10) == [closed])
        }
    }

    @Test func batchSavesInOrderAsSingleSavesWould() async throws {
        try await withTemporaryStore { store in
            let opened = Self.event(updatedAt: 1_000)
            var closed = opened
            closed.end = 1_900
            closed.updatedAt = 1_900
            let other = Self.event(id: "office/west/co2/1", start: 1_100, updatedAt: 1_100)
            // Within one batch: the later update wins, a stale one after it is ignored.
            try await store.saveAnomalies([opened, other, closed, Self.event(updatedAt: 1_500)])
            #expect(try await store.anomalies(twin: "office", since: 0, limit: 10) == [other, closed])
            try await store.saveAnomalies([])
            #expect(try await store.fetchRawInteger("SELECT count(*) FROM anomalies") == 2)
        }
    }

    @Test func batchWithAFailingEventSavesNone() async throws {
        try await withTemporaryStore { (store: StateStore) async throws in
            var invalid = Self.event(id: "b", updatedAt: 1_000)
            invalid.score = .nan  // binds NULL and fails NOT NULL
            await #expect(throws: (any Error).self) {
                try await store.saveAnomalies([Self.event(id: "a", updatedAt: 1_000), invalid])
            }
            #expect(try await store.fetchRawInteger("SELECT count(*) FROM anomalies") == 0)
        }
    }

    @Test func anomaliesSinceIncludeOpenAndRecentlyEndedEventsNewestFirst() async throws {
        try await withTemporaryStore { store in
            var oldClosed = Self.event(id: "a", start: 100, updatedAt: 200)
            oldClosed.end = 200
            let oldOpen = Self.event(id: "b", start: 150, updatedAt: 150)
            var recentClosed = Self.event(id: "c", start: 900, updatedAt: 1_100)
            recentClosed.end = 1_100
            let recentOpen = Self.event(id: "d", start: 1_200, updatedAt: 1_200)
            var otherTwin = Self.event(id: "e", start: 1_300, updatedAt: 1_300)
            otherTwin.twin = "lab"
            for event in [oldClosed, oldOpen, recentClosed, recentOpen, otherTwin] {
                try await store.saveAnomaly(event)
            }

            let since1000 = try await store.anomalies(twin: "office", since: 1_000, limit: 10)
            #expect(since1000.map(\.id) == ["d", "c", "b"])
            #expect(try await store.anomalies(twin: "office", since: 0, limit: 2).map(\.id) == ["d", "c"])

            #expect(try await store.deleteAnomalies(endedBefore: 1_000) == 1)
            #expect(try await store.anomalies(twin: "office", since: 0, limit: 10).map(\.id) == ["d", "c", "b"])
        }
    }
}
