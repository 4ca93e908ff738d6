import UmweltCore

extension TwinModel {
    /// Zone detectors: rules that read several series of one zone, each added to the findings
    /// of the series a person would check first.
    ///
    /// - window open (temperature): the standardised one-step residuals of the last two steps
    ///   sum to ≤ −6 for temperature and ≤ −3 for CO2 (or, without falling CO2 and with CO2
    ///   below 550 ppm, ≤ −6.5 for temperature with the outdoors at least 3 K colder), the
    ///   temperature fell 0.3 K (CO2 30 ppm), and no window sensor reports open;
    /// - setpoint not reached (temperature): at least 1.5 K below the heating setpoint, not
    ///   warming over the last 6 steps, the valve (when bound) at least half open, for 6 steps
    ///   in a row (a slow recovery that still warms is not flagged);
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
        let key = SeriesKey(zone: zone, quantity: quantity)
        return health.firstIndex { $0.key == key }
    }

    private func windowOpen(_ t: Int, co2: Int?, step: ClosedStep, index k: Int) -> DetectorFinding? {
        guard let temperatureSum = health[t].recentResidualSum(at: k), temperatureSum <= -6 else { return nil }
        let zone = health[t].key.zone
        let windowKey = SeriesKey(zone: zone, quantity: .window)
        let window = step.values[windowKey]?.max ?? inputs.first { $0.key == windowKey }?.last
        if (window ?? 0) >= 0.5 { return nil }
        let co2Sum = co2.flatMap { health[$0].recentResidualSum(at: k) }
        let indoor = step.values[health[t].key]?.mean
        // A physical drop too (not only a surprise): 0.3 K and 30 ppm over the two steps.
        let levels = health[t].memory.recentLevels
        guard let indoorNow = indoor, levels.count >= 3, levels[levels.count - 3] - indoorNow >= 0.3 else { return nil }
        let co2Levels = co2.map { health[$0].memory.recentLevels } ?? []
        let co2Drop = co2Levels.count >= 3 ? co2Levels[co2Levels.count - 3] - co2Levels[co2Levels.count - 1] : 0
        let co2Falls = (co2Sum.map { $0 <= -3 } ?? false) && co2Drop >= 30
        // CO2 well above outdoor air must fall with an open window; only near outdoor CO2
        // (an empty room) or without a sensor may temperature alone tell.
        if let last = co2Levels.last, last > 550, !co2Falls { return nil }
        if !co2Falls {
            // Without CO2 evidence (no sensor, or an empty room already at outdoor CO2): a
            // steeper temperature drop towards a colder outdoors.
            guard temperatureSum <= -6.5, let indoor, let outdoor = outdoorTemperature(step: step), outdoor < indoor - 3
            else { return nil }
        }
        return DetectorFinding(
            kind: .windowOpen, score: 0.995, fired: true, observed: indoor, expected: nil,
            explanation: {
                "\(zone): temperature\(co2Falls ? " and CO2" : "") dropping much faster than expected; "
                    + "a window or outside door is probably open"
            }
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
        health[t].memory.conditionRun = holds ? health[t].memory.conditionRun + 1 : 0
        let run = health[t].memory.conditionRun
        guard run >= 6 else { return nil }
        let minutes = Double(run) * stepSeconds / 60
        return DetectorFinding(
            kind: .setpointNotReached, score: 0.995, fired: true, observed: temperature, expected: setpoint,
            explanation: {
                "\(zone) stays at \(Self.text(temperature, 1)) °C, \(Self.text(deficit, 1)) K below its setpoint "
                    + "\(Self.text(setpoint, 1)) °C, without warming for \(Self.text(minutes, 0)) min"
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
        guard let value = step.values[key], let c = chains.firstIndex(where: { $0.zone == key.zone }),
            let z = layout.zoneIndex(key.zone), Double(zoneSteps[z]) * stepSeconds >= 2 * 86_400
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
