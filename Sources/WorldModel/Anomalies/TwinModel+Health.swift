import UmweltCore

extension TwinModel {
    /// Runs every detector on every bound series for step `k`, advances the anomaly episodes
    /// and returns the scores (observed series and series in dropout) and events.
    ///
    /// Series detectors work on any numeric stream (they read only the series and the model's
    /// calibrated one-step forecast); zone detectors (`TwinModel+ZoneHealth.swift`) add the
    /// building's rules where the zone has the sensors they need.
    mutating func assessHealth(step: ClosedStep, index k: Int, oneStep: [SeriesKey: OneStepExpectation])
        -> (scores: [SeriesKey: AnomalyScore], events: [AnomalyEvent])
    {
        // Aligned with `twin.zones` (so with `layout.zoneIDs`): no lookup by name per series.
        let zoneSettings = twin.zones.map { DetectorSettings(twin: twin, definition: $0) }
        // A twin that disables every detector pays nothing for scoring.
        if zoneSettings.allSatisfy({ $0.disabled.count == AnomalyKind.allCases.count }) { return ([:], []) }
        func settings(_ s: Int) -> DetectorSettings {
            let z = layout.boundZoneIndex[s]
            return z >= 0 ? zoneSettings[z] : DetectorSettings()
        }
        // Each series' value and expectation looked up once (keys hash their zone's name).
        // By `layout.bound` (aligned with `health`): mapping `health` copied every series' state.
        let values = layout.bound.map { step.values[$0] }
        let expectations = layout.bound.map { oneStep[$0] }
        var findings = Array(repeating: [DetectorFinding](), count: health.count)
        for s in health.indices {
            findings[s] = seriesFindings(s, value: values[s], index: k, expectation: expectations[s], settings(s))
        }
        addZoneFindings(&findings, step: step, index: k, oneStep: oneStep)
        suppressCommonDrifts(&findings, zoneSettings: zoneSettings)

        var scores: [SeriesKey: AnomalyScore] = [:]
        scores.reserveCapacity(health.count)
        var events: [AnomalyEvent] = []
        let stepStart = Double(k) * stepSeconds
        for s in health.indices {
            let key = health[s].key
            let settings = settings(s)
            let enabled = settings.disabled.isEmpty ? findings[s] : findings[s].filter { settings.isEnabled($0.kind) }
            if values[s] != nil || enabled.contains(where: { $0.kind == .dropout }) {
                let worst = enabled.max { $0.score < $1.score }
                let score = worst?.score ?? 0
                scores[key] = AnomalyScore(
                    score: score, kind: score >= SeriesHealth.closeThreshold ? worst?.kind : nil,
                    expected: expectations[s]?.expected
                )
            }
            if enabled.contains(where: { $0.kind == .drift && $0.fired }) { boostAdaptation(s) }
            relaxAdaptation(s)
            events += health[s].advanceEpisodes(
                findings: enabled, stepStart: stepStart, stepSeconds: stepSeconds,
                suppress: layout.boundZoneIndex[s] < 0
                    || zoneSteps[layout.boundZoneIndex[s]] < configuration.warmupSteps
            )
        }
        return (scores, events)
    }

