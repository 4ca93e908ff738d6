import Foundation
import UmweltCore
import UmweltMQTT

/// Subscribes to a daemon's output and prints what a person wants to see: per zone the
/// latest value and the forecast in one hour with its 80 % band, and every anomaly.
public struct ForecastWatcher: Sendable {
    public var prefix: String

    public init(prefix: String = "umwelt") {
        self.prefix = prefix
    }

    /// Formats one published message as a line, or nil when it is not worth a line.
    public func describe(topic: String, payload: [UInt8]) -> String? {
        guard topic.hasPrefix(prefix + "/"),
            let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
        else {
            if topic.hasSuffix("/status") {
                return "\(topic): \(String(decoding: payload, as: UTF8.self))"
            }
            return nil
        }
        let parts = topic.split(separator: "/").map(String.init)
        if parts.count >= 5, parts[parts.count - 2] == "forecast" {
            return describeForecast(twinZone: "\(parts[1])/\(parts[2])", object)
        }
        if parts.last == "anomaly" {
            let kind = object["kind"] as? String ?? "?"
            let phase = object["phase"] as? String ?? "?"
            let score = object["score"] as? Double ?? 0
            let explanation = object["explanation"] as? String ?? ""
            return String(
                format: "ANOMALY %@/%@ %@ %@ (score %.2f): %@",
                parts[1], parts[2], kind, phase, score, explanation
            )
        }
        return nil
    }

    private func describeForecast(twinZone: String, _ object: [String: Any]) -> String? {
        guard let quantity = object["quantity"] as? String,
            let horizon = object["horizon"] as? [[String: Any]], !horizon.isEmpty,
            let step = object["step_seconds"] as? Int, step > 0
        else { return nil }
        let issued = (object["issued_at"] as? String) ?? "?"
        let warming = (object["warming_up"] as? Bool) ?? false
        let learned = (object["steps_learned"] as? Int) ?? 0
        let unit = (object["unit"] as? String) ?? ""
        func point(_ index: Int) -> (Double, Double, Double)? {
            guard index < horizon.count, let mean = horizon[index]["mean"] as? Double,
                let p10 = horizon[index]["p10"] as? Double, let p90 = horizon[index]["p90"] as? Double
            else { return nil }
            return (mean, p10, p90)
        }
        let hourIndex = min(horizon.count, max(1, 3600 / step)) - 1
        guard let next = point(0), let hour = point(hourIndex) else { return nil }
        let symbol = ["degC": "°C", "percent": "%", "ppm": "ppm", "probability": ""][unit] ?? unit
        let decimals = unit == "ppm" ? 0 : (unit == "probability" ? 2 : 1)
        func format(_ value: Double) -> String { String(format: "%.\(decimals)f", value) }
        let label = quantity == "occupancy" ? "P(occupied)" : quantity
        return "\(issued.prefix(16)) \(twinZone.padding(toLength: 28, withPad: " ", startingAt: 0)) "
            + "\(label.padding(toLength: 12, withPad: " ", startingAt: 0)) "
            + "next \(format(next.0))\(symbol)  in 1 h \(format(hour.0))\(symbol)"
            // A probability is its own uncertainty: no band.
            + (unit == "probability" ? "" : " [\(format(hour.1))…\(format(hour.2))]")
            + (warming ? "  (warming up, \(learned) steps)" : "")
    }
}
