/// The model's per-series state while `SeriesPartition.run` splits a step's work: each worker
/// touches only the series of its own range (`TwinModel.withPartitionedSeries`).
struct PartitionedSeries: Sendable {
    var dynamics: PartitionedBuffer<SeriesDynamics>
    var health: PartitionedBuffer<SeriesHealth>
    var inputs: PartitionedBuffer<InputProfile>
    var chains: PartitionedBuffer<OccupancyChain>
    var occupancyCalibrators: PartitionedBuffer<HorizonCalibrator>
}

extension TwinModel {
    /// The worker that takes half of a step's per-series work, started on first use; nil for
    /// a twin with fewer dynamic series than `ModelConfiguration.parallelMinimumSeries`
    /// (default `SeriesPartition.defaultMinimumSeries`), whose steps run serially.
    mutating func partitionWorker() -> PartitionWorker? {
        let minimum = configuration.parallelMinimumSeries ?? SeriesPartition.defaultMinimumSeries
        guard dynamics.count >= max(2, minimum) else { return nil }
        if let worker = sharedPartitionWorker { return worker }
        let worker = PartitionWorker()
        sharedPartitionWorker = worker
        return worker
    }

    /// Runs `body` with the dynamic series' storage as a `PartitionedBuffer`. The array is
    /// moved out of the model meanwhile (no copy: it stays uniquely referenced), so `body`
    /// must not read `dynamics` through the model.
    mutating func withPartitionedDynamics<Result>(_ body: (PartitionedBuffer<SeriesDynamics>) -> Result) -> Result {
        var dynamics: [SeriesDynamics] = []
        swap(&dynamics, &self.dynamics)
        defer { swap(&dynamics, &self.dynamics) }
        return dynamics.withUnsafeMutableBufferPointer { body(PartitionedBuffer($0)) }
    }

    /// Runs `body` with every per-series array as a `PartitionedBuffer` (moved out of the model
    /// meanwhile, as in `withPartitionedDynamics`): `body` must not read them through the model.
    mutating func withPartitionedSeries<Result>(_ body: (PartitionedSeries) -> Result) -> Result {
        var dynamics: [SeriesDynamics] = []
        var health: [SeriesHealth] = []
        var inputs: [InputProfile] = []
        var chains: [OccupancyChain] = []
        var calibrators: [HorizonCalibrator] = []
        swap(&dynamics, &self.dynamics)
        swap(&health, &self.health)
        swap(&inputs, &self.inputs)
        swap(&chains, &self.chains)
        swap(&calibrators, &self.occupancyCalibrators)
        defer {
            swap(&dynamics, &self.dynamics)
            swap(&health, &self.health)
            swap(&inputs, &self.inputs)
            swap(&chains, &self.chains)
            swap(&calibrators, &self.occupancyCalibrators)
        }
        return dynamics.withUnsafeMutableBufferPointer { d in
            health.withUnsafeMutableBufferPointer { h in
                inputs.withUnsafeMutableBufferPointer { p in
                    chains.withUnsafeMutableBufferPointer { c in
                        calibrators.withUnsafeMutableBufferPointer { o in
                            body(
                                PartitionedSeries(
                                    dynamics: PartitionedBuffer(d), health: PartitionedBuffer(h),
                                    inputs: PartitionedBuffer(p), chains: PartitionedBuffer(c),
                                    occupancyCalibrators: PartitionedBuffer(o)))
                        }
                    }
                }
            }
        }
    }

}

/// Positions in the layout's `dynamic`, `inputs` and `occupancy` lists (`TwinModel.ordinals`).
struct SeriesOrdinals: Sendable, Hashable {
    var dynamic = 0
    var input = 0
    var chain = 0
}

/// What every series reads, and none writes, while one step's work is split.
struct SeriesStepContext: Sendable {
    let index: Int
    let stepStart: Double
    let stepSeconds: Double
    let clock: LocalClock
    let maxGapSteps: Int
    let warmupSteps: Int
    let zoneSteps: [Int]
    /// The step start's time-of-day profile bin (`InputProfile.bin`).
    let profileBin: Int

    init(model: TwinModel, index k: Int) {
        index = k
        stepSeconds = model.stepSeconds
        stepStart = Double(k) * model.stepSeconds
        clock = model.clock
        maxGapSteps = model.configuration.maxGapSteps
        warmupSteps = model.configuration.warmupSteps
        zoneSteps = model.zoneSteps
        profileBin = InputProfile.bin(stepStart, clock: clock)
    }

    /// `TwinModel.warmupProgress(zoneIndex:)`.
    func progress(zoneIndex z: Int) -> Double {
        TwinModel.warmupProgress(steps: zoneSteps[z], warmupSteps: warmupSteps)
    }
}