    /// The series detectors' findings for health entry `s` at step `k`.
    private mutating func seriesFindings(
        _ s: Int, value: StepValue?, index k: Int, expectation: OneStepExpectation?,
        _ settings: DetectorSettings
    ) -> [DetectorFinding] {
        let key = health[s].key
        var findings: [DetectorFinding] = []
        if let missing = health[s].updateDropout(observed: value != nil, index: k, intervals: settings.dropoutIntervals)
        {
            let usual = health[s].typicalInterval * stepSeconds / 60
            let silent = Double(missing) * stepSeconds / 60
            findings.append(
                DetectorFinding(
                    kind: .dropout, score: 1, fired: true, observed: nil, expected: nil,
                    explanation: {
                        "\(key.zone) \(key.quantity.name): no reading for \(Self.text(silent, 0)) min "
                            + "(usually every \(Self.text(usual, 0)) min) while other sensors report; "
                            + "check the sensor's battery and connection"
                    }
                )
            )
        }
        guard let value else { return findings }
        let y = value.mean
        let unit = Self.unitText(key.quantity)
        // Outdoors only the physically possible range applies (100 % RH is normal in rain).
        let isIndoor = layout.boundIsIndoor(s)
        let range = isIndoor ? key.quantity.plausibleRange : key.quantity.possibleRange
        if !range.contains(y) {
            findings.append(
                DetectorFinding(
                    kind: .outOfRange, score: 1, fired: true, observed: y, expected: nil,
                    explanation: {
                        "\(key.zone) \(key.quantity.name) \(Self.text(y, 1))\(unit) is outside the plausible "
                            + "range \(Self.text(range.lowerBound, 0))...\(Self.text(range.upperBound, 0))\(unit); "
                            + "check the sensor and its unit"
                    }
                )
            )
        }
        let previous = health[s].memory.previousValue
        let limit = isIndoor ? SeriesHealth.maximumRatePerHour(key.quantity) : nil
        if let (rate, maximum) = health[s].updateRate(
            value: value, index: k, stepSeconds: stepSeconds, maximumPerHour: limit)
        {
            findings.append(
                DetectorFinding(
                    kind: .rateOfChange, score: 1, fired: true, observed: y, expected: previous,
                    explanation: {
                        "\(key.zone) \(key.quantity.name) jumped from \(Self.text(previous ?? y, 1)) to "
                            + "\(Self.text(y, 1))\(unit) (\(Self.text(rate, 0))\(unit)/h, physically at most "
                            + "\(Self.text(maximum, 0))\(unit)/h): a faulty reading"
                    }
                )
            )
        }
        if let spread = sensorSpread(s, value: value) { findings.append(spread) }
        guard let expectation else { return findings }
        let hasTwoSensors =
            value.count >= 3 && layout.boundSensorCount[s] >= 2
        if !hasTwoSensors, let range = health[s].updateSpike(value: value) {
            let typical = health[s].memory.typicalRange
            findings.append(
                DetectorFinding(
                    kind: .deviation, score: 0.999, fired: true, observed: value.max, expected: value.min,
                    explanation: {
                        "\(key.zone) \(key.quantity.name): readings within one step spread over \(Self.text(range, 2))\(unit) "
                            + "(usually \(Self.text(typical, 2))\(unit)): a glitch or spike of the sensor"
                    }
                )
            )
        }
        if let mean = expectation.expected {
            let score = health[s].scoreDeviation(observed: y, expected: mean, scale: expectation.scale, index: k)
            let low = mean - 1.6 * expectation.scale
            let high = mean + 1.6 * expectation.scale
            findings.append(
                DetectorFinding(
                    kind: .deviation, score: score, fired: score >= settings.deviationThreshold,
                    observed: y, expected: mean,
                    explanation: {
                        "\(key.zone) \(key.quantity.name) \(Self.text(y, 2))\(unit), expected "
                            + "\(Self.text(low, 2))-\(Self.text(high, 2))\(unit)"
                    }
                )
            )
            let residual = (y - mean) / max(1e-12, expectation.scale)
            let (driftScore, sign) = health[s].updateDrift(
                residual: residual, index: k, threshold: settings.driftThreshold)
            let fired = driftScore >= SeriesHealth.openThreshold
            findings.append(
                DetectorFinding(
                    kind: .drift, score: driftScore, fired: fired, observed: y, expected: mean,
                    explanation: {
                        "\(key.zone) \(key.quantity.name) keeps reading \(sign > 0 ? "above" : "below") the model "
                            + "(now \(Self.text(y, 2))\(unit), expected \(Self.text(mean, 2))\(unit)): a drifting "
                            + "sensor or a changed room; the model adapts faster for a while"
                    }
                )
            )
        }
        if health[s].updateStuck(
            value: value, expectedChange: expectation.expectedChange, oneStepScale: expectation.scale,
            stuckSteps: settings.stuckSteps)
        {
            let movement = abs(health[s].expectedMovement)
            let runLength = health[s].runLength
            findings.append(
                DetectorFinding(
                    kind: .stuck, score: 0.995, fired: true, observed: y, expected: expectation.expected,
                    explanation: {
                        "\(key.zone) \(key.quantity.name) sensor has reported exactly \(Self.text(y, 2))\(unit) "
                            + "for \(runLength) steps while the model expected it to move by "
                            + "\(Self.text(movement, 2))\(unit); check the sensor"
                    }
                )
            )
        }
        return findings
    }

