import UmweltCore

extension TwinModel {
    /// Zone detectors: rules that read several series of one zone, each added to the findings
    /// of the series a person would check first.
    ///
    /// - window open (temperature): a sudden loss of heat the model did not expect: over the last
    ///   two steps the temperature fell at least 0.3 K and its standardised one-step residuals
    ///   `(y − ŷ) / s₁` (calibrated, so the same in every zone) sum to ≤ −0.5, corroborated by
    ///   CO2 falling (residuals ≤ −4 and 30 ppm), by the heating valve opening (up 0.3 to at
    ///   least 0.6), by the zone losing a setpoint it held (within 0.2 K, now 0.3 K below), or,
    ///   with none of these and CO2 at most 550 ppm, by a steep fall (≤ −8, 0.5 K) towards an
    ///   outdoors at least 3 K colder. Explained, and so not flagged: a window sensor reporting
    ///   open, the occupancy halving within 3 steps (people take heat and CO2 with them), and,
    ///   unless CO2 falls too, a setpoint lowered within the hour or a closing valve. Without CO2
    ///   evidence the explanation names a heating failure as the other possible cause;
    /// - setpoint not reached (temperature): at least 1.5 K below the heating setpoint, not
    ///   warming over the last 6 steps, the valve (when bound) at least half open, for 6 steps
    ///   in a row (a slow recovery that still warms is not flagged); or, faster, for 2 steps in
    ///   a row: 0.5 K below the setpoint, the heating demanded (valve ≥ 0.8 for 3 steps; without
    ///   a valve, 1 K below), yet the temperature fell 0.4 K over the last 3 steps without ever
    ///   rising and below the model's expectation: the heat does not arrive;
    /// - inconsistent (CO2): the occupancy sensor reports the zone empty for 12 steps, yet CO2
    ///   rose more than `max(200 ppm, 8 s₁)` above its lowest value since;
    /// - unusual occupancy (occupancy): an arrival (empty, then occupied for 2 steps) at a time
    ///   of week whose learned arrival probability (the occupancy chain's time-of-week prior)
    ///   is below 1 % per step, once the zone has learned 2 days.
    mutating func addZoneFindings(
        _ findings: inout [[DetectorFinding]], step: ClosedStep, index k: Int,
        oneStep: [SeriesKey: OneStepExpectation]
    ) {
        for zone in twin.zones where zone.kind == .indoor {
            let temperature = healthIndex(zone.id, .temperature)
            let co2 = healthIndex(zone.id, .co2)
            if let t = temperature, let finding = windowOpen(t, co2: co2, step: step, index: k) {
                findings[t].append(finding)
            }
            if let t = temperature, let finding = setpointNotReached(t, step: step) {
                findings[t].append(finding)
            }
            if let o = healthIndex(zone.id, .occupancy) {
                if let c = co2, let finding = co2WithoutOccupants(c, occupancy: o, step: step, oneStep: oneStep) {
                    findings[c].append(finding)
                }
                if let finding = unusualOccupancy(o, step: step, index: k) { findings[o].append(finding) }
            }
        }
    }

    private func healthIndex(_ zone: String, _ quantity: Quantity) -> Int? {
        layout.boundIndex(SeriesKey(zone: zone, quantity: quantity))
    }

