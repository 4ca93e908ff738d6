import UmweltCore

/// The learned, online world model of one building (twin): aggregation of readings into
/// steps, per-series dynamics, occupancy chains, calibrated forecasts and anomaly detection.
///
/// A value type with no I/O: readings and time come in as values, and the whole state is
/// `Codable` (the checkpoint). A decoded model continues exactly like the original. Memory is
/// bounded per series and independent of the history length; each closed step costs a
/// constant amount of work (one rollout over the horizon, or a short one when training).
/// Deterministic: the same inputs give the same outputs bit for bit.
public struct TwinModel: Sendable, Codable {
    /// Version of the checkpoint encoding; a checkpoint of another version is not decodable.
    /// 3: sparse long calibration anchors (`AnchorCalibration.originStride`), per-series zone
    /// and sensor indices in the layout.
    public static let checkpointVersion = 3

    public private(set) var twin: TwinDefinition
    public private(set) var configuration: ModelConfiguration
    /// Latest reading time seen (data clock), nil before the first reading.
    public internal(set) var dataTime: Double?
    /// Steps learned so far (closed steps with at least one reading).
    public internal(set) var stepsLearned = 0

    var clock: LocalClock
    var layout: ModelLayout
    var aggregator: StepAggregator
    var dynamics: [SeriesDynamics]
    var inputs: [InputProfile]
    var chains: [OccupancyChain]
    /// Per chain: blends the chain's forecast with persistence per horizon, like the dynamics.
    var occupancyCalibrators: [HorizonCalibrator]
    /// Aligned with `layout.bound`.
    var health: [SeriesHealth]
    /// Steps learned per zone (aligned with `layout.zoneIDs`).
    var zoneSteps: [Int]
    /// Index of the latest processed step.
    var lastStepIndex: Int?
    /// The thread that takes half of a large twin's per-series work (`partitionWorker()`);
    /// not part of the checkpoint, shared by copies.
    var sharedPartitionWorker: PartitionWorker?

    /// Every stored property but `sharedPartitionWorker`, in declaration order (the checkpoint).
    enum CodingKeys: String, CodingKey {
        case twin, configuration, dataTime, stepsLearned, clock, layout, aggregator, dynamics, inputs, chains
        case occupancyCalibrators, health, zoneSteps, lastStepIndex
    }

    var stepSeconds: Double { Double(max(1, twin.stepSeconds)) }

    /// Start of the latest closed step, nil before the first.
    public var lastClosedStep: Double? { lastStepIndex.map { Double($0) * stepSeconds } }

    public init(twin: TwinDefinition, configuration: ModelConfiguration) {
        self.twin = twin
        self.configuration = configuration
        clock = LocalClock(timezone: twin.timezone)
        layout = ModelLayout(twin: twin)
        let step = Double(max(1, twin.stepSeconds))
        aggregator = StepAggregator(stepSeconds: step, graceSeconds: configuration.graceSeconds)
        dynamics = layout.dynamic.map {
            SeriesDynamics(
                key: $0.key, terms: $0.terms, forgetting: configuration.forgetting,
                horizon: configuration.horizonSteps
            )
        }
        inputs = layout.inputs.map { InputProfile(key: $0) }
        chains = layout.occupancy.map { OccupancyChain(zone: $0.zone, isCounter: $0.isCounter) }
        let dense = configuration.denseCalibrationSteps
        for i in dynamics.indices {
            dynamics[i].calibrator = HorizonCalibrator(horizon: configuration.horizonSteps, denseThrough: dense)
        }
        occupancyCalibrators = layout.occupancy.map { _ in
            HorizonCalibrator(horizon: configuration.horizonSteps, denseThrough: dense)
        }
        health = layout.bound.map { SeriesHealth(key: $0) }
        zoneSteps = Array(repeating: 0, count: layout.zoneIDs.count)
    }

    /// Puts a reading into its step. A reading of an already closed step is `.late` and is not used.
    public mutating func ingest(_ reading: Reading) -> IngestOutcome {
        let key = SeriesKey(zone: reading.zone, quantity: reading.quantity)
        guard layout.isBound(key), reading.value.isFinite, reading.time.isFinite else {
            return .unknownSeries
        }
        let outcome = aggregator.add(reading, key: key)
        if outcome == .accepted {
            dataTime = max(dataTime ?? reading.time, reading.time)
        }
        return outcome
    }

    /// Closes every open step whose end + grace <= `time` and learns, forecasts and scores each.
    ///
    /// `time` is data time (the newest reading's time, or the wall clock minus grace for sensors
    /// without timestamps). Empty steps inside a gap of at most `maxGapSteps` are predicted
    /// through without a report; longer gaps reset the dynamic state. With `purpose` `.train`
    /// the reports carry no forecasts and each step costs a fraction of a full rollout.
    public mutating func advance(to time: Double, purpose: StepPurpose = .forecast) -> [StepReport] {
        let steps = aggregator.close(upTo: time)
        return steps.indices.map { i in
            let isNewest = i == steps.count - 1
            return process(steps[i], purpose: purpose == .forecastNewest && !isNewest ? .train : purpose)
        }
    }

    /// Learns one already aggregated step (replay after a restart): the same effect as the step
    /// closing through `ingest` and `advance`. A step not after the latest closed step is ignored.
    public mutating func learn(_ step: ClosedStep, purpose: StepPurpose = .forecast) -> StepReport {
        let index = aggregator.index(of: step.start + 0.5 * stepSeconds)
        aggregator.markClosed(through: index)
        dataTime = max(dataTime ?? step.start + stepSeconds, step.start + stepSeconds)
        return process(step, purpose: purpose)
    }

    /// Runs `body` with the rollout horizon shortened to `horizon` steps (the training path's
    /// calibration forecasts), then restores the configured horizon.
    mutating func withRolloutHorizon<Result>(_ horizon: Int, _ body: (inout TwinModel) -> Result) -> Result {
        let configured = configuration.horizonSteps
        configuration.horizonSteps = max(1, min(horizon, configured))
        defer { configuration.horizonSteps = configured }
        return body(&self)
    }

    /// Whether the zone has learned fewer than `warmupSteps` steps (unknown zones: true).
    public func isWarmingUp(zone: String) -> Bool {
        guard let index = layout.zoneIndex(zone) else { return true }
        return zoneSteps[index] < configuration.warmupSteps
    }

    func warmupProgress(zoneIndex: Int) -> Double {
        Self.warmupProgress(steps: zoneSteps[zoneIndex], warmupSteps: configuration.warmupSteps)
    }

    /// A zone's warm-up progress in [0, 1] after `steps` learned steps.
    static func warmupProgress(steps: Int, warmupSteps: Int) -> Double {
        guard warmupSteps > 0 else { return 1 }
        return min(1, Double(steps) / Double(warmupSteps))
    }
}
