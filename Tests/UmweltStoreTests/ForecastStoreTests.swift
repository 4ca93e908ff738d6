import Testing
import UmweltStore

@Suite struct ForecastStoreTests {
    private static func forecast(issuedAt: Double, horizon: Double, mean: Double) -> StoredForecast {
        StoredForecast(
            twin: "office",
            zone: "east",
            quantity: "temperature",
            issuedAt: issuedAt,
            targetTime: issuedAt + horizon,
            mean: mean,
            lower: mean - 1,
            upper: mean + 1,
            level: 0.8
        )
    }

    @Test func scoredForecastsGiveAccuracyPerHorizon() async throws {
        try await withTemporaryStore { store in
            // Issued at 0 and 600 for horizons 600 and 1200; the truth is 21 at every target.
            try await store.saveForecastIssues([
                Self.forecast(issuedAt: 0, horizon: 600, mean: 20.5),
                Self.forecast(issuedAt: 600, horizon: 600, mean: 21.5),
                Self.forecast(issuedAt: 0, horizon: 1_200, mean: 23),
                Self.forecast(issuedAt: 600, horizon: 1_200, mean: 19),
            ])
            var scored = 0
            for target in [600.0, 1_200, 1_800] {
                scored += try await store.scoreForecasts(
                    twin: "office", zone: "east", quantity: "temperature", targetTime: target + 1, observed: 21,
                    tolerance: 5
                )
            }
            #expect(scored == 4)

            let accuracy = try await store.forecastAccuracy(twin: "office", since: 0)
            #expect(accuracy.map(\.horizonSeconds) == [600, 1_200])
            let short = accuracy[0]
            #expect(short.count == 2)
            #expect(abs(short.meanAbsoluteError - 0.5) < 1e-12)
            #expect(abs(short.rootMeanSquareError - 0.5) < 1e-12)
            #expect(abs(short.bias) < 1e-12)
            #expect(short.coverage == 1)
            #expect(short.nominalLevel == 0.8)
            let long = accuracy[1]
            #expect(abs(long.meanAbsoluteError - 2) < 1e-12)
            #expect(long.coverage == 0)
        }
    }

    @Test func reissuingAForecastKeepsItsObservation() async throws {
        try await withTemporaryStore { store in
            let issued = Self.forecast(issuedAt: 0, horizon: 600, mean: 20)
            try await store.saveForecastIssues([issued])
            try await store.scoreForecasts(
                twin: "office", zone: "east", quantity: "temperature", targetTime: 600, observed: 20.4
            )
            try await store.saveForecastIssues([issued])

            let stored = try await store.forecastIssues(twin: "office", from: 0, to: 10_000, limit: 10)
            #expect(stored.count == 1)
            #expect(stored.first?.observed == 20.4)
            #expect(try await store.deleteForecastIssues(olderThan: 601) == 1)
            #expect(try await store.forecastIssues(twin: "office", from: 0, to: 10_000, limit: 10).isEmpty)
        }
    }
}
