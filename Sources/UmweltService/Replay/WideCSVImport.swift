import Foundation
import UmweltCore
import Yams

/// Turns a wide CSV (one time column, one column per sensor) into a recording, given a
/// mapping file:
///
/// ```yaml
/// time_column: date              # header of the time column
/// timezone: Europe/Brussels      # for times without a UTC offset (default UTC)
/// columns:                       # CSV column -> MQTT topic (plain number payloads)
///   Temperature: uci/office/temperature
/// delimiter: ";"                 # optional: ",", ";" or "\t"; default: guessed from the header
/// decimal: ","                   # optional: decimal commas ("21,5"); default "."
/// time_format: "%d.%m.%Y %H:%M"  # optional, for times that are not ISO 8601 (TimeFormat)
/// ```
///
/// Times may be RFC 3339, `YYYY-MM-DD HH:MM[:SS]` with or without an offset (also
/// `… +08:00` with a space), Unix seconds or milliseconds, or match `time_format`. Empty
/// cells (and `NA`, `NaN`) are skipped; a row with a bad time is an error naming its line.
/// A header one field shorter than the rows (an unnamed row-number column, as R writes) is
/// accepted, and so is a UTF-8 byte order mark.
public struct WideCSVImport: Sendable {
    public var timeColumn: String
    public var timezone: TimeZoneOffsets
    public var columns: [(column: String, topic: String)]
    /// The field delimiter; nil guesses it from the header line.
    public var delimiter: UInt8?
    /// Whether numbers use a decimal comma (`21,5`).
    public var decimalComma = false
    /// The pattern of non-ISO times, if any.
    var timeFormat: TimeFormat?

    static let mappingKeys: Set<String> = ["time_column", "timezone", "columns", "delimiter", "decimal", "time_format"]

    public init(timeColumn: String, timezone: TimeZoneOffsets = .utc, columns: [(column: String, topic: String)]) {
        self.timeColumn = timeColumn
        self.timezone = timezone
        self.columns = columns
    }

