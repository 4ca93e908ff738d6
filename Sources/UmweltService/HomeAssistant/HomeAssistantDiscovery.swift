import Foundation
import UmweltCore

/// Builds Home Assistant's device-based MQTT discovery documents: one device per indoor
/// zone of a twin (`<prefix>/device/<node_id>/config`, retained) whose components are the
/// 1-hour forecast of each climate quantity (p10/p90 as attributes), the occupancy
/// probability and an anomaly binary sensor; every component is available while the
/// twin's status topic says `online`.
///
/// Keys follow HA's documented abbreviations (`dev`, `o`, `cmps`, `p`, `stat_t`, `val_tpl`,
/// `json_attr_t`, `json_attr_tpl`, `avty_t`, `uniq_id`, `dev_cla`, `unit_of_meas`, `stat_cla`).
struct HomeAssistantDiscovery: Sendable {
    /// One retained discovery message.
    struct Document: Sendable {
        var topic: String
        /// The JSON document.
        var bytes: [UInt8]

        init(topic: String, payload: [String: Any]) {
            self.topic = topic
            let data = (try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])) ?? Data()
            bytes = Array(data)
        }
    }

    let configuration: HomeAssistantConfiguration
    let topics: TopicScheme
    var softwareVersion = "1"

    /// The discovery documents of every indoor zone of `twin`.
    func documents(for twin: TwinDefinition) -> [Document] {
        twin.zones.filter { $0.kind == .indoor }.map { document(twin: twin, zone: $0) }
    }

    /// `umwelt_<twin>_<zone>` with characters outside `[a-zA-Z0-9_-]` replaced by `_`.
    static func nodeID(twin: String, zone: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
        return String("umwelt_\(twin)_\(zone)".map { allowed.contains($0) ? $0 : "_" })
    }

    private func document(twin: TwinDefinition, zone: ZoneDefinition) -> Document {
        let node = Self.nodeID(twin: twin.id, zone: zone.id)
        // Forecast points start one step ahead: the 1-hour point is index 3600/step - 1.
        let hourIndex = max(0, min(twin.horizonSteps, 3600 / twin.stepSeconds) - 1)
        var components: [String: Any] = [:]
        for quantity in [Quantity.temperature, .humidity, .co2] where zone.quantities.contains(quantity) {
            let topic = topics.forecast(twin: twin.id, zone: zone.id, quantity: quantity)
            let point = "value_json.horizon[\(hourIndex)]"
            var component: [String: Any] = [
                "p": "sensor",
                "name": "\(Self.title(quantity)) in 1 h",
                "uniq_id": "\(node)_\(quantity.name)_forecast_1h",
                "stat_t": topic,
                "val_tpl": "{{ \(point).mean | round(2) }}",
                "json_attr_t": topic,
                "json_attr_tpl":
                    "{{ {'p10': \(point).p10, 'p90': \(point).p90, 'time': \(point).time, 'warming_up': value_json.warming_up} | tojson }}",
                "stat_cla": "measurement",
                "unit_of_meas": Self.unit(quantity),
            ]
            component["dev_cla"] = Self.deviceClass(quantity)
            components["\(quantity.name)_forecast_1h"] = component
        }
        if zone.quantities.contains(.occupancy) {
            components["occupancy_probability"] = [
                "p": "sensor",
                "name": "Occupancy probability",
                "uniq_id": "\(node)_occupancy_probability",
                "stat_t": topics.state(twin: twin.id, zone: zone.id),
                "val_tpl":
                    "{{ (value_json.occupancy_probability * 100) | round(0) if value_json.occupancy_probability is not none else None }}",
                "unit_of_meas": "%",
                "stat_cla": "measurement",
                "ic": "mdi:account-question",
            ]
        }
        components["anomaly"] = [
            "p": "binary_sensor",
            "name": "Anomaly",
            "uniq_id": "\(node)_anomaly",
            "dev_cla": "problem",
            "stat_t": topics.anomaly(twin: twin.id, zone: zone.id),
            "val_tpl": "{{ 'OFF' if value_json.phase == 'closed' else 'ON' }}",
            "json_attr_t": topics.anomaly(twin: twin.id, zone: zone.id),
            "json_attr_tpl":
                "{{ {'kind': value_json.kind, 'quantity': value_json.quantity, 'score': value_json.score, 'explanation': value_json.explanation} | tojson }}",
        ]
        let payload: [String: Any] = [
            "dev": [
                "ids": [node],
                "name": "\(twin.id) \(zone.id)",
                "mf": "Umwelt",
                "mdl": "Learned zone model",
                "sw": softwareVersion,
            ],
            "o": ["name": "umwelt", "sw": softwareVersion, "url": "https://github.com/umwelt/umwelt"],
            "avty_t": topics.status(twin: twin.id),
            "pl_avail": "online",
            "pl_not_avail": "offline",
            "qos": 1,
            "cmps": components,
        ]
        return Document(topic: "\(configuration.discoveryPrefix)/device/\(node)/config", payload: payload)
    }

    static func title(_ quantity: Quantity) -> String {
        switch quantity {
        case .co2: "CO2"
        default: quantity.name.prefix(1).uppercased() + quantity.name.dropFirst()
        }
    }

    static func unit(_ quantity: Quantity) -> String {
        switch quantity {
        case .temperature: "°C"
        case .humidity: "%"
        case .co2: "ppm"
        default: ""
        }
    }

    static func deviceClass(_ quantity: Quantity) -> String? {
        switch quantity {
        case .temperature: "temperature"
        case .humidity: "humidity"
        case .co2: "carbon_dioxide"
        default: nil
        }
    }
}
