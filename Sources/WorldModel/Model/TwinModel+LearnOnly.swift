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
    mutating func learnOnly(_ step: ClosedStep, index k: Int) {
        bridgeGap(to: k)
        let stepStart = Double(k) * stepSeconds
        let defaults = DetectorSettings(twin: twin, definition: nil)
        let tailored = twin.zones.contains { $0.anomalies != nil }
        // `dynamic`, `inputs` and `occupancy` are built from `bound` in its order, one entry per
        // series of a known zone, by quantity (`ModelLayout.init`): walk them with `bound`.
        var i = 0
        var j = 0
        var c = 0
        var zoneObserved = [Bool](repeating: false, count: zoneSteps.count)
        for s in layout.bound.indices {
            let z = layout.boundZoneIndex[s]
            let value = step.values[layout.bound[s]]
            let settings = tailored && z >= 0 ? DetectorSettings(twin: twin, definition: twin.zones[z]) : defaults
            _ = health[s].updateDropout(observed: value != nil, index: k, intervals: settings.dropoutIntervals)
            if let value {
                _ = health[s].updateRate(value: value, index: k, stepSeconds: stepSeconds, maximumPerHour: nil)
            }
            guard z >= 0 else { continue }
            if value != nil { zoneObserved[z] = true }
            switch layout.bound[s].quantity {
            case .temperature, .humidity, .co2, .generic:
                if let value, value.mean.isFinite {
                    observeValueBaseline(s, value: value, stuckSteps: settings.stuckSteps)
                }
                learnSeries(i, value: value, stepStart: stepStart)
                i += 1
            case .occupancy:
                observeOccupancy(c, value: value, index: k, learnOnly: true)
                c += 1
            default:
                if let value, value.mean.isFinite { inputs[j].observe(value.mean, at: stepStart, clock: clock) }
                j += 1
            }
        }
        for z in zoneObserved.indices where zoneObserved[z] {
            zoneSteps[z] = min(zoneSteps[z] + 1, Int(Int32.max))
        }
        lastStepIndex = k
        stepsLearned += 1
        updatePendingFeatures(snapshot: currentSnapshot(index: k))
    }

    /// Learns dynamic series `i` from its step value, or predicts it through the step.
    private mutating func learnSeries(_ i: Int, value: StepValue?, stepStart: Double) {
        guard let value, value.mean.isFinite else {
            dynamics[i].predictThrough(change: weightedChange(i), maxGapSteps: configuration.maxGapSteps)
            return
        }
        let y = value.mean
        dynamics[i].adoptScale(from: y)
        dynamics[i].learn(observed: y)
        dynamics[i].observe(y, last: value.last)
        dynamics[i].observeProfile(y, at: stepStart, clock: clock)
    }

    /// The baselines of a forecast series' detectors, learned without judging (as the forecast
    /// path's `seriesFindings` learns them): the typical in-step range and the share of flat steps.
    private mutating func observeValueBaseline(_ s: Int, value: StepValue, stuckSteps: Int) {
        if !(value.count >= 3 && layout.boundSensorCount[s] >= 2) { _ = health[s].updateSpike(value: value) }
        _ = health[s].updateStuck(value: value, expectedChange: nil, oneStepScale: 1, stuckSteps: stuckSteps)
    }
}
