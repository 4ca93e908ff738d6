import Foundation
import UmweltCore
import WorldModel

/// A "what if" request, the same JSON over HTTP, MQTT and the CLI:
///
///     {"start": "2026-01-12T06:00:00+01:00", "horizon": "24h",
///      "overrides": [{"zone": "meeting-room", "quantity": "setpoint", "value": 19, "from": "…"}],
///      "targets": [{"zone": "meeting-room", "quantity": "temperature", "value": 21, "by": "…"}],
///      "reply_to": "…", "id": "…"}
///
/// Times are RFC 3339 text or Unix seconds; `horizon` is a duration (`24h`, `90m`) or seconds.
/// An override has exactly one of `value`, `offset`, `scale` or `profile` (`[[time, value]…]`).
/// `reply_to` and `id` serve MQTT 3.1.1 clients, which have no response topic or correlation data.
public struct ScenarioRequest: Sendable, Hashable {
    /// First point of the answer (Unix seconds); nil: the step after the latest learned one.
    public var start: Double?
    /// Length of the answer; nil: up to the model's horizon.
    public var horizonSeconds: Int?
    public var overrides: [ScenarioOverride]
    public var targets: [ScenarioTarget]
    /// Where an MQTT 3.1.1 client wants the answer.
    public var replyTo: String?
    /// Echoed in the answer (correlation for MQTT 3.1.1 clients).
    public var id: String?

    public init(
        start: Double? = nil, horizonSeconds: Int? = nil, overrides: [ScenarioOverride] = [],
        targets: [ScenarioTarget] = [], replyTo: String? = nil, id: String? = nil
    ) {
        self.start = start
        self.horizonSeconds = horizonSeconds
        self.overrides = overrides
        self.targets = targets
        self.replyTo = replyTo
        self.id = id
    }

