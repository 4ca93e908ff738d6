import UmweltCore

extension BuildingSimulator {
    /// Injects a fault: from `fault.start` for its duration the zone's sensor misreports or the
    /// building misbehaves (see `SimulatorFault`). Faults may overlap; unknown zones are ignored.
    public mutating func inject(_ fault: SimulatorFault) {
        faultState.add(fault)
    }

    /// Every fault injected so far, with the actual start of a building fault that waited for
    /// its moment; cancelled faults (whose moment never came) are left out. Read it after the
    /// run for the labels.
    public var injectedFaults: [SimulatorFault] { faultState.injected }

    /// Applies the building faults acting at the current time to the zones' state, after the
    /// controls were evaluated for the next tick: a failed plant delivers no heat (its
    /// command is kept for the valve sensor), a forced window is open.
    mutating func applyBuildingFaults() {
        guard !faultState.faults.isEmpty else { return }
        if !faultState.waitingUntil.isEmpty {
            let zones = self.zones
            let outdoor = outdoorTruth.temperature
            faultState.resolveWaiting(time: time, tickSeconds: tickSeconds) { fault in
                guard let zone = zones.first(where: { $0.id == fault.zone }) else { return false }
                return switch fault.kind {
                case .hvacFailure: zone.hvacLevel >= SimulatorFault.hvacDemandThreshold
                case .windowOpen: zone.airTemperature - outdoor >= SimulatorFault.windowTemperatureGap
                default: true
                }
            }
        }
        for index in zones.indices {
            let id = zones[index].id
            if faultState.isActive(.hvacFailure, zone: id, time: time) {
                faultState.commandedHeating[id] = zones[index].hvacLevel
                zones[index].hvacLevel = 0
            } else {
                faultState.commandedHeating[id] = nil
            }
            if faultState.isActive(.windowOpen, zone: id, time: time) {
                faultState.forcedWindows.insert(id)
                zones[index].forcedWindowOpen = true
                zones[index].isWindowOpen = true
            } else if faultState.forcedWindows.contains(id) {
                faultState.forcedWindows.remove(id)
                // Close it: a zone without an operable window keeps it closed for good, one with
                // an operable window returns to its occupants' habits.
                zones[index].forcedWindowOpen = zones[index].hasOperableWindow ? nil : false
                if !zones[index].hasOperableWindow { zones[index].isWindowOpen = false }
            }
        }
    }
}
