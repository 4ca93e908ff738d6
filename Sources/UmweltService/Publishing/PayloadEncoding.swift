import Foundation
import UmweltCore
import WorldModel

/// JSON documents Umwelt publishes and serves, in canonical units.
///
/// Times are RFC 3339 strings in UTC; keys are snake_case.
enum PayloadEncoding {
    struct Point: Codable {
        var time: String
        var mean: Double
        var p10: Double
        var p50: Double
        var p90: Double
        var expected_count: Double?
    }

    struct Forecast: Codable {
        var twin: String
        var zone: String
        var quantity: String
        var unit: String
        var issued_at: String
        var step_seconds: Int
        var warming_up: Bool
        var steps_learned: Int
        var horizon: [Point]
    }

    struct State: Codable {
        var twin: String
        var zone: String
        var time: String
        var values: [String: Double]
        var occupancy_probability: Double?
        var expected_occupants: Double?
        var warming_up: Bool
    }

    struct Anomaly: Codable {
        var id: String
        var twin: String
        var zone: String
        var quantity: String
        var kind: String
        var phase: String
        var severity: String
        var score: Double
        var start: String
        var end: String?
        var observed: Double?
        var expected: Double?
        var explanation: String
    }

    static func unitName(_ quantity: Quantity) -> String {
        switch quantity {
        case .temperature, .setpoint: "degC"
        case .humidity: "percent"
        case .co2: "ppm"
        case .occupancy: "probability"
        default: quantity.canonicalUnit?.rawValue ?? "1"
        }
    }

    static func forecastDocument(twin: String, _ forecast: SeriesForecast) -> Forecast {
        Forecast(
            twin: twin,
            zone: forecast.zone,
            quantity: forecast.quantity.name,
            unit: unitName(forecast.quantity),
            issued_at: formatRFC3339(forecast.issuedAt),
            step_seconds: forecast.stepSeconds,
            warming_up: forecast.warmingUp,
            steps_learned: forecast.stepsLearned,
            horizon: forecast.points.enumerated().map { index, point in
                Point(
                    time: formatRFC3339(point.time),
                    mean: rounded(point.mean),
                    p10: rounded(point.p10),
                    p50: rounded(point.p50),
                    p90: rounded(point.p90),
                    expected_count: forecast.expectedCount.map { rounded($0[index]) }
                )
            }
        )
    }

    static func stateDocument(twin: String, _ state: ZoneState) -> State {
        State(
            twin: twin,
            zone: state.zone,
            time: formatRFC3339(state.time),
            values: state.values.mapValues(rounded),
            occupancy_probability: state.occupancyProbability.map(rounded),
            expected_occupants: state.expectedOccupants.map(rounded),
            warming_up: state.warmingUp
        )
    }

    static func anomalyDocument(twin: String, _ event: AnomalyEvent) -> Anomaly {
        Anomaly(
            id: event.id,
            twin: twin,
            zone: event.zone,
            quantity: event.quantity.name,
            kind: event.kind.rawValue,
            phase: event.phase.rawValue,
            severity: event.severity.rawValue,
            score: rounded(event.score),
            start: formatRFC3339(event.start),
            end: event.end.map { formatRFC3339($0) },
            observed: event.observed.map(rounded),
            expected: event.expected.map(rounded),
            explanation: event.explanation
        )
    }

    /// Four significant decimals are more than any sensor resolves; keeps payloads small.
    static func rounded(_ value: Double) -> Double {
        guard value.isFinite else { return 0 }
        return (value * 10_000).rounded() / 10_000
    }

    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? Array(encoder.encode(value))) ?? Array("{}".utf8)
    }
}
