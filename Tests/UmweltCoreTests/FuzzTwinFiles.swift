import Foundation
import UmweltCore

/// Generators of broken twin files (mutations of Twins/demo-office.yaml) and the checks a
/// parsed `TwinDefinition` or a `TwinFileError` must pass.
enum FuzzTwinFiles {
    /// Values of the wrong type or shape for any key.
    static let wrongValues = [
        "[1, 2]", "{ a: 1 }", "~", "", "-1", "0", "1e999", ".nan", "nan", "\"x\"", "0x10", "true", "😀",
        "*nowhere",
        "&x", "!!binary aGVsbG8=", "|\n  block", "99999999999999999999999h", "1h30m", "7d", "25h", "0s",
        "61s",
        "Europe/Nowhere", "a..b", "+/#", "zigbee2mqtt/#/x", "degC", "degF", "kW", "count", "outdoor",
        "json",
        "boolean", "plain", "\"\u{0}\"", "'single'", "!!str 5", "[[[[[[]]]]]]", "{ low: 30, high: 20 }",
        String(repeating: "x", count: 5_000),
    ]

    static let keys = [
        "twin", "timezone", "step", "horizon", "zones", "id", "kind", "neighbors", "comfort",
        "co2_limit",
        "sensors", "quantity", "topic", "format", "path", "time_path", "unit", "low", "high",
        "anomalies",
        "colour", "Twin", "zone", "neighbours", "<<",
    ]

    /// The demo twin file with one to three line-level or byte-level mutations.
    static func mutatedDemo(_ demo: String, using random: inout FuzzRandom) -> String {
        var lines = demo.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<(random.chance(0.6) ? 1 : random.int(2...3)) {
            let index = random.int(0..<lines.count)
            switch random.int(0..<11) {
            case 0:
                lines.remove(at: index)
            case 1:
                let other = random.int(0..<lines.count)
                if let (head, value) = split(lines[index]),
                    let (otherHead, otherValue) = split(lines[other])
                {
                    lines[index] = head + otherValue
                    lines[other] = otherHead + value
                }
            case 2:
                if let (head, _) = split(lines[index]) { lines[index] = head + random.pick(wrongValues) }
            case 3:
                let indent = String(repeating: " ", count: random.pick([0, 2, 4, 6, 8]))
                lines.insert(indent + random.pick(keys) + ": " + random.pick(wrongValues), at: index)
            case 4:
                lines[index] =
                    random.chance(0.5) ? "\t" + lines[index] : lines[index].replacingFirst(" ", with: "\t")
            case 5:
                lines.insert(lines[index], at: index)
            case 6:
                if let (head, value) = split(lines[index]) {
                    lines[index] = head + "&a" + String(random.int(0...2)) + " " + value
                }
                let other = random.int(0..<lines.count)
                if let (head, _) = split(lines[other]) {
                    lines[other] = head + "*a" + String(random.int(0...2))
                }
            case 7:
                let bytes = FuzzMutator.mutate(Array(lines[index].utf8), using: &random)
                lines[index] = String(decoding: bytes, as: UTF8.self)
            case 8:
                lines[index] = random.chance(0.5) ? "  " + lines[index] : String(lines[index].dropFirst(2))
            case 9:
                lines.insert(
                    random.pick(["---", "...", "%YAML 1.1", "<<: *a0", "? [a, b]", "? *a0", "- x", "#"]),
                    at: index)
            default:
                let bytes = FuzzMutator.mutate(Array(lines.joined(separator: "\n").utf8), using: &random)
                lines = String(decoding: bytes, as: UTF8.self).split(
                    separator: "\n", omittingEmptySubsequences: false
                )
                .map(String.init)
            }
            if lines.isEmpty { lines = [""] }
        }
        return lines.joined(separator: "\n")
    }

    /// A line's text up to and including its first `: ` (or `{ key: ` in a flow mapping),
    /// and the value after it.
    private static func split(_ line: String) -> (String, String)? {
        guard let range = line.range(of: ": ") else { return nil }
        return (String(line[..<range.upperBound]), String(line[range.upperBound...]))
    }

    /// What is wrong with a parse outcome (empty when nothing is).
    static func violations(
        of outcome: Result<TwinDefinition, TwinFileError>, path: String, lineCount: Int
    ) -> [String] {
        switch outcome {
        case .success(let twin):
            return violations(of: twin)
        case .failure(let error):
            var problems: [String] = []
            if error.field.isEmpty { problems.append("error without a field: \(error)") }
            if error.reason.isEmpty { problems.append("error without a reason: \(error)") }
            if error.file != path { problems.append("error names file '\(error.file)'") }
            if let line = error.line, line < 1 || line > lineCount + 1 {
                problems.append("error line \(line) is outside the file's \(lineCount) lines: \(error)")
            }
            return problems
        }
    }

    /// What is wrong with a definition the parser accepted: every promise of `TwinDefinition`.
    static func violations(of twin: TwinDefinition) -> [String] {
        var problems: [String] = []
        if !TwinFileParser.isValidID(twin.id) { problems.append("invalid twin id '\(twin.id)'") }
        if !(60...3_600).contains(twin.stepSeconds) || 86_400 % twin.stepSeconds != 0 {
            problems.append("step \(twin.stepSeconds)")
        }
        if twin.horizonSteps < 1 || twin.horizonSteps * twin.stepSeconds > 7 * 86_400 {
            problems.append("horizon of \(twin.horizonSteps) steps")
        }
        let ids = twin.zones.map(\.id)
        if ids.isEmpty || Set(ids).count != ids.count { problems.append("zone ids \(ids)") }
        if twin.zones.filter({ $0.kind == .outdoor }).count > 1 {
            problems.append("several outdoor zones")
        }
        for zone in twin.zones {
            if !TwinFileParser.isValidID(zone.id) { problems.append("invalid zone id '\(zone.id)'") }
            if zone.neighbors.contains(zone.id) || zone.neighbors.contains(where: { !ids.contains($0) })
                || Set(zone.neighbors).count != zone.neighbors.count
            {
                problems.append("zone \(zone.id) neighbors \(zone.neighbors)")
            }
            if !(zone.comfortLowCelsius < zone.comfortHighCelsius) || !(zone.co2LimitPPM > 0) {
                problems.append("zone \(zone.id) comfort or CO2 limit")
            }
            for sensor in zone.sensors {
                problems += violations(of: sensor, in: zone.id)
            }
        }
        return problems
    }

    private static func violations(of sensor: SensorBinding, in zone: String) -> [String] {
        var problems: [String] = []
        if TopicFilter(sensor.topic) == nil { problems.append("zone \(zone) topic '\(sensor.topic)'") }
        if (sensor.format == .json) != (sensor.path != nil)
            || (sensor.format != .json && sensor.timePath != nil)
        {
            problems.append("zone \(zone) format \(sensor.format) with path \(sensor.path ?? "nil")")
        }
        if let path = sensor.path, JSONPath(path) == nil {
            problems.append("zone \(zone) path '\(path)'")
        }
        if let unit = sensor.unit, !unit.isCompatible(with: sensor.quantity) {
            problems.append("zone \(zone) unit \(unit) for \(sensor.quantity)")
        }
        if (sensor.quantity == .occupancy) != (sensor.occupancyKind != nil) {
            problems.append("zone \(zone) occupancy kind \(String(describing: sensor.occupancyKind))")
        }
        return problems
    }
}

extension String {
    fileprivate func replacingFirst(_ target: Character, with replacement: String) -> String {
        guard let position = firstIndex(of: target) else { return self }
        return String(self[..<position]) + replacement + String(self[index(after: position)...])
    }
}
