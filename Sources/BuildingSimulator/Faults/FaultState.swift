import UmweltCore

/// The injected faults of a simulator and what they need to remember (a stuck sensor's
/// held value, the heating command a failed plant ignores, the windows they hold open).
struct FaultState: Sendable {
    var faults: [SimulatorFault] = []
    /// Per fault index: the held reading of a stuck sensor, canonical.
    var heldValues: [Int: Double] = [:]
    /// Zone → the controller's heating command while its plant has failed.
    var commandedHeating: [String: Double] = [:]
    /// Zones whose window a fault holds open.
    var forcedWindows: Set<String> = []
    /// Per fault index waiting for its moment: the latest time it may begin.
    var waitingUntil: [Int: Double] = [:]
    /// Fault indices whose moment never came.
    var cancelled: Set<Int> = []

    /// The faults that acted or will act (cancelled ones left out), with their actual starts.
    var injected: [SimulatorFault] {
        faults.indices.filter { !cancelled.contains($0) }.map { faults[$0] }
    }

    /// Adds a fault; a delayed building fault waits for its moment (`SimulatorFault`).
    mutating func add(_ fault: SimulatorFault) {
        if fault.maximumDelaySeconds > 0 { waitingUntil[faults.count] = fault.start + fault.maximumDelaySeconds }
        faults.append(fault)
    }

    /// Begins the waiting faults whose start has come: at `time` when `hasEffect` says the
    /// fault would matter now, else a tick later, or never once the delay is over.
    mutating func resolveWaiting(time: Double, tickSeconds: Double, hasEffect: (SimulatorFault) -> Bool) {
        for (index, latest) in waitingUntil where faults[index].start <= time {
            if hasEffect(faults[index]) {
                faults[index].start = time
                waitingUntil[index] = nil
            } else if time + tickSeconds > latest {
                faults[index].durationSeconds = 0
                cancelled.insert(index)
                waitingUntil[index] = nil
            } else {
                faults[index].start = time + tickSeconds
            }
        }
    }

    /// Whether the sensor is silent at `time` (dropout).
    func isSilenced(zone: String, quantity: Quantity, time: Double) -> Bool {
        faults.contains { $0.isActive(at: time) && $0.kind == .dropout && $0.affects(zone: zone, quantity: quantity) }
    }

    /// The value a faulty sensor reports for a noisy canonical `measured` value at `time`, kept
    /// inside the quantity's physically possible range (a CO2 sensor glitching downwards reads
    /// 0 ppm, not a negative number that ingest would reject before any detector saw it).
    mutating func reported(_ measured: Double, zone: String, quantity: Quantity, time: Double) -> Double {
        var value = measured
        for index in faults.indices {
            let fault = faults[index]
            guard fault.isActive(at: time), fault.affects(zone: zone, quantity: quantity) else { continue }
            switch fault.kind {
            case .stuck:
                if let held = heldValues[index] {
                    value = held
                } else {
                    heldValues[index] = value
                }
            case .drift(let perHour): value += perHour * (time - fault.start) / 3_600
            case .spike(let magnitude): value += magnitude
            case .fahrenheit: value = value * 1.8 + 32
            case .dropout, .windowOpen, .hvacFailure: break
            }
        }
        guard value != measured else { return value }
        return min(max(value, quantity.possibleRange.lowerBound), quantity.possibleRange.upperBound)
    }

    /// Whether a building fault of `kind` acts on `zone` at `time`.
    func isActive(_ kind: SimulatorFault.Kind, zone: String, time: Double) -> Bool {
        faults.contains { $0.isActive(at: time) && $0.kind == kind && $0.zone == zone }
    }
}
