import UmweltCore

extension TwinModel {
    /// Runs every detector on every bound series for step `k`, advances the anomaly episodes
    /// and returns the scores (observed series and series in dropout) and events.
    mutating func assessHealth(step: ClosedStep, index k: Int, oneStep: [SeriesKey: OneStepExpectation])
        -> (scores: [SeriesKey: AnomalyScore], events: [AnomalyEvent])
    {
        var scores: [SeriesKey: AnomalyScore] = [:]
        var events: [AnomalyEvent] = []
        let stepStart = Double(k) * stepSeconds
        for s in health.indices {
            let key = health[s].key
            let value = step.values[key]
            var findings: [DetectorFinding] = []
            if let missing = health[s].updateDropout(observed: value != nil, index: k) {
                let usual = health[s].typicalInterval * stepSeconds / 60
                let silent = Double(missing) * stepSeconds / 60
                findings.append(
                    DetectorFinding(
                        kind: .dropout, score: 1, fired: true, observed: nil, expected: nil,
                        explanation: {
                            "\(key.zone) \(key.quantity.name): no reading for \(Self.text(silent, 0)) min "
                                + "(usually every \(Self.text(usual, 0)) min) while other sensors report"
                        }
                    )
                )
            }
            var expected: Double?
            if let value {
                let y = value.mean
                let unit = Self.unitText(key.quantity)
                // Outdoors only the physically possible range applies (100 % RH is normal in rain).
                let isIndoor = layout.zoneIndex(key.zone).map { layout.zoneIsIndoor[$0] } ?? true
                let range = isIndoor ? key.quantity.plausibleRange : key.quantity.possibleRange
                if !range.contains(y) {
                    findings.append(
                        DetectorFinding(
                            kind: .outOfRange, score: 1, fired: true, observed: y, expected: nil,
                            explanation: {
                                "\(key.zone) \(key.quantity.name) \(Self.text(y, 1))\(unit) is outside the plausible "
                                    + "range \(Self.text(range.lowerBound, 0))...\(Self.text(range.upperBound, 0))\(unit)"
                            }
                        )
                    )
                }
                if let expectation = oneStep[key] {
                    expected = expectation.expected
                    if let mean = expectation.expected {
                        let score = health[s].scoreDeviation(observed: y, expected: mean, scale: expectation.scale)
                        let low = mean - 1.6 * expectation.scale
                        let high = mean + 1.6 * expectation.scale
                        findings.append(
                            DetectorFinding(
                                kind: .deviation, score: score, fired: score >= SeriesHealth.openThreshold,
                                observed: y, expected: mean,
                                explanation: {
                                    "\(key.zone) \(key.quantity.name) \(Self.text(y, 2))\(unit), expected "
                                        + "\(Self.text(low, 2))-\(Self.text(high, 2))\(unit)"
                                }
                            )
                        )
                    }
                    if health[s].updateStuck(
                        value: value, expectedChange: expectation.expectedChange, oneStepScale: expectation.scale
                    ) {
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
                }
            }
            if value != nil || findings.contains(where: { $0.kind == .dropout }) {
                let worst = findings.max { $0.score < $1.score }
                let score = worst?.score ?? 0
                scores[key] = AnomalyScore(
                    score: score, kind: score >= SeriesHealth.closeThreshold ? worst?.kind : nil, expected: expected
                )
            }
            events += health[s].advanceEpisodes(
                findings: findings, stepStart: stepStart, stepSeconds: stepSeconds,
                suppress: isWarmingUp(zone: key.zone)
            )
        }
        return (scores, events)
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
