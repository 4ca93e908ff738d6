import Foundation
import UmweltCore

extension TwinModel {
    /// Learns one closed step: bridges the gap since the previous step, scores and learns each
    /// observed series, updates inputs, occupancy and health, then issues the new forecasts
    /// (`.forecast`) or only the calibration forecasts that training needs (`.train`).
    mutating func process(_ step: ClosedStep, purpose: StepPurpose = .forecast) -> StepReport {
        let k = aggregator.index(of: step.start + 0.5 * stepSeconds)
        if let last = lastStepIndex, k <= last {
            return StepReport(step: step, forecasts: [], scores: [:], events: [])
        }
        if purpose == .learn {
            learnOnly(step, index: k)
            return StepReport(step: step, forecasts: [], scores: [:], events: [])
        }
        let stepStart = Double(k) * stepSeconds
        bridgeGap(to: k)

        var zoneObserved = [Bool](repeating: false, count: layout.zoneIDs.count)
        let expectations = learnDynamics(step, index: k, zoneObserved: &zoneObserved)
        var oneStep: [SeriesKey: OneStepExpectation] = [:]
        oneStep.reserveCapacity(dynamics.count)
        for i in dynamics.indices {
            if let expectation = expectations[i] { oneStep[dynamics[i].key] = expectation }
        }
        let profileBin = InputProfile.bin(stepStart, clock: clock)
        for j in inputs.indices {
            guard let value = step.values[inputs[j].key] else { continue }
            if let z = layout.inputZoneIndex[j] { zoneObserved[z] = true }
            if value.mean.isFinite {
                inputs[j].observe(value.mean, bin: profileBin)
            }
        }
        for z in zoneObserved.indices where zoneObserved[z] {
            zoneSteps[z] = min(zoneSteps[z] + 1, Int(Int32.max))
        }
        lastStepIndex = k
        stepsLearned += 1

        updatePendingFeatures(snapshot: currentSnapshot(index: k), worker: partitionWorker())
        let (scores, events) = assessHealth(step: step, index: k, oneStep: oneStep)
        switch purpose {
        case .forecast, .forecastNewest:
            let forecasts = issueForecasts(originIndex: k, record: true)
            return StepReport(step: step, forecasts: forecasts, scores: scores, events: events)
        case .train, .learn:
            recordTrainingForecasts(originIndex: k)
            return StepReport(step: step, forecasts: [], scores: scores, events: events)
        }
    }

    /// Scores and learns every dynamic series and occupancy chain from step `k` (`.forecast`,
    /// `.train`), or predicts it through the step, setting `zoneObserved` for the zones with a
    /// value. Returns what the model expected of each observed dynamic series. Split at a zone
    /// boundary across two threads for a large twin (`SeriesPartition`): each series' work
    /// touches only its own state, and each zone's flag is set by one worker.
    private mutating func learnDynamics(
        _ step: ClosedStep, index k: Int, zoneObserved: inout [Bool]
    ) -> [OneStepExpectation?] {
        var expectations = [OneStepExpectation?](repeating: nil, count: dynamics.count)
        let context = SeriesStepContext(model: self, index: k)
        let layout = layout
        let worker = partitionWorker()
        // The same zone-aligned cuts for both lists: `dynamic` and `occupancy` follow `bound`.
        let cuts = SeriesPartition.boundaries(
            count: layout.bound.count, chunks: worker == nil ? 1 : SeriesPartition.chunksPerRegion
        ) { layout.boundZoneIndex[$0] }
        let ordinals = Self.ordinals(layout: layout, at: cuts)
        expectations.withUnsafeMutableBufferPointer { expectations in
            let expectations = PartitionedBuffer(expectations)
            zoneObserved.withUnsafeMutableBufferPointer { observed in
                let observed = PartitionedBuffer(observed)
                withPartitionedSeries { series in
                    SeriesPartition.run(chunks: cuts.count - 1, worker: worker) { chunk in
                        for i in ordinals[chunk].dynamic..<ordinals[chunk + 1].dynamic {
                            let zone = layout.dynamic[i].zoneIndex
                            let value = step.values[layout.dynamic[i].key]
                            if value != nil { observed[zone] = true }
                            expectations[i] = Self.learnStep(
                                &series.dynamics[i], value: value, progress: context.progress(zoneIndex: zone),
                                context: context)
                        }
                        for c in ordinals[chunk].chain..<ordinals[chunk + 1].chain {
                            let value = step.values[SeriesKey(zone: layout.occupancy[c].zone, quantity: .occupancy)]
                            if value != nil { observed[layout.occupancy[c].zoneIndex] = true }
                            Self.observeOccupancy(
                                &series.chains[c], calibrator: &series.occupancyCalibrators[c], value: value,
                                index: k, learnOnly: false, stepSeconds: context.stepSeconds, clock: context.clock)
                        }
                    }
                }
            }
        }
        return expectations
    }

