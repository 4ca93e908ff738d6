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

        var oneStep: [SeriesKey: OneStepExpectation] = [:]
        oneStep.reserveCapacity(dynamics.count)
        var zoneObserved = [Bool](repeating: false, count: layout.zoneIDs.count)
        for i in dynamics.indices {
            let key = dynamics[i].key
            guard let value = step.values[key] else {
                dynamics[i].predictThrough(change: weightedChange(i), maxGapSteps: configuration.maxGapSteps)
                continue
            }
            zoneObserved[layout.dynamic[i].zoneIndex] = true
            guard value.mean.isFinite else {
                dynamics[i].predictThrough(change: weightedChange(i), maxGapSteps: configuration.maxGapSteps)
                continue
            }
            let y = value.mean
            dynamics[i].adoptScale(from: y)
            let prior = dynamics[i].priorScale
            let pending = dynamics[i].calibrator.oneStepForecast(targetIndex: k)
            oneStep[key] = OneStepExpectation(
                expected: pending?.blended,
                expectedChange: pending.map { $0.blended - $0.persistence },
                scale: dynamics[i].calibrator.anchors[0].effectiveScale(priorScale: prior)
            )
            dynamics[i].calibrator.score(targetIndex: k, observed: y, priorScale: prior)
            dynamics[i].learn(observed: y)
            dynamics[i].observe(y, last: value.last)
            dynamics[i].observeProfile(y, at: stepStart, clock: clock)
        }
        for j in inputs.indices {
            guard let value = step.values[inputs[j].key] else { continue }
            if let z = layout.inputZoneIndex[j] { zoneObserved[z] = true }
            if value.mean.isFinite {
                inputs[j].observe(value.mean, at: stepStart, clock: clock)
            }
        }
        for c in chains.indices {
            let value = step.values[SeriesKey(zone: chains[c].zone, quantity: .occupancy)]
            if value != nil { zoneObserved[layout.occupancy[c].zoneIndex] = true }
            observeOccupancy(c, value: value, index: k)
        }
        for z in zoneObserved.indices where zoneObserved[z] {
            zoneSteps[z] = min(zoneSteps[z] + 1, Int(Int32.max))
        }
        lastStepIndex = k
        stepsLearned += 1

        updatePendingFeatures(snapshot: currentSnapshot(index: k))
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

    /// The model's one-step change of series `i` from its pending features, shrunk by the
    /// learned one-step blending weight (so an untrusted model predicts persistence).
    func weightedChange(_ i: Int) -> Double? {
        guard let phi = dynamics[i].pendingFeatures else { return nil }
        let calibration = dynamics[i].calibrator.anchors[0].calibration(priorScale: dynamics[i].priorScale)
        let progress = warmupProgress(zoneIndex: layout.dynamic[i].zoneIndex)
        return dynamics[i].predictedChange(phi) * calibration.weight * progress
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
    /// reusing each series' feature array in place.
    mutating func updatePendingFeatures(snapshot: InputSnapshot) {
        // `FeatureTerm.fourier` of harmonics 1 and 2, with its arithmetic (so bit for bit).
        let fourier = (1...2).map { k in
            let angle = 2 * Double.pi * Double(k) * snapshot.dayFraction
            return (sine: sin(angle), cosine: cos(angle))
        }
        for i in dynamics.indices {
            guard let y = dynamics[i].level else {
                dynamics[i].pendingFeatures = nil
                continue
            }
            let n = dynamics[i].terms.count
            guard dynamics[i].pendingFeatures?.count == n else {
                dynamics[i].pendingFeatures = dynamics[i].features(y: y, change: dynamics[i].change, snapshot: snapshot)
                continue
            }
            let terms = dynamics[i].terms
            let change = dynamics[i].change
            let reference = dynamics[i].reference
            let scale = dynamics[i].scale
            for f in 0..<n {
                // The time-of-day terms are the same for every series: computed once per step.
                if case .fourier(let k, let sine) = terms[f], k >= 1, k <= fourier.count {
                    dynamics[i].pendingFeatures![f] = sine ? fourier[k - 1].sine : fourier[k - 1].cosine
                    continue
                }
                dynamics[i].pendingFeatures![f] = terms[f].value(
                    y: y, reference: reference, scale: scale, change: change, snapshot: snapshot)
            }
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

    /// Learns chain `c` from its step value (scoring its calibrator unless `learnOnly`), or
    /// predicts it through a step without one.
    mutating func observeOccupancy(_ c: Int, value: StepValue?, index k: Int, learnOnly: Bool = false) {
        guard let value, value.mean.isFinite else {
            chains[c].predictThrough(stepStart: Double(k - 1) * stepSeconds, clock: clock)
            return
        }
        let fraction: Double
        let last: Double
        let count: Double?
        if chains[c].isCounter {
            fraction = value.mean >= 0.5 ? 1 : 0
            last = value.last >= 0.5 ? 1 : 0
            count = value.mean
        } else {
            fraction = max(0, min(1, value.mean))
            last = value.last.isFinite ? max(0, min(1, value.last)) : fraction
            count = nil
        }
        if !learnOnly { occupancyCalibrators[c].score(targetIndex: k, observed: fraction, priorScale: 0.1) }
        let previous = chains[c].lastObservedIndex == k - 1 ? Double(k - 1) * stepSeconds : nil
        chains[c].observe(
            fraction: fraction, last: last, count: count, at: Double(k) * stepSeconds, stepSeconds: stepSeconds,
            transitionFrom: previous, clock: clock
        )
        chains[c].lastObservedIndex = k
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
