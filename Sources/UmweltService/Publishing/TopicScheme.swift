import UmweltCore

/// The topics Umwelt publishes under its prefix (see DESIGN.md, "MQTT contract").
public struct TopicScheme: Sendable, Hashable {
    public var prefix: String

    public init(prefix: String = "umwelt") {
        self.prefix = prefix
    }

    /// Retained `online` / `offline` (the last will).
    public func status(twin: String) -> String { "\(prefix)/\(twin)/status" }

    /// Retained forecast of one quantity of one zone.
    public func forecast(twin: String, zone: String, quantity: Quantity) -> String {
        "\(prefix)/\(twin)/\(zone)/forecast/\(quantity.name)"
    }

    /// Retained filtered estimates of a zone.
    public func state(twin: String, zone: String) -> String { "\(prefix)/\(twin)/\(zone)/state" }

    /// Anomaly events (QoS 1, not retained).
    public func anomaly(twin: String, zone: String) -> String { "\(prefix)/\(twin)/\(zone)/anomaly" }

    /// Scenario requests (MQTT v5 request/response).
    public func scenarioRequest(twin: String) -> String { "\(prefix)/\(twin)/scenario/request" }
}
