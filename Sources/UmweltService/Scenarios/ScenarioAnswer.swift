import Foundation
import UmweltCore
import WorldModel

/// The answer to a `ScenarioRequest`, the same bytes over every door:
///
///     {"twin", "id", "start", "step_seconds", "horizon_steps",
///      "zones": {ZONE: {QUANTITY: {"baseline": [POINT…], "scenario": [POINT…], "difference": [POINT…]}}},
///      "kpis": {ZONE: {"baseline": KPIS, "scenario": KPIS}}, "targets": [OPTIMUM_START…]}
///
/// with POINT `{"time", "mean", "p10", "p90"}` (RFC 3339 UTC, canonical units) for every zone
/// and climate quantity the twin forecasts.
public struct ScenarioAnswer: Sendable, Encodable {
    public struct Point: Sendable, Encodable, Hashable {
        public var time: String
        public var mean: Double
        public var p10: Double
        public var p90: Double
    }

    public struct Trajectories: Sendable, Encodable, Hashable {
        public var baseline: [Point]
        public var scenario: [Point]
        public var difference: [Point]
    }

    public struct ZoneKPIs: Sendable, Encodable, Hashable {
        public var baseline: ComfortKPIs
        public var scenario: ComfortKPIs
    }

    public var twin: String
    public var id: String?
    public var start: String
    public var step_seconds: Int
    public var horizon_steps: Int
    public var kpis: [String: ZoneKPIs]
    public var targets: [OptimumStart]
    /// The point times of the answer, formatted once (`json` writes their bytes once too).
    var timeLabels: [String] = []
    /// The points of every zone and climate quantity, sorted by zone and quantity name
    /// (`zones` builds the nested document from them).
    var trajectories: [TrajectoryValues] = []
    /// The largest magnitude of any point value (sizes the JSON buffer).
    var largestValue = 0.0

    enum CodingKeys: String, CodingKey {
        case twin, id, start, step_seconds, horizon_steps, zones, kpis, targets
    }

    /// Answers `request` with `model` (its latest closed step is the origin).
    ///
    /// - Throws: `ScenarioError` naming the request field that the twin or horizon cannot serve.
    public init(request: ScenarioRequest, model: TwinModel) throws(ScenarioError) {
        let window = try ScenarioWindow(request: request, model: model)
        try window.check(request)
        let projection = try model.project(request.overrides)
        twin = model.twin.id
        id = request.id
        start = formatRFC3339(window.start)
        step_seconds = model.twin.stepSeconds
        horizon_steps = window.count
        kpis = [:]
        // Every series shares the point times: format them once.
        timeLabels = (0..<window.count).map { formatRFC3339(window.start + Double($0) * window.stepSeconds) }
        var largest = 0.0
        trajectories = projection.series.filter(\.quantity.isClimate).map {
            TrajectoryValues($0, window: window, largest: &largest)
        }
        trajectories.sort { ($0.zone, $0.quantity) < ($1.zone, $1.quantity) }
        largestValue = largest
        for zone in model.twin.zones where zone.kind == .indoor {
            guard
                projection.series(zone: zone.id, quantity: .temperature) != nil
                    || projection.series(zone: zone.id, quantity: .co2) != nil
            else { continue }
            kpis[zone.id] = ZoneKPIs(
                baseline: ComfortKPIs(zone: zone, projection: projection, window: window, scenario: false),
                scenario: ComfortKPIs(zone: zone, projection: projection, window: window, scenario: true)
            )
        }
        var optima: [OptimumStart] = []
        for (n, target) in request.targets.enumerated() {
            optima.append(try OptimumStart(target: target, field: "targets[\(n)]", request: request, model: model))
        }
        targets = optima
    }

    /// The JSON error document every door returns for a rejected request.
    public static func errorDocument(_ error: ScenarioError, id: String? = nil) -> [UInt8] {
        struct Failure: Encodable {
            var error: String
            var field: String
            var reason: String
            var id: String?
        }
        return PayloadEncoding.encode(
            Failure(error: error.description, field: error.field, reason: error.reason, id: id))
    }
}

/// The points a request asks for out of the model's horizon.
struct ScenarioWindow: Sendable {
    /// Time of the model's first forecast point (the step after the latest learned one).
    var first: Double
    var stepSeconds: Double
    var start: Double
    /// Index of `start` among the model's points.
    var offset: Int
    var count: Int

    var end: Double { start + Double(count) * stepSeconds }

    init(request: ScenarioRequest, model: TwinModel) throws(ScenarioError) {
        guard let last = model.lastClosedStep else {
            throw ScenarioError(field: "twin", reason: "\(model.twin.id) has not learned any step yet")
        }
        stepSeconds = Double(max(1, model.twin.stepSeconds))
        first = last + stepSeconds
        let horizon = model.configuration.horizonSteps
        if let requested = request.start {
            let aligned = (requested / stepSeconds).rounded(.down) * stepSeconds
            guard aligned >= first else {
                throw ScenarioError(
                    field: "start",
                    reason:
                        "\(formatRFC3339(requested)) is before the next step the model forecasts, \(formatRFC3339(first))"
                )
            }
            offset = Int(((aligned - first) / stepSeconds).rounded())
            guard offset < horizon else {
                throw ScenarioError(
                    field: "start",
                    reason: "after the model's horizon, \(formatRFC3339(first + Double(horizon) * stepSeconds))")
            }
        } else {
            offset = 0
        }
        start = first + Double(offset) * stepSeconds
        count = horizon - offset
        if let seconds = request.horizonSeconds {
            let steps = Int((Double(seconds) / stepSeconds).rounded(.up))
            guard steps <= count else {
                throw ScenarioError(
                    field: "horizon",
                    reason:
                        "ends after the model's horizon (\(DurationParser.format(seconds: Int(Double(count) * stepSeconds))) from start)"
                )
            }
            count = steps
        }
    }

    /// Checks that every override window and target deadline lies within the answer.
    func check(_ request: ScenarioRequest) throws(ScenarioError) {
        for (n, override) in request.overrides.enumerated() {
            for (name, time) in [("from", override.from), ("until", override.until)] {
                guard let time else { continue }
                guard time >= start - stepSeconds, time <= end else {
                    throw ScenarioError(
                        field: "overrides[\(n)].\(name)",
                        reason:
                            "\(formatRFC3339(time)) is outside the horizon \(formatRFC3339(start))…\(formatRFC3339(end))"
                    )
                }
            }
        }
        for (n, target) in request.targets.enumerated() {
            guard target.by > start, target.by < end else {
                throw ScenarioError(
                    field: "targets[\(n)].by",
                    reason:
                        "\(formatRFC3339(target.by)) is outside the horizon \(formatRFC3339(start))…\(formatRFC3339(end))"
                )
            }
        }
    }

    func slice(_ points: [ForecastPoint]) -> ArraySlice<ForecastPoint> {
        points[min(offset, points.count)..<min(offset + count, points.count)]
    }
}
