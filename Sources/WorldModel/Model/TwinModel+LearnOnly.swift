import UmweltCore

extension TwinModel {
    /// The purpose for a history step starting at `stepStart` when the history (a warm-up, a
    /// replay after a restart) ends at `historyEnd` (the start of its newest step, or of the
    /// first step that will forecast): `.learn` before the calibration window
    /// (`ModelConfiguration.calibrationWindowSteps(stepSeconds:)`), `.train` inside it.
    public func purpose(stepStart: Double, historyEnd: Double) -> StepPurpose {
        let window = Double(configuration.calibrationWindowSteps(stepSeconds: stepSeconds)) * stepSeconds
        return stepStart < historyEnd - window ? .learn : .train
    }

    /// Learns a stored history (oldest first; steps not after the latest closed step are
    /// skipped): learn only before the calibration window before its newest step, the
    /// training path inside it. Returns the number of steps learned.
    @discardableResult
    public mutating func learn(history steps: [ClosedStep]) -> Int {
        guard let end = steps.last?.start else { return 0 }
        var learned = 0
        for step in steps {
            if let last = lastClosedStep, step.start <= last { continue }
            _ = learn(step, purpose: purpose(stepStart: step.start, historyEnd: end))
            learned += 1
        }
        return learned
    }

    /// The learn-only step (`StepPurpose.learn`) at step index `k`: one pass over the bound
    /// series (one dictionary lookup each), dynamics, inputs and chains reached by walking the
    /// layout's sorted lists in step; the health baselines (reporting interval, previous value,
    /// typical in-step range, flat share) learned; no calibrator, detector or report.
    ///
    /// The pass works on the series' storage as the split steps do (`PartitionedSeries`; each
    /// series' work reads and writes only its own state), over all of it on the calling thread.
    mutating func learnOnly(_ step: ClosedStep, index k: Int) {
        bridgeGap(to: k)
        let context = SeriesStepContext(model: self, index: k)
        let defaults = DetectorSettings(twin: twin, definition: nil)
        let twin = twin
        let tailored =
            twin.zones.contains { $0.anomalies != nil }
            ? twin.zones.map { DetectorSettings(twin: twin, definition: $0) } : nil
        let layout = layout
        // Serial: a learn-only step's per-series work (about 70 µs for 100 zones) is too short
        // to split; measured on two shared cores, the split ranged from 11 % faster to 19 %
        // slower than serial (`umwelt-bench model --warmup-days 365 --warmup-threads 1|2`).
        // `learnOnly(_:range:ordinals:…)` works on any zone-aligned range, as the split needs.
        var zoneObserved = [Bool](repeating: false, count: zoneSteps.count)
        zoneObserved.withUnsafeMutableBufferPointer { observed in
            let observed = PartitionedBuffer(observed)
            withPartitionedSeries { series in
                Self.learnOnly(
                    step, range: layout.bound.indices, ordinals: SeriesOrdinals(), series: series,
                    observed: observed, layout: layout,
                    settings: { z in z >= 0 ? tailored?[z] ?? defaults : defaults }, context: context)
            }
        }
        for z in zoneObserved.indices where zoneObserved[z] {
            zoneSteps[z] = min(zoneSteps[z] + 1, Int(Int32.max))
        }
        lastStepIndex = k
        stepsLearned += 1
        updatePendingFeatures(snapshot: currentSnapshot(index: k), worker: nil)
    }

    /// Per position in `cuts` (ascending positions in `bound`, up to its count): the positions
    /// in `dynamic`, `inputs` and `occupancy` of the first bound series at or after it.
    /// `dynamic`, `inputs` and `occupancy` are built from `bound` in its order, one entry per
    /// series of a known zone, by quantity (`ModelLayout.init`).
    static func ordinals(layout: ModelLayout, at cuts: [Int]) -> [SeriesOrdinals] {
        var result: [SeriesOrdinals] = []
        result.reserveCapacity(cuts.count)
        var ordinals = SeriesOrdinals()
        var s = 0
        for cut in cuts {
            while s < cut {
                if layout.boundZoneIndex[s] >= 0 {
                    switch layout.bound[s].quantity {
                    case .temperature, .humidity, .co2, .generic: ordinals.dynamic += 1
                    case .occupancy: ordinals.chain += 1
                    default: ordinals.input += 1
                    }
                }
                s += 1
            }
            result.append(ordinals)
        }
        return result
    }

    /// The learn-only work of the bound series in `range` (whose first dynamic series, input
    /// and chain are at `ordinals`), setting `observed` for their zones.
    private static func learnOnly(
        _ step: ClosedStep, range: Range<Int>, ordinals: SeriesOrdinals, series: PartitionedSeries,
        observed: PartitionedBuffer<Bool>, layout: ModelLayout, settings: (Int) -> DetectorSettings,
        context: SeriesStepContext
    ) {
        var (i, j, c) = (ordinals.dynamic, ordinals.input, ordinals.chain)
        let k = context.index
        for s in range {
            let z = layout.boundZoneIndex[s]
            let value = step.values[layout.bound[s]]
            let settings = settings(z)
            _ = series.health[s].updateDropout(observed: value != nil, index: k, intervals: settings.dropoutIntervals)
            if let value {
                _ = series.health[s].updateRate(
                    value: value, index: k, stepSeconds: context.stepSeconds, maximumPerHour: nil)
            }
            guard z >= 0 else { continue }
            if value != nil { observed[z] = true }
            switch layout.bound[s].quantity {
            case .temperature, .humidity, .co2, .generic:
                if let value, value.mean.isFinite {
                    observeValueBaseline(
                        &series.health[s], value: value, sensorCount: layout.boundSensorCount[s],
                        stuckSteps: settings.stuckSteps)
                }
                learnSeries(
                    &series.dynamics[i], value: value,
                    progress: context.progress(zoneIndex: layout.dynamic[i].zoneIndex),
                    context: context)
                i += 1
            case .occupancy:
                observeOccupancy(
                    &series.chains[c], calibrator: &series.occupancyCalibrators[c], value: value, index: k,
                    learnOnly: true, stepSeconds: context.stepSeconds, clock: context.clock)
                c += 1
            default:
                if let value, value.mean.isFinite {
                    series.inputs[j].observe(value.mean, bin: context.profileBin)
                }
                j += 1
            }
        }
    }

    /// Learns a dynamic series from its step value, or predicts it through the step
    /// (`progress`: its zone's warm-up progress).
    private static func learnSeries(
        _ series: inout SeriesDynamics, value: StepValue?, progress: Double, context: SeriesStepContext
    ) {
        guard let value, value.mean.isFinite else {
            series.predictThrough(
                change: weightedChange(series, progress: progress), maxGapSteps: context.maxGapSteps)
            return
        }
        let y = value.mean
        series.adoptScale(from: y)
        series.learn(observed: y)
        series.observe(y, last: value.last)
        series.observeProfile(y, bin: context.profileBin)
    }

    /// The baselines of a forecast series' detectors, learned without judging (as the forecast
    /// path's `seriesFindings` learns them): the typical in-step range and the share of flat
    /// steps. `sensorCount`: the sensors of its zone measuring its quantity.
    private static func observeValueBaseline(
        _ health: inout SeriesHealth, value: StepValue, sensorCount: Int, stuckSteps: Int
    ) {
        if !(value.count >= 3 && sensorCount >= 2) { _ = health.updateSpike(value: value) }
        _ = health.updateStuck(value: value, expectedChange: nil, oneStepScale: 1, stuckSteps: stuckSteps)
    }
}
