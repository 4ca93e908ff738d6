import Testing
import UmweltCore

/// One invalid twin file and the exact error it must produce.
struct TwinFileErrorCase: Sendable, CustomTestStringConvertible {
    var name: String
    var yaml: String
    var line: Int?
    var field: String
    var reason: String

    var testDescription: String { name }

    /// A file whose only zone `a` has `zoneLine` as its second line (line 4).
    static func zone(_ name: String, _ zoneLine: String, field: String, reason: String) -> Self {
        Self(name: name, yaml: "twin: t\nzones:\n  - id: a\n    \(zoneLine)\n", line: 4, field: field, reason: reason)
    }

    /// A file whose only sensor (line 5) is the flow mapping `{ sensor }`.
    static func sensor(_ name: String, _ sensor: String, field: String, reason: String) -> Self {
        Self(
            name: name,
            yaml: "twin: t\nzones:\n  - id: a\n    sensors:\n      - { \(sensor) }\n",
            line: 5,
            field: "zones[0].sensors[0]" + (field.isEmpty ? "" : "." + field),
            reason: reason
        )
    }
}

let idRule = "(lowercase letters, digits, '-' and '_', starting with a letter or digit)"

let topLevelErrorCases: [TwinFileErrorCase] = [
    .init(
        name: "yaml syntax", yaml: "twin: t\n  bad: x\nzones: []\n", line: 2, field: "yaml",
        reason: "invalid YAML: mapping values are not allowed in this context"),
    .init(
        name: "duplicate key", yaml: "twin: t\ntwin: u\nzones: [{ id: a }]\n", line: 1, field: "yaml",
        reason: "key 'twin' appears more than once (first here)"),
    .init(
        name: "empty file", yaml: "# nothing\n", line: nil, field: "twin",
        reason: "the file is empty; a twin needs 'twin' and 'zones'"),
    .init(
        name: "root is a list", yaml: "- a\n- b\n", line: 1, field: "document", reason: "expected a mapping, got a list"
    ),
    .init(
        name: "unknown top-level key", yaml: "twin: t\nzone:\n  - id: a\n", line: 2, field: "zone",
        reason: "unknown key 'zone' (did you mean 'zones'?); allowed: twin, timezone, step, horizon, zones, anomalies"),
    .init(name: "missing twin", yaml: "zones:\n  - id: a\n", line: 1, field: "twin", reason: "required key is missing"),
    .init(
        name: "invalid twin id", yaml: "twin: Demo Office\nzones: [{ id: a }]\n", line: 1, field: "twin",
        reason: "'Demo Office' is not a valid id \(idRule)"),
    .init(
        name: "twin is a list", yaml: "twin: [t]\nzones: [{ id: a }]\n", line: 1, field: "twin",
        reason: "expected text, got a list"),
    .init(
        name: "unknown time zone", yaml: "twin: t\ntimezone: Europe/Berln\nzones: [{ id: a }]\n", line: 2,
        field: "timezone", reason: "unknown time zone 'Europe/Berln' (use an IANA name such as Europe/Berlin)"),
    .init(
        name: "step not a duration", yaml: "twin: t\nstep: 5 minutes\nzones: [{ id: a }]\n", line: 2, field: "step",
        reason: "'5 minutes' is not a duration (examples: 300, 300s, 5m, 1h, 1h30m)"),
    .init(
        name: "step is a list", yaml: "twin: t\nstep: [5m]\nzones: [{ id: a }]\n", line: 2, field: "step",
        reason: "expected a duration, got a list"),
    .init(
        name: "step not dividing a day", yaml: "twin: t\nstep: 7m\nzones: [{ id: a }]\n", line: 2, field: "step",
        reason: "step must be between 1m and 1h and divide a day evenly, got 7m"),
    .init(
        name: "step too short", yaml: "twin: t\nstep: 30\nzones: [{ id: a }]\n", line: 2, field: "step",
        reason: "step must be between 1m and 1h and divide a day evenly, got 30s"),
    .init(
        name: "horizon not a multiple of step", yaml: "twin: t\nhorizon: 62m\nzones: [{ id: a }]\n", line: 2,
        field: "horizon", reason: "horizon must be a positive multiple of the step (5m), got 1h2m"),
    .init(
        name: "horizon too long", yaml: "twin: t\nhorizon: 8d\nzones: [{ id: a }]\n", line: 2, field: "horizon",
        reason: "horizon must be at most 7d, got 8d"),
    .init(name: "missing zones", yaml: "twin: t\n", line: 1, field: "zones", reason: "required key is missing"),
    .init(
        name: "empty zones", yaml: "twin: t\nzones: []\n", line: 2, field: "zones",
        reason: "at least one zone is required"),
    .init(
        name: "zones is a mapping", yaml: "twin: t\nzones:\n  a: 1\n", line: 3, field: "zones",
        reason: "expected a list, got a mapping"),
]

