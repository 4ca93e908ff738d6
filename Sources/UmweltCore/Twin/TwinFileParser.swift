import Foundation
import Yams

/// Reads and validates twin files (YAML) into `TwinDefinition`s.
///
/// Every problem is a `TwinFileError` with the file, the 1-based line, the field's path and
/// a reason; unknown keys are errors (they are usually typos). The format:
///
/// ```yaml
/// twin: demo-office          # required; lowercase letters, digits, '-', '_'
/// timezone: Europe/Berlin    # IANA name, default UTC
/// step: 5m                   # 60s...1h dividing a day; default 5m (bare numbers are seconds)
/// horizon: 24h               # a multiple of step, at most 7d; default 24h
/// anomalies: { deviation_threshold: 0.995, stuck_steps: 8, disabled: [dropout] }  # optional
/// zones:                     # at least one
///   - id: meeting-room
///     kind: indoor           # indoor (default) or outdoor (at most one)
///     neighbors: [open-office]
///     comfort: { low: 20, high: 24 }
///     co2_limit: 1000
///     anomalies: { disabled: [unusual_occupancy] }   # optional, over the twin's
///     sensors:
///       - { quantity: temperature, topic: zigbee2mqtt/x, path: temperature, time_path: last_seen }
/// ```
public enum TwinFileParser {
    static let topLevelKeys = ["twin", "timezone", "step", "horizon", "zones", "anomalies"]
    static let maxHorizonSeconds = 7 * 86_400

    /// Parses the text of a twin file; `path` names the file in errors and `sourcePath`.
    public static func parse(yaml: String, path: String) throws(TwinFileError) -> TwinDefinition {
        try parseDocument(yaml: yaml, path: path).definition
    }

    /// Reads and parses one twin file.
    public static func load(path: String) throws(TwinFileError) -> TwinDefinition {
        try parseDocument(yaml: readText(path), path: path).definition
    }