    /// Two sensors of one series disagree for 3 steps beyond the quantity's tolerance.
    private mutating func sensorSpread(_ s: Int, value: StepValue) -> DetectorFinding? {
        let key = health[s].key
        guard value.count >= 2, let tolerance = Self.sensorTolerance(key.quantity),
            layout.boundSensorCount[s] >= 2
        else {
            health[s].memory.spreadRun = 0
            return nil
        }
        let spread = value.max - value.min
        health[s].memory.spreadRun = spread > tolerance ? health[s].memory.spreadRun + 1 : 0
        guard health[s].memory.spreadRun >= 3 else { return nil }
        let unit = Self.unitText(key.quantity)
        return DetectorFinding(
            kind: .inconsistent, score: 0.995, fired: true, observed: value.max, expected: value.min,
            explanation: {
                "\(key.zone): two \(key.quantity.name) sensors disagree by \(Self.text(spread, 1))\(unit) "
                    + "(tolerance \(Self.text(tolerance, 1))\(unit)); one of them is wrong or misplaced"
            }
        )
    }

    /// How far two healthy sensors of one zone may read apart.
    static func sensorTolerance(_ quantity: Quantity) -> Double? {
        switch quantity {
        case .temperature: 2
        case .humidity: 12
        case .co2: 300
        default: nil
        }
    }

    /// A drift that the same quantity of another zone shares (CUSUM at least half of the
    /// way to its threshold, same direction) is the model missing a building-wide change, such
    /// as the ventilation or the weather, not a sensor drifting: it stays a score, not an event.
    private func suppressCommonDrifts(_ findings: inout [[DetectorFinding]], zoneSettings: [DetectorSettings]) {
        for s in health.indices {
            guard let f = findings[s].firstIndex(where: { $0.kind == .drift && $0.fired }) else { continue }
            let key = health[s].key
            let isUp = health[s].memory.cusumHigh >= health[s].memory.cusumLow
            let shared = health.indices.contains { p in
                guard p != s, health[p].key.quantity == key.quantity else { return false }
                let statistic = isUp ? health[p].memory.cusumHigh : health[p].memory.cusumLow
                let z = layout.boundZoneIndex[p]
                let threshold = (z >= 0 ? zoneSettings[z] : DetectorSettings(twin: twin, definition: nil))
                    .driftThreshold
                return statistic >= threshold / 2
            }
            if shared { findings[s][f].fired = false }
        }
    }

    /// Lowers the forgetting factor of a drifting dynamic series for 36 steps.
    private mutating func boostAdaptation(_ s: Int) {
        guard let i = dynamics.firstIndex(where: { $0.key == health[s].key }) else { return }
        dynamics[i].rls.forgetting = min(configuration.forgetting, 0.98)
        health[s].memory.adaptationSteps = 36
    }

    private mutating func relaxAdaptation(_ s: Int) {
        guard health[s].memory.adaptationSteps > 0 else { return }
        health[s].memory.adaptationSteps -= 1
        if health[s].memory.adaptationSteps == 0, let i = dynamics.firstIndex(where: { $0.key == health[s].key }) {
            dynamics[i].rls.forgetting = configuration.forgetting
        }
    }

    static func unitText(_ quantity: Quantity) -> String {
        switch quantity {
        case .temperature, .setpoint: " °C"
        case .humidity: " % RH"
        case .co2: " ppm"
        case .illuminance: " lux"
        case .solar: " W/m²"
        case .power: " W"
        case .energy: " Wh"
        default: ""
        }
    }

    /// `x` with `decimals` digits after the point, without Foundation formatting.
    static func text(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "\(x)" }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let scaled = (abs(x) * factor).rounded()
        guard scaled < 1e15 else { return "\(x)" }
        let integer = Int64(scaled)
        let whole = integer / Int64(factor)
        let sign = x < 0 && integer != 0 ? "-" : ""
        guard decimals > 0 else { return "\(sign)\(whole)" }
        var fraction = String(integer % Int64(factor))
        while fraction.count < decimals { fraction = "0" + fraction }
        return "\(sign)\(whole).\(fraction)"
    }
}