let zoneErrorCases: [TwinFileErrorCase] = [
    .init(
        name: "zone is text", yaml: "twin: t\nzones:\n  - a\n", line: 3, field: "zones[0]",
        reason: "expected a mapping, got 'a'"),
    .init(
        name: "missing zone id", yaml: "twin: t\nzones:\n  - kind: indoor\n", line: 3, field: "zones[0].id",
        reason: "required key is missing"),
    .init(
        name: "invalid zone id", yaml: "twin: t\nzones:\n  - id: Kitchen\n", line: 3, field: "zones[0].id",
        reason: "'Kitchen' is not a valid id \(idRule)"),
    .init(
        name: "duplicate zone id", yaml: "twin: t\nzones:\n  - id: a\n  - id: a\n", line: 4, field: "zones[1].id",
        reason: "duplicate zone id 'a' (first defined at line 3)"),
    .zone(
        "unknown zone kind", "kind: attic", field: "zones[0].kind",
        reason: "'attic' is not a zone kind (indoor or outdoor)"),
    .init(
        name: "two outdoor zones",
        yaml: "twin: t\nzones:\n  - id: out1\n    kind: outdoor\n  - id: out2\n    kind: outdoor\n",
        line: 6, field: "zones[1].kind", reason: "only one zone may be outdoor; 'out1' (line 4) already is"),
    .init(
        name: "unknown neighbor",
        yaml: "twin: t\nzones:\n  - id: a\n    neighbors: [office, kitchn]\n  - id: office\n  - id: kitchen\n",
        line: 4, field: "zones[0].neighbors[1]", reason: "unknown zone 'kitchn' (did you mean 'kitchen'?)"),
    .zone(
        "own neighbor", "neighbors: [a]", field: "zones[0].neighbors[0]", reason: "a zone cannot be its own neighbor"),
    .zone("neighbors not a list", "neighbors: b", field: "zones[0].neighbors", reason: "expected a list, got 'b'"),
    .zone(
        "neighbor is a list", "neighbors: [[b]]", field: "zones[0].neighbors[0]",
        reason: "expected a zone id, got a list"),
    .zone(
        "comfort inverted", "comfort: { low: 25, high: 24 }", field: "zones[0].comfort",
        reason: "low (25.0) must be below high (24.0)"),
    .zone(
        "comfort not a number", "comfort: { low: warm }", field: "zones[0].comfort.low",
        reason: "expected a number, got 'warm'"),
    .zone(
        "comfort is a list", "comfort: [20, 24]", field: "zones[0].comfort", reason: "expected a mapping, got a list"),
    .zone(
        "unknown comfort key", "comfort: { low: 20, mid: 22 }", field: "zones[0].comfort.mid",
        reason: "unknown key 'mid'; allowed: low, high"),
    .zone(
        "co2 limit not positive", "co2_limit: 0", field: "zones[0].co2_limit",
        reason: "co2_limit must be positive (ppm), got 0.0"),
    .zone(
        "co2 limit not finite", "co2_limit: .inf", field: "zones[0].co2_limit", reason: "expected a number, got '.inf'"),
    .zone(
        "unknown zone key", "sensor: []", field: "zones[0].sensor",
        reason:
            "unknown key 'sensor' (did you mean 'sensors'?); allowed: id, kind, neighbors, comfort, co2_limit, "
            + "sensors, anomalies"),
    .zone(
        "sensors not a list", "sensors: { quantity: co2 }", field: "zones[0].sensors",
        reason: "expected a list, got a mapping"),
]