    /// One dynamic series' step: scored and learned from its value, or predicted through the
    /// step without a finite one. Returns what the model expected of the value, if observed.
    private static func learnStep(
        _ series: inout SeriesDynamics, value: StepValue?, progress: Double, context: SeriesStepContext
    ) -> OneStepExpectation? {
        guard let value, value.mean.isFinite else {
            series.predictThrough(
                change: weightedChange(series, progress: progress), maxGapSteps: context.maxGapSteps)
            return nil
        }
        let k = context.index
        let y = value.mean
        series.adoptScale(from: y)
        let prior = series.priorScale
        let pending = series.calibrator.oneStepForecast(targetIndex: k)
        let expectation = OneStepExpectation(
            expected: pending?.blended,
            expectedChange: pending.map { $0.blended - $0.persistence },
            scale: series.calibrator.anchors[0].effectiveScale(priorScale: prior)
        )
        series.calibrator.score(targetIndex: k, observed: y, priorScale: prior)
        series.learn(observed: y)
        series.observe(y, last: value.last)
        series.observeProfile(y, bin: context.profileBin)
        return expectation
    }

    /// The model's one-step change of series `i` from its pending features, shrunk by the
    /// learned one-step blending weight (so an untrusted model predicts persistence).
    func weightedChange(_ i: Int) -> Double? {
        Self.weightedChange(dynamics[i], progress: warmupProgress(zoneIndex: layout.dynamic[i].zoneIndex))
    }

    /// `weightedChange(_:)` of `series` whose zone's warm-up progress is `progress`.
    static func weightedChange(_ series: SeriesDynamics, progress: Double) -> Double? {
        guard let phi = series.pendingFeatures else { return nil }
        let calibration = series.calibrator.anchors[0].calibration(priorScale: series.priorScale)
        return series.predictedChange(phi) * calibration.weight * progress
    }

    /// Bridges the steps between the latest processed step and step `k`: predicted through
    /// when the gap is short, the dynamic state reset when it is longer than `maxGapSteps`.
    mutating func bridgeGap(to k: Int) {
        guard let last = lastStepIndex else { return }
        let gap = k - last - 1
        if gap > configuration.maxGapSteps {
            resetDynamicState(at: k)
        } else if gap > 0 {
            for index in (last + 1)..<k { predictThroughEmptyStep(index: index) }
        }
    }

    /// Carries the state through a step without any reading (a short gap).
    private mutating func predictThroughEmptyStep(index: Int) {
        for i in dynamics.indices {
            dynamics[i].predictThrough(change: weightedChange(i), maxGapSteps: configuration.maxGapSteps)
        }
        for c in chains.indices {
            chains[c].predictThrough(stepStart: Double(index - 1) * stepSeconds, clock: clock)
        }
        updatePendingFeatures(snapshot: currentSnapshot(index: index))
    }

    /// Sets every series' features φ at the current state (nil where the level is unknown),
    /// reusing each series' feature array in place; split across two threads with a `worker`
    /// (`SeriesPartition`: each series writes only its own features).
    mutating func updatePendingFeatures(snapshot: InputSnapshot, worker: PartitionWorker? = nil) {
        // `FeatureTerm.fourier` of harmonics 1 and 2, with its arithmetic (so bit for bit).
        let angles = (1...2).map { k in 2 * Double.pi * Double(k) * snapshot.dayFraction }
        let sines = angles.map { sin($0) }
        let cosines = angles.map { cos($0) }
        withPartitionedDynamics { dynamics in
            let cuts = SeriesPartition.boundaries(
                count: dynamics.count, chunks: worker == nil ? 1 : SeriesPartition.chunksPerRegion)
            SeriesPartition.run(chunks: cuts.count - 1, worker: worker) { chunk in
                for i in cuts[chunk]..<cuts[chunk + 1] {
                    Self.updatePendingFeatures(&dynamics[i], snapshot: snapshot, sines: sines, cosines: cosines)
                }
            }
        }
    }