    private func windowOpen(_ t: Int, co2: Int?, step: ClosedStep, index k: Int) -> DetectorFinding? {
        let surprises = health[t].memory.surprises
        guard health[t].memory.surpriseIndex == k, surprises.count >= 2 else { return nil }
        let temperatureSurprise = surprises[surprises.count - 1] + surprises[surprises.count - 2]
        let levels = health[t].memory.recentLevels
        guard temperatureSurprise <= -0.5, levels.count >= 3, let indoor = levels.last else { return nil }
        let before = levels[levels.count - 3]
        guard before - indoor >= 0.3 else { return nil }
        let zone = health[t].key.zone
        let windowKey = SeriesKey(zone: zone, quantity: .window)
        let window = step.values[windowKey]?.max ?? inputs.first { $0.key == windowKey }?.last
        if (window ?? 0) >= 0.5 { return nil }
        // People leaving take their heat and CO2 with them: a fall right after the occupancy
        // dropped to half or less is explained.
        let occupancy = healthIndex(zone, .occupancy).map { health[$0].memory.recentLevels.suffix(4) } ?? []
        if let most = occupancy.max(), let now = occupancy.last, most >= 0.5, now <= 0.5 * most { return nil }
        let co2Levels = co2.map { health[$0].memory.recentLevels } ?? []
        let co2Surprises =
            co2.flatMap { health[$0].memory.surpriseIndex == k ? health[$0].memory.surprises : nil } ?? []
        let co2Drop = co2Levels.count >= 3 ? co2Levels[co2Levels.count - 3] - co2Levels[co2Levels.count - 1] : 0
        let co2Falls = co2Surprises.count >= 2 && co2Surprises.suffix(2).reduce(0, +) <= -4 && co2Drop >= 30
        // The controls explain a temperature fall (not a CO2 fall) when the setpoint went down
        // within the hour or the valve closed.
        let setpoints = healthIndex(zone, .setpoint).map { health[$0].memory.recentLevels } ?? []
        let valve = healthIndex(zone, .hvac).map { health[$0].memory.recentLevels } ?? []
        let valveRise = valve.count >= 3 ? valve[valve.count - 1] - valve[valve.count - 3] : 0
        let setpointFell = setpoints.last.map { (setpoints.max() ?? $0) - $0 >= 0.5 } ?? false
        if !co2Falls && (setpointFell || valveRise <= -0.3) { return nil }
        let heatingResponds = valveRise >= 0.3 && (valve.last ?? 0) >= 0.6
        // The zone held its setpoint and lost it within two steps: the heating is outrun.
        let losesSetpoint = setpoints.last.map { before >= $0 - 0.2 && indoor <= $0 - 0.3 } ?? false
        let evidence: String
        if co2Falls {
            evidence = "temperature and CO2 dropping"
        } else if heatingResponds {
            evidence = "temperature dropping while the heating opens up"
        } else if losesSetpoint {
            evidence = "temperature dropping below the setpoint"
        } else {
            // Without CO2 or control evidence (no sensor, or an empty room already at outdoor
            // CO2): a steeper fall towards a colder outdoors.
            if let last = co2Levels.last, last > 550 { return nil }
            guard temperatureSurprise <= -8, before - indoor >= 0.5, let outdoor = outdoorTemperature(step: step),
                outdoor < indoor - 3
            else { return nil }
            evidence = "temperature dropping towards the outdoor temperature"
        }
        let cause =
            co2Falls
            ? "a window or outside door is probably open"
            : "a window or outside door is probably open, or the heating has failed"
        return DetectorFinding(
            kind: .windowOpen, score: 0.995, fired: true, observed: indoor, expected: before,
            explanation: { "\(zone): \(evidence) much faster than expected; \(cause)" }
        )
    }

    private func outdoorTemperature(step: ClosedStep) -> Double? {
        guard let outdoor = twin.outdoorZone?.id else { return nil }
        let key = SeriesKey(zone: outdoor, quantity: .temperature)
        if let value = step.values[key] { return value.mean }
        return dynamics.first { $0.key == key }?.lastKnown
    }

    private mutating func setpointNotReached(_ t: Int, step: ClosedStep) -> DetectorFinding? {
        let zone = health[t].key.zone
        let setpointKey = SeriesKey(zone: zone, quantity: .setpoint)
        guard let temperature = step.values[health[t].key]?.mean,
            let setpoint = step.values[setpointKey]?.mean ?? inputs.first(where: { $0.key == setpointKey })?.last
        else {
            return nil
        }
        let levels = health[t].memory.recentLevels
        let valve = step.values[SeriesKey(zone: zone, quantity: .hvac)]?.mean
        let deficit = setpoint - temperature
        let isHeating = valve.map { $0 >= 0.5 } ?? true
        let warming = levels.count >= 7 ? temperature - levels[0] : .infinity
        let holds = deficit >= 1.5 && warming <= 0 && isHeating
        // Heating at full demand, yet the temperature keeps falling below the setpoint, colder
        // than the model expected: the heat does not arrive.
        let valveLevels = healthIndex(zone, .hvac).map { health[$0].memory.recentLevels } ?? []
        let isDemanded =
            valve == nil ? deficit >= 1 : valveLevels.count >= 3 && valveLevels.suffix(3).allSatisfy { $0 >= 0.8 }
        let recent = levels.suffix(4)
        let isFalling =
            recent.count == 4 && zip(recent, recent.dropFirst()).allSatisfy { $1 <= $0 + 0.02 }
            && (recent.first ?? temperature) - temperature >= 0.4
        let isColder = health[t].memory.surprises.last.map { $0 < 0 } ?? false
        let failing = deficit >= 0.5 && isDemanded && isFalling && isColder
        health[t].memory.conditionRun = holds || failing ? health[t].memory.conditionRun + 1 : 0
        let run = health[t].memory.conditionRun
        guard run >= 6 || (failing && run >= 2) else { return nil }
        let minutes = Double(run) * stepSeconds / 60
        return DetectorFinding(
            kind: .setpointNotReached, score: 0.995, fired: true, observed: temperature, expected: setpoint,
            explanation: {
                "\(zone) \(failing ? "keeps cooling" : "stays") at \(Self.text(temperature, 1)) °C, "
                    + "\(Self.text(deficit, 1)) K below its setpoint \(Self.text(setpoint, 1)) °C, "
                    + "without warming for \(Self.text(minutes, 0)) min"
                    + (valve.map { " with the valve at \(Self.text($0 * 100, 0)) %" } ?? "")
                    + "; check the heating (valve, pump, boiler)"
            }
        )
    }