    /// Reads a mapping file.
    public static func loadMapping(path: String) throws -> WideCSVImport {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RecordingError(file: path, line: 0, reason: "cannot read the mapping file")
        }
        guard let map = (try? Yams.load(yaml: text)) as? [String: Any] else {
            throw RecordingError(file: path, line: 1, reason: "expected a YAML mapping")
        }
        if let unknown = map.keys.sorted().first(where: { !mappingKeys.contains($0) }) {
            throw RecordingError(
                file: path, line: 1,
                reason: "\(unknown): unknown key (known: \(mappingKeys.sorted().joined(separator: ", ")))")
        }
        guard let timeColumn = map["time_column"] as? String else {
            throw RecordingError(file: path, line: 1, reason: "time_column: missing")
        }
        var offsets = TimeZoneOffsets.utc
        if let name = map["timezone"] as? String {
            guard let zone = TimeZone(identifier: name) else {
                throw RecordingError(file: path, line: 1, reason: "timezone: unknown zone \(name)")
            }
            offsets = TimeZoneOffsets(timeZone: zone)
        }
        guard let columns = map["columns"] as? [String: Any], !columns.isEmpty else {
            throw RecordingError(file: path, line: 1, reason: "columns: missing or empty")
        }
        var pairs: [(column: String, topic: String)] = []
        for (column, topic) in columns.sorted(by: { $0.key < $1.key }) {
            guard let topic = topic as? String, !topic.isEmpty, !topic.contains("+"), !topic.contains("#") else {
                throw RecordingError(
                    file: path, line: 1, reason: "columns.\(column): expected a topic without wildcards")
            }
            pairs.append((column, topic))
        }
        var importer = WideCSVImport(timeColumn: timeColumn, timezone: offsets, columns: pairs)
        if let delimiter = map["delimiter"] {
            switch delimiter as? String {
            case ",": importer.delimiter = UInt8(ascii: ",")
            case ";": importer.delimiter = UInt8(ascii: ";")
            case "\t", "tab": importer.delimiter = UInt8(ascii: "\t")
            default:
                throw RecordingError(file: path, line: 1, reason: "delimiter: expected \",\", \";\" or \"\\t\"")
            }
        }
        if let decimal = map["decimal"] {
            switch decimal as? String {
            case ".": importer.decimalComma = false
            case ",": importer.decimalComma = true
            default: throw RecordingError(file: path, line: 1, reason: "decimal: expected \".\" or \",\"")
            }
        }
        if let pattern = map["time_format"] {
            guard let pattern = pattern as? String, let format = TimeFormat(pattern) else {
                throw RecordingError(
                    file: path, line: 1,
                    reason: "time_format: expected a pattern of %Y or %y, %m, %d, %H (or %I with %p), %M, optional %S")
            }
            importer.timeFormat = format
        }
        if importer.decimalComma, importer.delimiter == UInt8(ascii: ",") {
            throw RecordingError(
                file: path, line: 1, reason: "decimal: a decimal comma needs a delimiter other than \",\"")
        }
        return importer
    }

    /// Converts the wide CSV at `path` into recorded messages, in time order.
    public func convert(path: String) throws -> [RecordedMessage] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordingError(file: path, line: 0, reason: "cannot read the file")
        }
        let bytes = Array(data)
        let delimiter = delimiter ?? CSVReader.guessDelimiter(bytes)
        let rows = try CSVReader.rows(bytes, file: path, delimiter: delimiter)
        guard var header = rows.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) else { return [] }
        if let second = rows.dropFirst().first, second.fields.count == header.count + 1 {
            header.insert("", at: 0)
        }
        guard let timeIndex = header.firstIndex(of: timeColumn) else {
            throw RecordingError(
                file: path, line: 1, reason: "no column \(timeColumn); columns: \(header.joined(separator: ", "))")
        }
        var indices: [(Int, String)] = []
        for (column, topic) in columns {
            guard let index = header.firstIndex(of: column) else {
                throw RecordingError(
                    file: path, line: 1, reason: "no column \(column); columns: \(header.joined(separator: ", "))")
            }
            indices.append((index, topic))
        }
        var messages: [RecordedMessage] = []
        for row in rows.dropFirst() {
            if row.fields.count == 1 && row.fields[0].isEmpty { continue }
            guard row.fields.count == header.count else {
                throw RecordingError(
                    file: path, line: row.line, reason: "expected \(header.count) fields, found \(row.fields.count)")
            }
            guard let time = parseTime(row.fields[timeIndex]) else {
                throw RecordingError(
                    file: path, line: row.line, reason: "\(timeColumn): not a time: \(row.fields[timeIndex])")
            }
            for (index, topic) in indices {
                var cell = row.fields[index].trimmingCharacters(in: .whitespaces)
                if cell.isEmpty || cell.lowercased() == "na" || cell.lowercased() == "nan" { continue }
                if decimalComma { cell = cell.replacingOccurrences(of: ",", with: ".") }
                messages.append(RecordedMessage(time: time, topic: topic, payload: Array(cell.utf8)))
            }
        }
        return messages.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(
            \.element)
    }

    /// Parses a time as the import does (RFC 3339, local `YYYY-MM-DD HH:MM`, Unix seconds or
    /// milliseconds, `time_format`).
    public func parseTime(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let timeFormat, let seconds = timeFormat.parse(trimmed, timeZone: timezone) { return seconds }
        if let seconds = Double(trimmed) { return TimestampParser.unixSeconds(fromNumber: seconds) }
        var normalized = trimmed
        for sign in [" +", " -"] where normalized.contains(sign) {
            // "2021-09-07 00:00 +08:00": the offset follows a space.
            if let range = normalized.range(of: sign, options: .backwards), range.lowerBound > normalized.startIndex,
                normalized.distance(from: normalized.startIndex, to: range.lowerBound) >= 10
            {
                normalized.replaceSubrange(range, with: sign.trimmingCharacters(in: .whitespaces))
            }
        }
        return TimestampParser.parseRFC3339(normalized, localTime: timezone)
    }
}
