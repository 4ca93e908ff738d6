import UmweltCore

/// One change to a twin's inputs in a "what if" scenario, over an optional time window.
///
/// The window `[from, until)` is in Unix seconds; a missing bound is open. An override acts on
/// the inputs of every step whose start lies in the window, so the forecast of a step that
/// starts before `from` (and of the first step of the window, which the inputs before it
/// drive) is never touched by it.
public struct ScenarioOverride: Sendable, Hashable {
    /// How the overridden value is derived from the value the model would otherwise use.
    public enum Action: Sendable, Hashable {
        /// An absolute value in canonical units.
        case value(Double)
        /// Added to the value (for example −5 K outdoors).
        case offset(Double)
        /// Multiplies the value (for example 2 × the occupants).
        case scale(Double)
        /// A piecewise constant schedule: each value holds from its time until the next; before
        /// the first time the value is not changed. Sorted by time.
        case profile([ProfileStep])

        /// The overridden value at `time` of a value `base` (nil when the model has none).
        public func apply(to base: Double?, at time: Double) -> Double? {
            switch self {
            case .value(let value): return value
            case .offset(let offset): return base.map { $0 + offset }
            case .scale(let factor): return base.map { $0 * factor }
            case .profile(let steps):
                guard let step = steps.last(where: { $0.time <= time }) else { return base }
                return step.value
            }
        }
    }

    /// One point of a profile: `value` from `time` (Unix seconds) on.
    public struct ProfileStep: Sendable, Hashable {
        public var time: Double
        public var value: Double

        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// Zone id, or `*` for every zone where the quantity can be overridden.
    public var zone: String
    public var quantity: Quantity
    public var action: Action
    /// Start of the window (Unix seconds), nil: from the start of the forecast.
    public var from: Double?
    /// End of the window (Unix seconds, exclusive), nil: to the end of the horizon.
    public var until: Double?

    public init(zone: String, quantity: Quantity, action: Action, from: Double? = nil, until: Double? = nil) {
        self.zone = zone
        self.quantity = quantity
        self.action = action
        self.from = from
        self.until = until
    }

    /// Whether the window contains `time`.
    public func isActive(at time: Double) -> Bool {
        time >= (from ?? -.infinity) && time < (until ?? .infinity)
    }

    /// How much of the override acts on the inputs of the step starting at `start`, and the
    /// time at which to evaluate it.
    ///
    /// The inputs of a step drive the change from its mean to the next step's mean, which
    /// integrates the inputs over the step-long interval centred on the boundary between the
    /// two, `[start + s/2, start + 3s/2)`. The weight is the fraction of that interval inside
    /// the window (0, 1, or a fraction at the window's edges), so a change at the start of a
    /// step already moves that step's mean by about half, as it does in the building.
    func coverage(ofStepStarting start: Double, stepSeconds: Double) -> (weight: Double, time: Double) {
        let lower = max(start + stepSeconds / 2, from ?? -.infinity)
        let upper = min(start + 1.5 * stepSeconds, until ?? .infinity)
        guard upper > lower else { return (0, start) }
        return ((upper - lower) / stepSeconds, (lower + upper) / 2)
    }
}

/// A scenario the model cannot answer, naming the request field at fault.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request field, e.g. `overrides[1].zone`.
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}
