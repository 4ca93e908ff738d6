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

    /// Whether the sensor is silent at `time` (dropout).
    func isSilenced(zone: String, quantity: Quantity, time: Double) -> Bool {
        faults.contains { $0.kind == .dropout && $0.affects(zone: zone, quantity: quantity) && $0.isActive(at: time) }
    }

    /// The value a faulty sensor reports for a noisy canonical `measured` value at `time`.
    mutating func reported(_ measured: Double, zone: String, quantity: Quantity, time: Double) -> Double {
        var value = measured
        for index in faults.indices {
            let fault = faults[index]
            guard fault.affects(zone: zone, quantity: quantity), fault.isActive(at: time) else { continue }
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
        return value
    }

    /// Whether a building fault of `kind` acts on `zone` at `time`.
    func isActive(_ kind: SimulatorFault.Kind, zone: String, time: Double) -> Bool {
        faults.contains { $0.kind == kind && $0.zone == zone && $0.isActive(at: time) }
    }
}
