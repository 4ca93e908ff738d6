import Testing
import UmweltCore
import WorldModel

@testable import UmweltService

/// The runtime's hand-written forecast payload is byte for byte the document `JSONEncoder`
/// gives (`PayloadEncoding`), which the MQTT contract describes.
struct ForecastPayloadTests {
    static func forecast(quantity: Quantity, zone: String, counts: Bool, seed: Int) -> SeriesForecast {
        var generator = SplitMix(seed: UInt64(seed))
        let issuedAt = 1_704_067_200.0 + Double(seed) * 300
        let points = (1...288).map { h in
            let mean = generator.uniform(-40, 3_000)
            let spread = h % 5 == 0 ? 0 : generator.uniform(0, 50)
            return ForecastPoint(
                time: issuedAt + Double(h - 1) * 300, mean: mean, p10: mean - spread, p50: h % 7 == 0 ? -0.00001 : mean,
                p90: h % 11 == 0 ? .nan : mean + spread)
        }
        return SeriesForecast(
            zone: zone, quantity: quantity, issuedAt: issuedAt, stepSeconds: 300, warmingUp: seed % 2 == 0,
            stepsLearned: seed * 17, points: points,
            expectedCount: counts ? points.map { max(0, $0.mean / 100) } : nil)
    }

    @Test func payloadMatchesTheEncodedDocument() {
        let cases = [
            Self.forecast(quantity: .temperature, zone: "z0", counts: false, seed: 1),
            Self.forecast(quantity: .co2, zone: "meeting \"room\"/2", counts: false, seed: 2),
            Self.forecast(quantity: .occupancy, zone: "open-office", counts: true, seed: 3),
            Self.forecast(quantity: .humidity, zone: "küche", counts: false, seed: 4),
        ]
        for forecast in cases {
            let expected = PayloadEncoding.encode(PayloadEncoding.forecastDocument(twin: "demo/office", forecast))
            #expect(TwinRuntime.forecastPayload(twin: "demo/office", forecast) == expected)
            let shared = TwinRuntime.pointTimes(forecast)
            #expect(TwinRuntime.forecastPayload(twin: "demo/office", forecast, times: shared) == expected)
        }
    }
}
