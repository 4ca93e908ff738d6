/// An operable window that occupants open now and then.
///
/// While someone is in the zone, a closed window opens with a rate of one per 90 minutes of
/// presence and stays open 5–30 minutes (3–15 minutes when it is below 10 °C outside);
/// nobody opens it in an empty zone. An override
/// forces it open or closed from then on.
struct WindowBehaviour: Sendable, Hashable {
    static let openingsPerSecondOccupied = 1 / 5_400.0

    private var random: SimulationRandom
    private var closesAt = -Double.infinity
    var forcedOpen: Bool?
    private(set) var isOpen = false

    init(seed: UInt64, zone: String) {
        random = SimulationRandom(seed: seed, stream: "window/" + zone)
    }

    /// Updates the state at `time` (Unix seconds) after an interval of `seconds`.
    mutating func update(time: Double, seconds: Double, isOccupied: Bool, outdoorCelsius: Double) {
        if isOpen && time >= closesAt { isOpen = false }
        if !isOpen && isOccupied && random.chance(seconds * Self.openingsPerSecondOccupied) {
            isOpen = true
            closesAt = time + (outdoorCelsius < 10 ? random.uniform(3...15) : random.uniform(5...30)) * 60
        }
        if let forcedOpen { isOpen = forcedOpen }
    }
}