    /// Loads every `*.yaml` and `*.yml` file of `dir` (not recursive, hidden files skipped),
    /// sorted by file name. Two files defining the same twin id are an error.
    public static func loadDirectory(_ dir: String) throws(TwinFileError) -> [TwinDefinition] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: dir)
        } catch {
            throw TwinFileError(file: dir, line: nil, field: "directory", reason: "cannot list the directory")
        }
        let files = names.filter { name in
            !name.hasPrefix(".") && (name.hasSuffix(".yaml") || name.hasSuffix(".yml"))
        }.sorted()
        var twins: [TwinDefinition] = []
        var fileByID: [String: String] = [:]
        for name in files {
            let path = dir.hasSuffix("/") ? dir + name : dir + "/" + name
            let (definition, twinLine) = try parseDocument(yaml: readText(path), path: path)
            if let first = fileByID[definition.id] {
                throw TwinFileError(
                    file: path,
                    line: twinLine,
                    field: "twin",
                    reason: "duplicate twin id '\(definition.id)' (also defined in \(first))"
                )
            }
            fileByID[definition.id] = path
            twins.append(definition)
        }
        return twins
    }

    /// Whether `id` is a valid twin or zone id: `^[a-z0-9][a-z0-9_-]*$`.
    public static func isValidID(_ id: String) -> Bool {
        guard let first = id.utf8.first, isLowerAlphanumeric(first) else { return false }
        return id.utf8.allSatisfy { isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    private static func isLowerAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func readText(_ path: String) throws(TwinFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw TwinFileError(
                file: path, line: nil, field: "file", reason: exists ? "cannot read the file" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TwinFileError(file: path, line: nil, field: "file", reason: "the file is not valid UTF-8")
        }
        return text
    }

    /// The definition and the line of its `twin` key (for duplicate-id errors).
    static func parseDocument(yaml: String, path: String) throws(TwinFileError) -> (
        definition: TwinDefinition, twinLine: Int?
    ) {
        let reader = YAMLNodeReader(file: path)
        if let line = firstAliasInKey(yaml) {
            throw TwinFileError(
                file: path, line: line, field: "yaml",
                reason: "an alias (*name) is used in a mapping key; keys in a twin file are plain names")
        }
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw syntaxError(error, yaml: yaml, path: path)
        }
        guard let root else {
            throw TwinFileError(
                file: path, line: nil, field: "twin", reason: "the file is empty; a twin needs 'twin' and 'zones'")
        }
        let top = try reader.fields(root, field: "", allowed: topLevelKeys)

        guard let twinNode = top["twin"] else {
            throw reader.error(top.location("twin"), "twin", "required key is missing")
        }
        let id = try reader.string(twinNode, field: "twin")
        guard isValidID(id) else {
            throw reader.error(twinNode, "twin", invalidIDReason(id))
        }

        var timezone = "UTC"
        if let node = top["timezone"] {
            timezone = try reader.string(node, field: "timezone")
            guard TimeZone(identifier: timezone) != nil else {
                throw reader.error(
                    node, "timezone", "unknown time zone '\(timezone)' (use an IANA name such as Europe/Berlin)")
            }
        }

        var stepSeconds = 300
        if let node = top["step"] {
            stepSeconds = try duration(node, field: "step", reader: reader)
            guard (60...3_600).contains(stepSeconds), 86_400 % stepSeconds == 0 else {
                let shown = DurationParser.format(seconds: stepSeconds)
                throw reader.error(node, "step", "step must be between 1m and 1h and divide a day evenly, got \(shown)")
            }
        }

        var horizonSeconds = 86_400
        if let node = top["horizon"] {
            horizonSeconds = try duration(node, field: "horizon", reader: reader)
            let shown = DurationParser.format(seconds: horizonSeconds)
            guard horizonSeconds > 0, horizonSeconds % stepSeconds == 0 else {
                let step = DurationParser.format(seconds: stepSeconds)
                throw reader.error(
                    node, "horizon", "horizon must be a positive multiple of the step (\(step)), got \(shown)")
            }
            guard horizonSeconds <= maxHorizonSeconds else {
                throw reader.error(node, "horizon", "horizon must be at most 7d, got \(shown)")
            }
        }

        guard let zonesNode = top["zones"] else {
            throw reader.error(top.location("zones"), "zones", "required key is missing")
        }
        let zones = try parseZones(zonesNode, reader: reader)

        var definition = TwinDefinition(
            id: id,
            timezone: timezone,
            stepSeconds: stepSeconds,
            horizonSteps: horizonSeconds / stepSeconds,
            zones: zones,
            sourcePath: path
        )
        if let node = top["anomalies"] {
            definition.anomalies = try parseAnomalies(node, field: "anomalies", reader: reader)
        }
        return (definition, twinNode.mark?.line)
    }

    static func invalidIDReason(_ id: String) -> String {
        "'\(id)' is not a valid id (lowercase letters, digits, '-' and '_', starting with a letter or digit)"
    }

    private static func duration(_ node: Node, field: String, reader: YAMLNodeReader) throws(TwinFileError) -> Int {
        let text = try reader.string(node, field: field, expected: "a duration")
        guard let seconds = DurationParser.seconds(text) else {
            throw reader.error(node, field, "'\(text)' is not a duration (examples: 300, 300s, 5m, 1h, 1h30m)")
        }
        return seconds
    }

    /// Maps a Yams error to the line it reports.
    private static func syntaxError(_ error: any Error, yaml: String, path: String) -> TwinFileError {
        guard let yamlError = error as? YamlError else {
            return TwinFileError(file: path, line: nil, field: "yaml", reason: "invalid YAML: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            var reason = "invalid YAML: \(problem)"
            if let context { reason += " (\(context.text) at line \(context.mark.line))" }
            return TwinFileError(file: path, line: mark.line, field: "yaml", reason: reason)
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in 1 + yaml.prefix(offset).reduce(0) { $1 == "\n" ? $0 + 1 : $0 } }
            return TwinFileError(file: path, line: line, field: "yaml", reason: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return TwinFileError(
                file: path, line: context.mark.line, field: "yaml",
                reason: "key \(keys) appears more than once (first here)")
        default:
            return TwinFileError(file: path, line: nil, field: "yaml", reason: "invalid YAML: \(yamlError)")
        }
    }
}