    /// Sets `series`' features φ at its current state; `sines` and `cosines` are the
    /// time-of-day harmonics 1, 2, … of the snapshot's day fraction.
    static func updatePendingFeatures(
        _ series: inout SeriesDynamics, snapshot: InputSnapshot, sines: [Double], cosines: [Double]
    ) {
        guard let y = series.level else {
            series.pendingFeatures = nil
            return
        }
        let n = series.terms.count
        guard series.pendingFeatures?.count == n else {
            series.pendingFeatures = series.features(y: y, change: series.change, snapshot: snapshot)
            return
        }
        let terms = series.terms
        let change = series.change
        let reference = series.reference
        let scale = series.scale
        for f in 0..<n {
            // The time-of-day terms are the same for every series: computed once per step.
            if case .fourier(let k, let sine) = terms[f], k >= 1, k <= sines.count {
                series.pendingFeatures![f] = sine ? sines[k - 1] : cosines[k - 1]
                continue
            }
            series.pendingFeatures![f] = terms[f].value(
                y: y, reference: reference, scale: scale, change: change, snapshot: snapshot)
        }
    }

    /// Forgets every zone's dynamic state after a long gap; learned parameters stay.
    private mutating func resetDynamicState(at index: Int) {
        for i in dynamics.indices {
            dynamics[i].resetState()
            dynamics[i].stepsSinceObserved = configuration.maxGapSteps + 1
        }
        for c in chains.indices { chains[c].resetState() }
        for s in health.indices { health[s].resetAfterGap(index: index) }
    }

    /// Learns `chain` from its step value (scoring its `calibrator` unless `learnOnly`), or
    /// predicts it through a step without one.
    static func observeOccupancy(
        _ chain: inout OccupancyChain, calibrator: inout HorizonCalibrator, value: StepValue?, index k: Int,
        learnOnly: Bool, stepSeconds: Double, clock: LocalClock
    ) {
        guard let value, value.mean.isFinite else {
            chain.predictThrough(stepStart: Double(k - 1) * stepSeconds, clock: clock)
            return
        }
        let fraction: Double
        let last: Double
        let count: Double?
        if chain.isCounter {
            fraction = value.mean >= 0.5 ? 1 : 0
            last = value.last >= 0.5 ? 1 : 0
            count = value.mean
        } else {
            fraction = max(0, min(1, value.mean))
            last = value.last.isFinite ? max(0, min(1, value.last)) : fraction
            count = nil
        }
        if !learnOnly { calibrator.score(targetIndex: k, observed: fraction, priorScale: 0.1) }
        let previous = chain.lastObservedIndex == k - 1 ? Double(k - 1) * stepSeconds : nil
        chain.observe(
            fraction: fraction, last: last, count: count, at: Double(k) * stepSeconds, stepSeconds: stepSeconds,
            transitionFrom: previous, clock: clock
        )
        chain.lastObservedIndex = k
    }

    /// The inputs every feature reads at step `index`, from the current state.
    func currentSnapshot(index: Int) -> InputSnapshot {
        InputSnapshot(
            levels: dynamics.map { $0.level ?? $0.lastKnown },
            inputs: inputs.map(\.last),
            occupancy: chains.map { chain in
                guard let probability = chain.probability else { return nil }
                if chain.isCounter {
                    return chain.lastCount
                        ?? probability * chain.meanOccupiedCount(at: Double(index) * stepSeconds, clock: clock)
                }
                return probability
            },
            dayFraction: clock.dayFraction(Double(index) * stepSeconds)
        )
    }
}

/// What the model expected of one series' value before seeing it.
struct OneStepExpectation: Sendable {
    var expected: Double?
    var expectedChange: Double?
    /// Calibrated one-step mean absolute error.
    var scale: Double
}
