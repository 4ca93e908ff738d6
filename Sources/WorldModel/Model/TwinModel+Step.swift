import UmweltCore

extension TwinModel {
    /// Learns one closed step: bridges the gap since the previous step, scores and learns each
    /// observed series, updates inputs, occupancy and health, then issues the new forecasts.
    mutating func process(_ step: ClosedStep) -> StepReport {
        let k = aggregator.index(of: step.start + 0.5 * stepSeconds)
        if let last = lastStepIndex, k <= last {
            return StepReport(step: step, forecasts: [], scores: [:], events: [])
        }
        let stepStart = Double(k) * stepSeconds
        if let last = lastStepIndex {
            let gap = k - last - 1
            if gap > configuration.maxGapSteps {
                resetDynamicState(at: k)
            } else if gap > 0 {
                for index in (last + 1)..<k { predictThroughEmptyStep(index: index) }
            }
        }

        var oneStep: [SeriesKey: OneStepExpectation] = [:]
        for i in dynamics.indices {
            let key = dynamics[i].key
            guard let value = step.values[key], value.mean.isFinite else {
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
            dynamics[i].observe(y)
        }
        for j in inputs.indices {
            if let value = step.values[inputs[j].key], value.mean.isFinite {
                inputs[j].observe(value.mean, at: stepStart, clock: clock)
            }
        }
        for c in chains.indices {
            observeOccupancy(c, value: step.values[SeriesKey(zone: chains[c].zone, quantity: .occupancy)], index: k)
        }
        for z in layout.zoneIDs.indices where step.values.keys.contains(where: { $0.zone == layout.zoneIDs[z] }) {
            zoneSteps[z] = min(zoneSteps[z] + 1, Int(Int32.max))
        }
        lastStepIndex = k
        stepsLearned += 1

        let snapshot = currentSnapshot(index: k)
        for i in dynamics.indices {
            dynamics[i].pendingFeatures = dynamics[i].level.map {
                dynamics[i].features(y: $0, change: dynamics[i].change, snapshot: snapshot)
            }
        }
        let (scores, events) = assessHealth(step: step, index: k, oneStep: oneStep)
        let forecasts = issueForecasts(originIndex: k, record: true)
        return StepReport(step: step, forecasts: forecasts, scores: scores, events: events)
    }

    /// The model's one-step change of series `i` from its pending features, shrunk by the
    /// learned one-step blending weight (so an untrusted model predicts persistence).
    func weightedChange(_ i: Int) -> Double? {
        guard let phi = dynamics[i].pendingFeatures else { return nil }
        let calibration = dynamics[i].calibrator.anchors[0].calibration(priorScale: dynamics[i].priorScale)
        let progress = warmupProgress(zoneIndex: layout.dynamic[i].zoneIndex)
        return dynamics[i].predictedChange(phi) * calibration.weight * progress
    }

    /// Carries the state through a step without any reading (a short gap).
    private mutating func predictThroughEmptyStep(index: Int) {
        for i in dynamics.indices {
            dynamics[i].predictThrough(change: weightedChange(i), maxGapSteps: configuration.maxGapSteps)
        }
        for c in chains.indices {
            chains[c].predictThrough(stepStart: Double(index - 1) * stepSeconds, clock: clock)
        }
        let snapshot = currentSnapshot(index: index)
        for i in dynamics.indices {
            dynamics[i].pendingFeatures = dynamics[i].level.map {
                dynamics[i].features(y: $0, change: dynamics[i].change, snapshot: snapshot)
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

    private mutating func observeOccupancy(_ c: Int, value: StepValue?, index k: Int) {
        guard let value, value.mean.isFinite else {
            chains[c].predictThrough(stepStart: Double(k - 1) * stepSeconds, clock: clock)
            return
        }
        let fraction: Double
        let count: Double?
        if chains[c].isCounter {
            fraction = value.mean >= 0.5 ? 1 : 0
            count = value.mean
        } else {
            fraction = max(0, min(1, value.mean))
            count = nil
        }
        occupancyCalibrators[c].score(targetIndex: k, observed: fraction, priorScale: 0.1)
        let previous = chains[c].lastObservedIndex == k - 1 ? Double(k - 1) * stepSeconds : nil
        chains[c].observe(
            fraction: fraction, count: count, at: Double(k) * stepSeconds, transitionFrom: previous, clock: clock
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
