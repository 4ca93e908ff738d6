import Foundation
import Logging
import UmweltCore
import UmweltMQTT
import UmweltStore
import WorldModel

/// One twin's live world model: the actor that owns it, feeds it readings in data time,
/// stores what it learns and publishes forecasts, states and anomaly events.
///
/// Readings from sensors without a payload timestamp take their arrival time, unless the
/// twin's data clock (driven by timestamped payloads) is more than two steps away from the
/// wall clock, as in a replay or a fast simulation: then they take the data clock.
public actor TwinRuntime {
    public nonisolated let definition: TwinDefinition
    private(set) var model: TwinModel
    private let store: StateStore?
    private let publisher: (any MessagePublisher)?
    private let topics: TopicScheme
    let statistics: DaemonStatistics
    private let logger: Logger
    private let arrivalTimedSensors: Set<SensorKey>
    private var unsavedReadings: [Reading] = []
    private var unsavedSteps: [StoredStep] = []
    private var latestReadingTime: [SeriesKey: Double] = [:]
    private var lastCheckpointStep: Double?
    private(set) var storageFault: String?
    private var recentAnomalies: [AnomalyEvent] = []
    private var unsavedAnomalies: [AnomalyEvent] = []
    private var isFlushing = false
    /// Issued forecasts waiting for their truth (live forecast error, `TwinRuntime+Metrics`).
    var forecastScorer: ForecastScorer
    /// Wall-clock time of the newest checkpoint this runtime wrote.
    private(set) var lastCheckpointTime: Double?
    /// Spaces out forecast publications while the twin catches up with history.
    private var forecastThrottle = ForecastThrottle()

    struct SensorKey: Hashable {
        var zone: String
        var index: Int
    }

    init(
        definition: TwinDefinition,
        model: TwinModel,
        store: StateStore?,
        publisher: (any MessagePublisher)?,
        topics: TopicScheme,
        statistics: DaemonStatistics,
        logger: Logger
    ) {
        self.definition = definition
        self.model = model
        self.store = store
        self.publisher = publisher
        self.topics = topics
        self.statistics = statistics
        var logger = logger
        logger[metadataKey: "twin"] = "\(definition.id)"
        self.logger = logger
        var arrivalTimed = Set<SensorKey>()
        for zone in definition.zones {
            for (index, sensor) in zone.sensors.enumerated() where sensor.timePath == nil {
                arrivalTimed.insert(SensorKey(zone: zone.id, index: index))
            }
        }
        self.arrivalTimedSensors = arrivalTimed
        self.lastCheckpointStep = model.lastClosedStep
        self.forecastScorer = ForecastScorer(
            twin: definition.id,
            stepSeconds: definition.stepSeconds,
            horizonSteps: definition.horizonSteps
        )
    }

    /// Restores the latest verified checkpoint and replays the steps stored after it; a
    /// twin without a usable checkpoint starts fresh and learns every stored step.
    static func restore(
        definition: TwinDefinition,
        configuration: ModelConfiguration,
        store: StateStore?,
        publisher: (any MessagePublisher)?,
        topics: TopicScheme,
        statistics: DaemonStatistics,
        logger: Logger
    ) async -> TwinRuntime {
        var model = TwinModel(twin: definition, configuration: configuration)
        var replayAfter = -Double.infinity
        if let store {
            do {
                if let load = try await store.latestCheckpoint(twin: definition.id) {
                    if load.skippedCorrupt > 0 {
                        logger.error(
                            "corrupt checkpoint skipped, using an older one",
                            metadata: ["twin": "\(definition.id)", "skipped": "\(load.skippedCorrupt)"]
                        )
                    }
                    let decoded = try? JSONDecoder().decode(TwinModel.self, from: Data(load.checkpoint.payload))
                    if load.checkpoint.modelVersion == TwinModel.checkpointVersion,
                        let decoded, decoded.twin == definition, decoded.configuration == configuration
                    {
                        model = decoded
                        replayAfter = load.checkpoint.lastStep ?? -Double.infinity
                    } else {
                        logger.notice(
                            "checkpoint does not match the twin file or model version; relearning stored steps",
                            metadata: ["twin": "\(definition.id)"]
                        )
                    }
                }
                let steps = try await store.steps(twin: definition.id, after: replayAfter)
                let decoder = JSONDecoder()
                let historyEnd = steps.last?.start ?? -Double.infinity
                var replayed = 0
                for stored in steps {
                    guard let step = try? decoder.decode(ClosedStep.self, from: Data(stored.payload)) else { continue }
                    if let last = model.lastClosedStep, step.start <= last { continue }
                    // Older than the calibration window before the newest step: learn only.
                    _ = model.learn(step, purpose: model.purpose(stepStart: step.start, historyEnd: historyEnd))
                    replayed += 1
                }
                logger.info(
                    "restored twin",
                    metadata: [
                        "twin": "\(definition.id)", "steps_learned": "\(model.stepsLearned)",
                        "replayed_steps": "\(replayed)",
                    ]
                )
            } catch {
                logger.error("cannot restore state; starting fresh", metadata: ["error": "\(error)"])
            }
        }
        return TwinRuntime(
            definition: definition,
            model: model,
            store: store,
            publisher: publisher,
            topics: topics,
            statistics: statistics,
            logger: logger
        )
    }

    /// Feeds routed readings to the model and handles every step they close.
    func ingest(_ readings: [Reading], arrivalTime: Double) {
        var accepted: [Reading] = []
        accepted.reserveCapacity(readings.count)
        var late = 0
        var lateReadings: [Reading] = []
        var clockAhead = 0
        let latestPlausible = arrivalTime + Double(definition.stepSeconds)
        // A fresh twin takes its data clock from timestamped readings first: an untimed
        // reading ahead of them in the batch would start it at the arrival time and make a
        // stream of history late.
        let ordered =
            model.dataTime == nil && !arrivalTimedSensors.isEmpty
            ? readings.filter { !isArrivalTimed($0) } + readings.filter(isArrivalTimed) : readings
        for var reading in ordered {
            // A device clock running ahead would drag the data clock into the future and make
            // every other sensor's readings late: such a reading takes its arrival time.
            if reading.time > latestPlausible {
                reading.time = arrivalTime
                clockAhead += 1
            }
            if !arrivalTimedSensors.isEmpty, let dataTime = model.dataTime, isArrivalTimed(reading),
                !isDataClockLive(wallClock: arrivalTime)
            {
                reading.time = dataTime
            }
            switch model.ingest(reading) {
            case .accepted:
                accepted.append(reading)
                let key = SeriesKey(zone: reading.zone, quantity: reading.quantity)
                latestReadingTime[key] = max(latestReadingTime[key] ?? reading.time, reading.time)
            case .late:
                // Not learned (its step has closed), but kept: the readings table holds
                // every valid reading, e.g. a gateway's backlog flushed after a broker outage.
                late += 1
                lateReadings.append(reading)
            case .unknownSeries:
                break
            }
        }
        statistics.recordAccepted(accepted)
        if late > 0 { statistics.recordLate(late) }
        if clockAhead > 0 { statistics.recordClockAhead(clockAhead) }
        unsavedReadings.append(contentsOf: accepted)
        unsavedReadings.append(contentsOf: lateReadings)
        if let dataTime = model.dataTime {
            advance(to: dataTime, wallClock: arrivalTime)
        }
    }

    /// Publishes the newest forecast a burst held back (once due), and lets the wall clock
    /// close steps of sensors without payload timestamps.
    func tick(wallClock: Double) {
        publishHeldForecast()
        // Before the first reading there is no data clock: closing steps up to the wall clock
        // then would make a stream of history that starts a moment later late.
        guard !arrivalTimedSensors.isEmpty, model.dataTime != nil, isDataClockLive(wallClock: wallClock) else {
            return
        }
        advance(to: wallClock, wallClock: wallClock)
    }

    /// Closes the steps up to data time `time`, then publishes their anomaly events and the
    /// newest forecast. A live twin forecasts the newest step it closes; a twin catching up
    /// with history (data clock behind the wall clock) learns every step on the training
    /// path and publishes the newest forecast as `ForecastThrottle` allows.
    private func advance(to time: Double, wallClock: Double) {
        let catchingUp = !isDataClockLive(wallClock: wallClock)
        let reports = measuredAdvance(to: time, purpose: catchingUp ? .train : .forecastNewest)
        guard let newest = reports.last else { return }
        handle(reports)
        if catchingUp {
            forecastThrottle.hold()
            publishHeldForecast()
        } else {
            publishForecasts(newest.forecasts)
            publishStates()
            forecastThrottle.published(at: ContinuousClock.now, cost: nil)
        }
    }

    /// Publishes the forecast and states of the newest step when one is held back and due.
    private func publishHeldForecast() {
        let start = ContinuousClock.now
        guard forecastThrottle.isDue(now: start), model.lastClosedStep != nil else { return }
        let forecasts = model.forecasts()
        forecastScorer.issue(forecasts)
        publishForecasts(forecasts)
        publishStates()
        let end = ContinuousClock.now
        forecastThrottle.published(at: end, cost: end - start)
    }

    /// `model.advance(to:)`, timed for `umwelt_step_update_duration_seconds` when steps close.
    private func measuredAdvance(to time: Double, purpose: StepPurpose) -> [StepReport] {
        let clock = ContinuousClock()
        let start = clock.now
        let reports = model.advance(to: time, purpose: purpose)
        if !reports.isEmpty { recordMetrics(reports, duration: clock.now - start) }
        return reports
    }

    private func isArrivalTimed(_ reading: Reading) -> Bool {
        arrivalTimedSensors.contains(SensorKey(zone: reading.zone, index: reading.sensorIndex))
    }

    private func isDataClockLive(wallClock: Double) -> Bool {
        guard let dataTime = model.dataTime else { return true }
        return abs(wallClock - dataTime) <= 2 * Double(definition.stepSeconds)
    }

    /// Buffers every closed step for the store and publishes its anomaly events (each step's,
    /// whatever the forecast throttle does).
    private func handle(_ reports: [StepReport]) {
        guard !reports.isEmpty else { return }
        var events = 0
        var openedKinds: [String] = []
        for report in reports {
            if let payload = Self.storedPayload(report.step) {
                unsavedSteps.append(StoredStep(start: report.step.start, payload: payload))
            }
            for event in report.events {
                events += 1
                if event.phase == .opened { openedKinds.append(event.kind.rawValue) }
                publishAnomaly(event)
            }
        }
        statistics.recordSteps(reports.count, anomalyEvents: events)
        statistics.recordAnomaliesOpened(kinds: openedKinds)
    }

    private func publishForecasts(_ forecasts: [SeriesForecast]) {
        guard let publisher else { return }
        // The series of one step share their points' times: formatted once.
        var times: (issuedAt: Double, step: Int, labels: [[UInt8]])?
        for forecast in forecasts {
            if times.map({ $0.issuedAt != forecast.issuedAt || $0.step != forecast.stepSeconds }) ?? true {
                times = (forecast.issuedAt, forecast.stepSeconds, Self.pointTimes(forecast))
            }
            let payload = Self.forecastPayload(twin: definition.id, forecast, times: times?.labels)
            let topic = topics.forecast(twin: definition.id, zone: forecast.zone, quantity: forecast.quantity)
            publisher.publish(topic: topic, payload: payload, qos: 1, retain: true)
        }
    }

    private func publishStates() {
        guard let publisher else { return }
        for state in model.zoneStates() {
            let document = PayloadEncoding.stateDocument(twin: definition.id, state)
            let topic = topics.state(twin: definition.id, zone: state.zone)
            publisher.publish(topic: topic, payload: PayloadEncoding.encode(document), qos: 1, retain: true)
        }
    }

    private func publishAnomaly(_ event: AnomalyEvent) {
        recentAnomalies.append(event)
        if recentAnomalies.count > 500 { recentAnomalies.removeFirst(recentAnomalies.count - 500) }
        unsavedAnomalies.append(event)
        if unsavedAnomalies.count > 10_000 { unsavedAnomalies.removeFirst(unsavedAnomalies.count - 10_000) }
        logger.notice(
            "anomaly",
            metadata: [
                "zone": "\(event.zone)", "quantity": "\(event.quantity)", "kind": "\(event.kind.rawValue)",
                "phase": "\(event.phase.rawValue)", "score": "\(PayloadEncoding.rounded(event.score))",
                "explanation": "\(event.explanation)",
            ]
        )
        guard let publisher else { return }
        let document = PayloadEncoding.anomalyDocument(twin: definition.id, event)
        publisher.publish(
            topic: topics.anomaly(twin: definition.id, zone: event.zone),
            payload: PayloadEncoding.encode(document),
            qos: 1,
            retain: false
        )
    }

    /// Writes buffered readings, steps and anomaly events to the store. A storage fault is
    /// logged and reported in health; the model keeps running from memory and the buffers
    /// are kept (bounded) for the next attempt.
    func flush(now: Double) async {
        guard let store else {
            unsavedReadings.removeAll()
            unsavedSteps.removeAll()
            unsavedAnomalies.removeAll()
            return
        }
        // The actor is reentrant across the awaits below: one flush at a time, or rows double.
        guard !isFlushing else { return }
        isFlushing = true
        defer { isFlushing = false }
        let readings = unsavedReadings
        let steps = unsavedSteps
        let anomalies = unsavedAnomalies
        do {
            if !readings.isEmpty { try await store.insertReadings(twin: definition.id, readings) }
            unsavedReadings.removeFirst(min(readings.count, unsavedReadings.count))
            if !steps.isEmpty { try await store.saveSteps(twin: definition.id, steps) }
            unsavedSteps.removeFirst(min(steps.count, unsavedSteps.count))
            // One transaction for all of them: a burst of history closes many steps a second.
            if !anomalies.isEmpty { try await store.saveAnomalies(anomalies.map { storedAnomaly($0, now: now) }) }
            unsavedAnomalies.removeFirst(min(anomalies.count, unsavedAnomalies.count))
            if storageFault != nil {
                logger.notice("storage recovered")
                storageFault = nil
            }
        } catch {
            statistics.recordStorageError()
            if storageFault == nil { logger.error("storage fault", metadata: ["error": "\(error)"]) }
            storageFault = "\(error)"
            // Bound memory while the store is down: keep the newest data.
            if unsavedReadings.count > 200_000 { unsavedReadings.removeFirst(unsavedReadings.count - 200_000) }
            if unsavedSteps.count > 50_000 { unsavedSteps.removeFirst(unsavedSteps.count - 50_000) }
        }
    }

    private func storedAnomaly(_ event: AnomalyEvent, now: Double) -> StoredAnomaly {
        StoredAnomaly(
            id: event.id,
            twin: definition.id,
            zone: event.zone,
            quantity: event.quantity.name,
            kind: event.kind.rawValue,
            severity: event.severity.rawValue,
            score: event.score,
            start: event.start,
            end: event.end,
            observed: event.observed,
            expected: event.expected,
            explanation: event.explanation,
            updatedAt: now
        )
    }

    /// Saves the model's state (after flushing steps, so a restart replays from here).
    func checkpoint(now: Double, force: Bool = false) async {
        await flush(now: now)
        guard let store else { return }
        guard force || model.lastClosedStep != lastCheckpointStep else { return }
        do {
            let payload = try JSONEncoder().encode(model)
            let checkpoint = Checkpoint.make(
                twin: definition.id,
                createdAt: now,
                modelVersion: TwinModel.checkpointVersion,
                lastStep: model.lastClosedStep,
                payload: Array(payload)
            )
            try await store.saveCheckpoint(checkpoint)
            lastCheckpointStep = model.lastClosedStep
            lastCheckpointTime = now
            logger.debug("checkpoint saved", metadata: ["bytes": "\(payload.count)"])
        } catch {
            statistics.recordStorageError()
            storageFault = "\(error)"
            logger.error("checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Queries

    func forecasts(zone: String? = nil) -> [SeriesForecast] {
        model.forecasts().filter { zone == nil || $0.zone == zone }
    }

    func summary() -> TwinSummary {
        TwinSummary(
            twin: definition.id,
            stepSeconds: definition.stepSeconds,
            stepsLearned: model.stepsLearned,
            dataTime: model.dataTime.map { formatRFC3339($0) },
            lastClosedStep: model.lastClosedStep.map { formatRFC3339($0) },
            storageFault: storageFault,
            zones: definition.zones.map { zone in
                TwinSummary.Zone(
                    id: zone.id,
                    kind: zone.kind.rawValue,
                    neighbors: zone.neighbors,
                    warmingUp: zone.kind == .indoor ? model.isWarmingUp(zone: zone.id) : false,
                    quantities: zone.quantities.sorted().map(\.name),
                    lastReading: Dictionary(
                        uniqueKeysWithValues: zone.quantities.compactMap { quantity in
                            latestReadingTime[SeriesKey(zone: zone.id, quantity: quantity)].map {
                                (quantity.name, formatRFC3339($0))
                            }
                        }
                    )
                )
            }
        )
    }

    func states() -> [ZoneState] { model.zoneStates() }

    func parameters() -> [ZoneParameters] { model.parameters() }

    func anomalies(since: Double) -> [AnomalyEvent] {
        recentAnomalies.filter { ($0.end ?? $0.start) >= since || $0.end == nil }
    }

    var stepsLearned: Int { model.stepsLearned }
}

/// What `/v1/twins/{twin}` reports.
public struct TwinSummary: Sendable, Codable {
    public struct Zone: Sendable, Codable {
        public var id: String
        public var kind: String
        public var neighbors: [String]
        public var warmingUp: Bool
        public var quantities: [String]
        public var lastReading: [String: String]
    }

    public var twin: String
    public var stepSeconds: Int
    public var stepsLearned: Int
    public var dataTime: String?
    public var lastClosedStep: String?
    public var storageFault: String?
    public var zones: [Zone]
}