    private mutating func co2WithoutOccupants(
        _ c: Int, occupancy o: Int, step: ClosedStep, oneStep: [SeriesKey: OneStepExpectation]
    ) -> DetectorFinding? {
        let key = health[c].key
        guard let occupancy = step.values[health[o].key], let co2 = step.values[key]?.mean else { return nil }
        guard occupancy.max < 0.5 else {
            health[c].memory.conditionRun = 0
            health[c].memory.lowestWhileEmpty = nil
            return nil
        }
        health[c].memory.conditionRun += 1
        let run = health[c].memory.conditionRun
        // CO2 lags the people who just left: start looking after 3 empty steps.
        guard run >= 3 else { return nil }
        let lowest = min(health[c].memory.lowestWhileEmpty ?? co2, co2)
        health[c].memory.lowestWhileEmpty = lowest
        let tolerance = max(200, 8 * (oneStep[key]?.scale ?? 20))
        guard run >= 12, co2 - lowest > tolerance else { return nil }
        return DetectorFinding(
            kind: .inconsistent, score: 0.995, fired: true, observed: co2, expected: lowest,
            explanation: {
                "\(key.zone): CO2 rose \(Self.text(co2 - lowest, 0)) ppm while the occupancy sensor reports the "
                    + "zone empty; check the occupancy sensor (or the ventilation)"
            }
        )
    }

    private mutating func unusualOccupancy(_ o: Int, step: ClosedStep, index k: Int) -> DetectorFinding? {
        let key = health[o].key
        let c = layout.boundChainIndex[o]
        let z = layout.boundZoneIndex[o]
        guard let value = step.values[key], c >= 0, z >= 0, Double(zoneSteps[z]) * stepSeconds >= 2 * 86_400
        else { return nil }
        let time = Double(k) * stepSeconds
        let probability = chains[c].transition(at: time, clock: clock).arrive
        let occupied = value.mean >= 0.5
        let wasEmpty = health[o].memory.lowestWhileEmpty == 0
        health[o].memory.lowestWhileEmpty = occupied ? 1 : 0
        let run = health[o].memory.conditionRun
        if occupied && wasEmpty && probability < 0.01 {
            health[o].memory.conditionRun = 1
        } else {
            health[o].memory.conditionRun = occupied && run > 0 ? run + 1 : 0
        }
        guard health[o].memory.conditionRun >= 2 else { return nil }
        let hour = clock.dayFraction(time) * 24
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let day = days[max(0, min(6, clock.weekday(time)))]
        let minute = Int((hour - hour.rounded(.down)) * 60)
        let clockText = "\(Int(hour))" + ":" + (minute < 10 ? "0" : "") + "\(minute)"
        return DetectorFinding(
            kind: .unusualOccupancy, score: 0.995, fired: true, observed: value.mean, expected: probability,
            explanation: {
                "\(key.zone): people arrived on \(day) at \(clockText) local time, when arrivals are rare "
                    + "(\(Self.text(probability * 100, 1)) % per step): check who is there or the sensor"
            }
        )
    }
}