let sensorErrorCases: [TwinFileErrorCase] = [
    .init(
        name: "sensor is text", yaml: "twin: t\nzones:\n  - id: a\n    sensors:\n      - temperature\n", line: 5,
        field: "zones[0].sensors[0]", reason: "expected a mapping, got 'temperature'"),
    .sensor(
        "unknown sensor key", "quantity: temperature, topic: a/t, uint: degC", field: "uint",
        reason:
            "unknown key 'uint' (did you mean 'unit'?); allowed: quantity, topic, format, path, time_path, unit, kind"),
    .sensor("missing quantity", "topic: a/t", field: "quantity", reason: "required key is missing"),
    .sensor(
        "invalid quantity name", "quantity: my series, topic: a/t", field: "quantity",
        reason:
            "'my series' is not a quantity name (a known one such as temperature, or a name without spaces, '/', '+' or '#')"
    ),
    .sensor("missing topic", "quantity: co2", field: "topic", reason: "required key is missing"),
    .sensor(
        "topic with # inside", "quantity: co2, topic: a/#/b", field: "topic",
        reason: "'a/#/b' is not a valid MQTT topic filter: '#' must be the last level"),
    .sensor(
        "topic with partial +", "quantity: co2, topic: a/b+", field: "topic",
        reason: "'a/b+' is not a valid MQTT topic filter: '+' must fill a whole level"),
    .sensor(
        "empty topic", "quantity: co2, topic: ''", field: "topic",
        reason: "'' is not a valid MQTT topic filter: a topic filter must not be empty"),
    .sensor(
        "topic with NUL", #"quantity: co2, topic: "a\0b""#, field: "topic",
        reason: "'a\u{0}b' is not a valid MQTT topic filter: a topic filter must not contain a NUL character"),
    .sensor(
        "unknown format", "quantity: co2, topic: a/c, format: xml", field: "format",
        reason: "'xml' is not a payload format (plain, json or boolean)"),
    .sensor(
        "json without path", "quantity: co2, topic: a/c, format: json", field: "path",
        reason: "format json needs a path (the dotted key of the value)"),
    .sensor(
        "path with plain format", "quantity: co2, topic: a/c, format: plain, path: co2", field: "path",
        reason: "path needs format json, not plain"),
    .sensor(
        "time path without json", "quantity: co2, topic: a/c, time_path: ts", field: "time_path",
        reason: "time_path needs format json, not plain"),
    .sensor(
        "invalid path", "quantity: co2, topic: a/c, path: a..b", field: "path",
        reason: "'a..b' is not a JSON path (keys or array indices separated by dots, none empty)"),
    .sensor(
        "unknown unit", "quantity: temperature, topic: a/t, unit: celsius", field: "unit",
        reason: "'celsius' is not a unit (one of degC, degF, K, percent, fraction, ppm, W, kW, Wh, kWh, lux, W/m2)"),
    .sensor(
        "incompatible unit", "quantity: temperature, topic: a/t, unit: ppm", field: "unit",
        reason: "unit 'ppm' does not fit temperature (use degC, degF, K)"),
    .sensor(
        "unit on occupancy", "quantity: occupancy, topic: a/o, unit: percent", field: "unit",
        reason: "unit 'percent' does not fit occupancy (occupancy takes no unit)"),
    .sensor(
        "kind on temperature", "quantity: temperature, topic: a/t, kind: count", field: "kind",
        reason: "kind applies only to occupancy sensors (presence or count)"),
    .sensor(
        "unknown occupancy kind", "quantity: occupancy, topic: a/o, kind: many", field: "kind",
        reason: "'many' is not an occupancy kind (presence or count)"),
    .sensor(
        "boolean format on temperature", "quantity: temperature, topic: a/t, format: boolean", field: "format",
        reason:
            "format boolean fits only on/off quantities (occupancy presence, window, hvac, ventilation or a generic series), not temperature"
    ),
    .sensor(
        "boolean format on a counter", "quantity: occupancy, topic: a/o, format: boolean, kind: count", field: "format",
        reason:
            "format boolean fits only on/off quantities (occupancy presence, window, hvac, ventilation or a generic series), not occupancy"
    ),
    .sensor(
        "topic is a mapping", "quantity: co2, topic: { a: b }", field: "topic", reason: "expected text, got a mapping"),
]

@Suite struct TwinFileErrorTests {
    @Test(arguments: topLevelErrorCases + zoneErrorCases + sensorErrorCases)
    func reportsFileLineFieldAndReason(_ testCase: TwinFileErrorCase) {
        let error = #expect(throws: TwinFileError.self) {
            try TwinFileParser.parse(yaml: testCase.yaml, path: "Twins/bad.yaml")
        }
        #expect(error?.file == "Twins/bad.yaml")
        #expect(error?.line == testCase.line)
        #expect(error?.field == testCase.field)
        #expect(error?.reason == testCase.reason)
    }

    @Test func reportsTheLineOfAnUnclosedFlowMapping() {
        let yaml = "twin: t\nzones:\n  - id: a\n    sensors:\n      - { quantity: temperature, topic: a/t\n"
        let error = #expect(throws: TwinFileError.self) { try TwinFileParser.parse(yaml: yaml, path: "x.yaml") }
        #expect(error?.field == "yaml")
        #expect(
            error?.reason == "invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 5)")
        #expect(error?.line == 6)
    }
}
