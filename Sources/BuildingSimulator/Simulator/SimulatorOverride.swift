/// A change to the simulated building from the current simulated time on, for "what if"
/// checks and fault injection. Overrides last until replaced by another of the same kind.
public enum SimulatorOverride: Sendable, Hashable {
    /// Hold the zone's heating setpoint at `celsius` (the schedule and manual changes stop).
    case setpoint(zone: String, celsius: Double)
    /// Multiply the zone's scheduled head count by `factor` (rounded to whole people).
    case occupancyScale(zone: String, factor: Double)
    /// Add `celsius` to the outdoor temperature (replaces an earlier offset).
    case outdoorOffset(celsius: Double)
    /// Hold the zone's window open (true) or closed (false).
    case windowOpen(zone: String, Bool)
}
