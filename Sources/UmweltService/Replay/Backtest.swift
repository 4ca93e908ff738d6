import Foundation
import UmweltCore
import WorldModel

/// Runs a recording through the daemon's router and model in data time and scores every
/// forecast against the step means that later arrive.
///
/// Protocol: steps are half-open bins `[t, t+step)` aligned to the epoch; from the first
/// step of the input on, every closed step `t` is an origin; its forecast uses only
/// readings timed before the end of step `t` (the model learns a step only when it
/// closes), and horizon `h` targets step `t + h·step`. The warm-up recording only trains
/// (`StepPurpose.train`: every step learned, calibrators scored on sub-sampled rollouts), and
/// before its calibration window only learns (`StepPurpose.learn`, `TwinModel.purpose`).
public struct Backtest: Sendable {
    public var twin: TwinDefinition
    public var horizons: [Int]

    public init(twin: TwinDefinition, horizons: [Int] = [1, 3, 6, 12, 48]) {
        self.twin = twin
        self.horizons = horizons.sorted()
    }

    /// What a run produced; `model` is the learned state at the end (for `--db`).
    public struct Outcome: Sendable {
        public var forecasts: [ForecastRow]
        public var anomalies: [AnomalyRow]
        public var steps: [ClosedStep]
        public var model: TwinModel
        public var elapsedSeconds: Double
        public var origins: Int
        public var messages: Int
        public var rejected: Int
        /// Anomaly events of the input steps (opened, updated, closed), in order.
        public var events: [AnomalyEvent] = []
    }

    public struct ForecastRow: Sendable, Hashable {
        public var origin: Double
        public var zone: String
        public var quantity: String
        public var horizon: Int
        public var target: Double
        public var mean: Double
        public var p10: Double
        public var p50: Double
        public var p90: Double
        public var observed: Double?
        /// The origin step's observed value: the persistence forecast.
        public var persistence: Double?
    }

    public struct AnomalyRow: Sendable, Hashable {
        public var time: Double
        public var zone: String
        public var quantity: String
        public var value: Double
        public var score: Double
        public var kind: String
    }

    public func run(warmup: [RecordedMessage], input: [RecordedMessage]) -> Outcome {
        let clock = ContinuousClock()
        let began = clock.now
        var configuration = ModelConfiguration(twin: twin)
        // Roll forward only as far as the longest scored horizon: the learning is the
        // daemon's, the forecasts beyond are never scored (`--db` relearns with the
        // daemon's own horizon).
        configuration.horizonSteps = max(1, horizons.last ?? 1)
        var model = TwinModel(twin: twin, configuration: configuration)
        let router = Router(twins: [twin])
        let stepSeconds = Double(twin.stepSeconds)
        var rejected = 0
        var steps: [ClosedStep] = []
        var pending: [ForecastRow] = []
        var anomalies: [AnomalyRow] = []
        var events: [AnomalyEvent] = []
        var origins = 0
        let inputStart = input.map(\.time).min().map { floor($0 / stepSeconds) * stepSeconds } ?? .infinity

        func handle(_ reports: [StepReport]) {
            for report in reports {
                steps.append(report.step)
                guard report.step.start >= inputStart else { continue }
                origins += 1
                events += report.events
                for (key, value) in report.step.values.sorted(by: { $0.key < $1.key }) {
                    let score = report.scores[key]
                    anomalies.append(
                        AnomalyRow(
                            time: report.step.start,
                            zone: key.zone,
                            quantity: key.quantity.name,
                            value: value.mean,
                            score: score?.score ?? 0,
                            kind: score?.kind?.rawValue ?? ""
                        )
                    )
                }
                for forecast in report.forecasts {
                    let isCount = forecast.quantity == .occupancy && forecast.expectedCount != nil
                    for horizon in horizons where horizon <= forecast.points.count {
                        let point = forecast.points[horizon - 1]
                        let target = report.step.start + Double(horizon) * stepSeconds
                        pending.append(
                            ForecastRow(
                                origin: report.step.start,
                                zone: forecast.zone,
                                quantity: forecast.quantity.name,
                                horizon: horizon,
                                target: target,
                                mean: point.mean,
                                p10: point.p10,
                                p50: point.p50,
                                p90: point.p90
                            )
                        )
                        if isCount, let counts = forecast.expectedCount, horizon <= counts.count {
                            let count = counts[horizon - 1]
                            pending.append(
                                ForecastRow(
                                    origin: report.step.start,
                                    zone: forecast.zone,
                                    quantity: "occupant_count",
                                    horizon: horizon,
                                    target: target,
                                    mean: count,
                                    p10: count,
                                    p50: count,
                                    p90: count
                                )
                            )
                        }
                    }
                }
            }
        }

        for message in warmup.sorted(by: { $0.time < $1.time }) + input.sorted(by: { $0.time < $1.time }) {
            for (_, result) in router.route(topic: message.topic, payload: message.payload, arrivalTime: message.time) {
                rejected += result.rejections.count
                for reading in result.readings { _ = model.ingest(reading) }
            }
            if let dataTime = model.dataTime {
                // Steps that close before the input starts are warm-up: learned on the training
                // path (no full rollouts; their forecasts would not be scored anyway), and only
                // learned before the calibration window (`StepPurpose.learn`).
                let purpose =
                    dataTime < inputStart ? model.purpose(stepStart: dataTime, historyEnd: inputStart) : .forecast
                handle(model.advance(to: dataTime, purpose: purpose))
            }
        }
        if let dataTime = model.dataTime {
            // Close the last open steps: the end of the recording is the end of data.
            handle(model.advance(to: dataTime + stepSeconds + configuration.graceSeconds + 1))
        }

        // Join forecasts with the truth that arrived later.
        var observed: [SeriesKey: [Double: Double]] = [:]
        for step in steps {
            for (key, value) in step.values {
                observed[key, default: [:]][step.start] = value.mean
                if key.quantity == .occupancy, twin.zone(key.zone)?.occupancyKind == .count {
                    observed[SeriesKey(zone: key.zone, quantity: .generic("occupant_count")), default: [:]][
                        step.start] =
                        value.mean
                }
            }
        }
        for index in pending.indices {
            let row = pending[index]
            let key = SeriesKey(zone: row.zone, quantity: Quantity(name: row.quantity))
            guard var truth = observed[key]?[row.target] else { continue }
            var last = observed[key]?[row.origin]
            // Occupancy rows score presence: a step is occupied when occupied half the time
            // (presence: fraction >= 0.5; counter: mean count >= 0.5).
            if row.quantity == "occupancy" {
                truth = truth >= 0.5 ? 1 : 0
                last = last.map { $0 >= 0.5 ? 1 : 0 }
            }
            pending[index].observed = truth
            pending[index].persistence = last
        }
        let elapsed = clock.now - began
        return Outcome(
            forecasts: pending,
            anomalies: anomalies,
            steps: steps,
            model: model,
            elapsedSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18,
            origins: origins,
            messages: warmup.count + input.count,
            rejected: rejected,
            events: events
        )
    }
}