    /// Decodes a request, naming the field of the first problem.
    public static func decode(_ bytes: [UInt8]) throws(ScenarioError) -> ScenarioRequest {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) else {
            throw ScenarioError(field: "request", reason: "not valid JSON")
        }
        guard let root = object as? [String: Any] else {
            throw ScenarioError(field: "request", reason: "not a JSON object")
        }
        let known: Set<String> = ["start", "horizon", "overrides", "targets", "reply_to", "id"]
        if let unknown = root.keys.sorted().first(where: { !known.contains($0) }) {
            throw ScenarioError(
                field: unknown, reason: "unknown field; known: \(known.sorted().joined(separator: ", "))")
        }
        var request = ScenarioRequest()
        request.start = try root["start"].map { value throws(ScenarioError) in try time(value, field: "start") }
        if let horizon = root["horizon"] {
            let seconds: Int?
            if let text = horizon as? String {
                seconds = DurationParser.seconds(text)
            } else {
                seconds = (horizon as? NSNumber).map { Int($0.doubleValue) }
            }
            guard let seconds, seconds > 0 else {
                throw ScenarioError(field: "horizon", reason: "not a positive duration such as 24h: \(horizon)")
            }
            request.horizonSeconds = seconds
        }
        if let overrides = root["overrides"] {
            guard let list = overrides as? [Any] else { throw ScenarioError(field: "overrides", reason: "not a list") }
            for (n, item) in list.enumerated() {
                request.overrides.append(try override(item, field: "overrides[\(n)]"))
            }
        }
        if let targets = root["targets"] {
            guard let list = targets as? [Any] else { throw ScenarioError(field: "targets", reason: "not a list") }
            for (n, item) in list.enumerated() {
                request.targets.append(try target(item, field: "targets[\(n)]"))
            }
        }
        if let replyTo = root["reply_to"] {
            guard let text = replyTo as? String, !text.isEmpty, !text.contains("+"), !text.contains("#") else {
                throw ScenarioError(field: "reply_to", reason: "not a topic name")
            }
            request.replyTo = text
        }
        if let id = root["id"] {
            guard let text = (id as? String) ?? (id as? NSNumber).map({ "\($0)" }) else {
                throw ScenarioError(field: "id", reason: "not a string")
            }
            request.id = text
        }
        return request
    }

    private static func override(_ item: Any, field: String) throws(ScenarioError) -> ScenarioOverride {
        guard let object = item as? [String: Any] else { throw ScenarioError(field: field, reason: "not an object") }
        let known: Set<String> = ["zone", "quantity", "value", "offset", "scale", "profile", "from", "until"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ScenarioError(field: "\(field).\(unknown)", reason: "unknown field")
        }
        let zone = try string(object["zone"], field: "\(field).zone")
        let quantity = try quantityName(object["quantity"], field: "\(field).quantity")
        let actions = ["value", "offset", "scale", "profile"].filter { object[$0] != nil }
        guard actions.count == 1, let name = actions.first else {
            throw ScenarioError(field: field, reason: "needs exactly one of value, offset, scale, profile")
        }
        let action: ScenarioOverride.Action
        switch name {
        case "value": action = .value(try number(object["value"], field: "\(field).value"))
        case "offset": action = .offset(try number(object["offset"], field: "\(field).offset"))
        case "scale": action = .scale(try number(object["scale"], field: "\(field).scale"))
        default:
            guard let list = object["profile"] as? [Any] else {
                throw ScenarioError(field: "\(field).profile", reason: "not a list of [time, value] pairs")
            }
            var steps: [ScenarioOverride.ProfileStep] = []
            for (m, entry) in list.enumerated() {
                let entryField = "\(field).profile[\(m)]"
                guard let pair = entry as? [Any], pair.count == 2 else {
                    throw ScenarioError(field: entryField, reason: "not a [time, value] pair")
                }
                steps.append(
                    .init(time: try time(pair[0], field: entryField), value: try number(pair[1], field: entryField)))
            }
            action = .profile(steps)
        }
        return ScenarioOverride(
            zone: zone, quantity: quantity, action: action,
            from: try object["from"].map { value throws(ScenarioError) in try time(value, field: "\(field).from") },
            until: try object["until"].map { value throws(ScenarioError) in try time(value, field: "\(field).until") }
        )
    }

    private static func target(_ item: Any, field: String) throws(ScenarioError) -> ScenarioTarget {
        guard let object = item as? [String: Any] else { throw ScenarioError(field: field, reason: "not an object") }
        let known: Set<String> = ["zone", "quantity", "value", "by"]
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw ScenarioError(field: "\(field).\(unknown)", reason: "unknown field")
        }
        guard let by = object["by"] else { throw ScenarioError(field: "\(field).by", reason: "missing") }
        return ScenarioTarget(
            zone: try string(object["zone"], field: "\(field).zone"),
            quantity: try quantityName(object["quantity"] ?? "temperature", field: "\(field).quantity"),
            value: try number(object["value"], field: "\(field).value"),
            by: try time(by, field: "\(field).by")
        )
    }

    private static func string(_ value: Any?, field: String) throws(ScenarioError) -> String {
        guard let value else { throw ScenarioError(field: field, reason: "missing") }
        guard let text = value as? String, !text.isEmpty else {
            throw ScenarioError(field: field, reason: "not a string")
        }
        return text
    }

    private static func quantityName(_ value: Any?, field: String) throws(ScenarioError) -> Quantity {
        Quantity(name: try string(value, field: field))
    }

    private static func number(_ value: Any?, field: String) throws(ScenarioError) -> Double {
        guard let value else { throw ScenarioError(field: field, reason: "missing") }
        guard let number = value as? NSNumber, type(of: value) != Bool.self, number.doubleValue.isFinite else {
            throw ScenarioError(field: field, reason: "not a number: \(value)")
        }
        return number.doubleValue
    }

    private static func time(_ value: Any, field: String) throws(ScenarioError) -> Double {
        if let text = value as? String, let seconds = TimestampParser.parseRFC3339(text) { return seconds }
        if let number = value as? NSNumber, type(of: value) != Bool.self, number.doubleValue.isFinite {
            return TimestampParser.unixSeconds(fromNumber: number.doubleValue)
        }
        throw ScenarioError(field: field, reason: "not an RFC 3339 time or Unix seconds: \(value)")
    }
}

/// "Reach `value` of `quantity` in `zone` by `by`": answered with the latest start of the
/// control change (the zone's setpoint, else its heating level) that gets there.
public struct ScenarioTarget: Sendable, Hashable {
    public var zone: String
    public var quantity: Quantity
    public var value: Double
    /// Deadline, Unix seconds.
    public var by: Double

    public init(zone: String, quantity: Quantity = .temperature, value: Double, by: Double) {
        self.zone = zone
        self.quantity = quantity
        self.value = value
        self.by = by
    }
}
