import UmweltCore
import WorldModel

/// One live forecast error: what a forecast said about a step, against what the step measured.
struct ScoredForecastError: Sendable, Hashable {
    var twin: String
    var quantity: String
    /// `15m`, `1h`, `6h`, `24h`: how far ahead the forecast was issued.
    var horizon: String
    var absoluteError: Double
}

/// Keeps the forecasts issued for a few horizons and scores each against the step it
/// predicted when that step closes (live forecast error per horizon).
///
/// Memory is bounded: per series, at most one pending prediction per horizon and target
/// step; predictions whose target step has passed without data are dropped.
struct ForecastScorer: Sendable {
    private struct Target: Hashable {
        var series: SeriesKey
        var time: Double
    }

    private let twin: String
    private let stepSeconds: Double
    /// Horizons scored, in steps, with their labels.
    private let horizons: [(steps: Int, label: String)]
    private var pending: [Target: [(label: String, mean: Double)]] = [:]

    init(twin: String, stepSeconds: Int, horizonSteps: Int) {
        self.twin = twin
        self.stepSeconds = Double(stepSeconds)
        let candidates = [stepSeconds, 3600, 6 * 3600, 24 * 3600]
        var horizons: [(Int, String)] = []
        for seconds in candidates {
            let steps = max(1, seconds / stepSeconds)
            guard steps <= horizonSteps, !horizons.contains(where: { $0.0 == steps }) else { continue }
            horizons.append((steps, Self.label(seconds: steps * stepSeconds)))
        }
        self.horizons = horizons
    }

    /// Remembers the points of `forecasts` at the scored horizons (warm-up ones too: they are published).
    mutating func issue(_ forecasts: [SeriesForecast]) {
        for forecast in forecasts {
            let series = SeriesKey(zone: forecast.zone, quantity: forecast.quantity)
            for horizon in horizons where horizon.steps <= forecast.points.count {
                let point = forecast.points[horizon.steps - 1]
                pending[Target(series: series, time: point.time), default: []].append((horizon.label, point.mean))
            }
        }
    }

    /// Scores every pending prediction for `step` and drops those that are now in the past.
    mutating func score(_ step: ClosedStep) -> [ScoredForecastError] {
        var errors: [ScoredForecastError] = []
        for (series, value) in step.values {
            guard let predictions = pending.removeValue(forKey: Target(series: series, time: step.start)) else {
                continue
            }
            for prediction in predictions {
                errors.append(
                    ScoredForecastError(
                        twin: twin,
                        quantity: series.quantity.name,
                        horizon: prediction.label,
                        absoluteError: abs(prediction.mean - value.mean)
                    )
                )
            }
        }
        pending = pending.filter { $0.key.time > step.start }
        return errors
    }

    static func label(seconds: Int) -> String {
        if seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
