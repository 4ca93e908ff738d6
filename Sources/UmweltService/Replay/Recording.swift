import Foundation
import UmweltCore

/// One recorded MQTT message: when it arrived, on which topic, with which payload.
public struct RecordedMessage: Sendable, Hashable {
    public var time: Double
    public var topic: String
    public var payload: [UInt8]

    public init(time: Double, topic: String, payload: [UInt8]) {
        self.time = time
        self.topic = topic
        self.payload = payload
    }
}

/// A recording file that cannot be read, with the line and what is wrong.
public struct RecordingError: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var reason: String

    public var description: String { "\(file):\(line): \(reason)" }
}

/// Reads and writes recordings: CSV with header `time,topic,payload` (RFC 3339 time with
/// offset, payload CSV-quoted raw text) or JSON Lines `{"time":…,"topic":…,"payload":…}`.
public enum Recording {
    /// Reads a recording; the format follows the extension (`.jsonl`/`.ndjson` or CSV).
    public static func read(path: String) throws -> [RecordedMessage] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RecordingError(file: path, line: 0, reason: "cannot read the file")
        }
        if path.hasSuffix(".jsonl") || path.hasSuffix(".ndjson") {
            return try readJSONLines(data, file: path)
        }
        return try readCSV(data, file: path)
    }

    public static func readJSONLines(_ data: Data, file: String) throws -> [RecordedMessage] {
        var messages: [RecordedMessage] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                throw RecordingError(file: file, line: lineNumber, reason: "not a JSON object")
            }
            guard let timeText = object["time"] as? String, let time = TimestampParser.parseRFC3339(timeText) else {
                throw RecordingError(file: file, line: lineNumber, reason: "time: missing or not RFC 3339")
            }
            guard let topic = object["topic"] as? String, !topic.isEmpty else {
                throw RecordingError(file: file, line: lineNumber, reason: "topic: missing")
            }
            let payload: String
            switch object["payload"] {
            case let text as String: payload = text
            case let number as NSNumber: payload = number.stringValue
            case .some(let value) where JSONSerialization.isValidJSONObject(value):
                payload = String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self)
            default:
                throw RecordingError(file: file, line: lineNumber, reason: "payload: missing")
            }
            messages.append(RecordedMessage(time: time, topic: topic, payload: Array(payload.utf8)))
        }
        return messages
    }

    public static func readCSV(_ data: Data, file: String) throws -> [RecordedMessage] {
        let rows = try CSVReader.rows(Array(data), file: file)
        guard let header = rows.first else { return [] }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let timeIndex = names.firstIndex(of: "time"), let topicIndex = names.firstIndex(of: "topic"),
            let payloadIndex = names.firstIndex(of: "payload")
        else {
            throw RecordingError(file: file, line: 1, reason: "header must be time,topic,payload")
        }
        var messages: [RecordedMessage] = []
        messages.reserveCapacity(rows.count)
        for row in rows.dropFirst() {
            if row.fields.count == 1 && row.fields[0].isEmpty { continue }
            guard row.fields.count == names.count else {
                throw RecordingError(
                    file: file,
                    line: row.line,
                    reason: "expected \(names.count) fields, found \(row.fields.count)"
                )
            }
            guard let time = TimestampParser.parseRFC3339(row.fields[timeIndex]) else {
                throw RecordingError(file: file, line: row.line, reason: "time: not RFC 3339: \(row.fields[timeIndex])")
            }
            let topic = row.fields[topicIndex]
            guard !topic.isEmpty else { throw RecordingError(file: file, line: row.line, reason: "topic: empty") }
            messages.append(RecordedMessage(time: time, topic: topic, payload: Array(row.fields[payloadIndex].utf8)))
        }
        return messages
    }

    /// Writes messages as CSV (`time,topic,payload`), times in UTC with milliseconds.
    public static func csv(_ messages: [RecordedMessage]) -> String {
        var text = "time,topic,payload\n"
        for message in messages {
            text += formatRFC3339(message.time, fractional: true) + ","
            text += CSVReader.quote(message.topic) + ","
            text += CSVReader.quote(String(decoding: message.payload, as: UTF8.self)) + "\n"
        }
        return text
    }

    /// One message as a JSON Lines row.
    public static func jsonLine(_ message: RecordedMessage) -> String {
        let object: [String: String] = [
            "time": formatRFC3339(message.time, fractional: true),
            "topic": message.topic,
            "payload": String(decoding: message.payload, as: UTF8.self),
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
