import Foundation

/// A value read from one payload, still in the sensor's unit.
public struct ParsedPayload: Sendable, Equatable {
    /// The value as the sensor sent it (booleans as 1 or 0), before unit conversion.
    public var value: Double
    /// Unix seconds from the binding's time path; nil without a time path, or when the
    /// payload lacks it (then the arrival time applies).
    public var time: Double?

    /// A value with an optional payload time (Unix seconds).
    public init(value: Double, time: Double? = nil) {
        self.value = value
        self.time = time
    }
}

/// Reads one binding's value (and time) out of an MQTT payload.
///
/// Formats: `plain` (a number, a Home Assistant state, or for boolean-like quantities a
/// boolean word), `boolean` (words only), `json` (a dotted path; numbers, `true`/`false`,
/// strings holding a number or a boolean word). Boolean words and JSON booleans count for
/// boolean-like quantities (presence, window, hvac, ventilation) and generic series; a
/// temperature that says `"ON"` is rejected. Unit conversion and range checks are the
/// router's job.
///
/// Built once per binding; `parse` is the hot path: no Foundation, no regex, no allocation
/// unless the payload is rejected or uses JSON string escapes. Thread-safe (a value type).
public struct PayloadParser: Sendable {
    /// Largest accepted JSON nesting (objects and arrays).
    public static let maxJSONDepth = 32

    /// The binding this parser reads for.
    public let binding: SensorBinding
    /// Payloads above this size are rejected before parsing.
    public let maxPayloadBytes: Int
    let valuePath: JSONPath?
    let timePath: JSONPath?
    let localTime: TimeZoneOffsets
    let acceptsBooleans: Bool

    /// A parser for `binding`; offset-less timestamps are local time in `timeZone`.
    ///
    /// Precomputes the zone's offsets (Foundation work); build parsers once, not per message.
    public init(binding: SensorBinding, timeZone: TimeZone, maxPayloadBytes: Int = 65_536) {
        self.init(binding: binding, localTime: TimeZoneOffsets(timeZone: timeZone), maxPayloadBytes: maxPayloadBytes)
    }

    /// A parser for `binding` with precomputed offsets of the twin's time zone (UTC by default).
    public init(binding: SensorBinding, localTime: TimeZoneOffsets = .utc, maxPayloadBytes: Int = 65_536) {
        self.binding = binding
        self.maxPayloadBytes = maxPayloadBytes
        self.localTime = localTime
        if binding.format == .json {
            // Invalid dotted paths (`a..b`; the twin-file parser rejects them) are one literal key.
            valuePath = binding.path.map { JSONPath($0) ?? JSONPath(singleKey: $0) } ?? .root
            timePath = binding.timePath.map { JSONPath($0) ?? JSONPath(singleKey: $0) }
        } else {
            valuePath = nil
            timePath = nil
        }
        switch binding.quantity {
        case .occupancy: acceptsBooleans = (binding.occupancyKind ?? .presence) == .presence
        case .window, .hvac, .ventilation, .generic: acceptsBooleans = true
        default: acceptsBooleans = false
        }
    }

    /// The value (in the sensor's unit) and the payload's time, or why there is none.
    public func parse(_ payload: [UInt8], topic: String) throws(PayloadRejection) -> ParsedPayload {
        if payload.count > maxPayloadBytes {
            throw PayloadRejection(
                topic: topic,
                reason: .oversized,
                detail: "payload of \(payload.count) bytes exceeds the limit of \(maxPayloadBytes) bytes"
            )
        }
        let outcome = payload.withUnsafeBufferPointer { bytes in parse(bytes) }
        switch outcome {
        case .success(let parsed): return parsed
        case .failure(let failure): throw PayloadRejection(topic: topic, reason: failure.reason, detail: failure.detail)
        }
    }

    /// A rejection before the topic is attached (keeps the detail strings off the hot path).
    struct Failure: Error {
        var reason: PayloadRejection.Reason
        var detail: String
    }

    private func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<ParsedPayload, Failure> {
        guard PayloadText.isValidUTF8(bytes) else {
            return .failure(Failure(reason: .invalidUTF8, detail: "payload of \(bytes.count) bytes is not valid UTF-8"))
        }
        switch binding.format {
        case .plain, .boolean:
            var range = PayloadText.trimmed(bytes, 0..<bytes.count)
            if range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""),
                bytes[range.upperBound - 1] == UInt8(ascii: "\"")
            {
                // A quoted Home Assistant state: "21.5".
                range = PayloadText.trimmed(bytes, range.lowerBound + 1..<range.upperBound - 1)
            }
            return textValue(bytes, range, booleanOnly: binding.format == .boolean, at: nil)
                .map { ParsedPayload(value: $0) }
        case .json:
            return jsonValue(bytes)
        }
    }

    private func jsonValue(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<ParsedPayload, Failure> {
        var scanner = JSONScanner(bytes: bytes, valuePath: valuePath, timePath: timePath, maxDepth: Self.maxJSONDepth)
        do {
            try scanner.scan()
        } catch {
            switch error {
            case .tooDeep(let limit):
                return .failure(Failure(reason: .tooDeep, detail: "JSON nests deeper than \(limit) levels"))
            case .invalid(let message):
                return .failure(Failure(reason: .invalidJSON, detail: message))
            }
        }
        let path = valuePath?.description ?? ""
        guard let found = scanner.value else {
            return .failure(Failure(reason: .pathNotFound, detail: "path '\(path)' not found"))
        }
        let value: Double
        switch found {
        case .number(let range):
            guard let number = PayloadText.number(bytes, range, json: true), number.isFinite else {
                return .failure(Failure(reason: .nonFinite, detail: "value at '\(path)' overflows a Double"))
            }
            value = number
        case .nonFinite:
            return .failure(Failure(reason: .nonFinite, detail: "value at '\(path)' is NaN or infinite"))
        case .bool(let flag):
            guard acceptsBooleans else {
                return .failure(
                    Failure(
                        reason: .notANumber,
                        detail: "value at '\(path)' is a boolean; \(binding.quantity) needs a number")
                )
            }
            value = flag ? 1 : 0
        case .string(let range, let hasEscapes):
            let result: Result<Double, Failure>
            if hasEscapes {
                let decoded = JSONStringDecoder.decode(bytes, range)
                result = decoded.withUnsafeBufferPointer {
                    textValue($0, PayloadText.trimmed($0, 0..<$0.count), at: path)
                }
            } else {
                result = textValue(bytes, PayloadText.trimmed(bytes, range), at: path)
            }
            switch result {
            case .success(let number): value = number
            case .failure(let failure): return .failure(failure)
            }
        case .null:
            return .failure(Failure(reason: .nullValue, detail: "value at '\(path)' is null"))
        case .object, .array:
            let kind = found == .object ? "an object" : "an array"
            return .failure(Failure(reason: .notANumber, detail: "value at '\(path)' is \(kind), not a number"))
        }
        guard let timePath, let timeFound = scanner.time else {
            return .success(ParsedPayload(value: value))
        }
        return timestamp(bytes, timeFound, path: timePath.description).map { ParsedPayload(value: value, time: $0) }
    }

    /// A number, or a boolean word where booleans count, from text filling `range`.
    private func textValue(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        booleanOnly: Bool = false,
        at path: String?
    ) -> Result<Double, Failure> {
        let location = path.map { " at '\($0)'" } ?? ""
        if booleanOnly {
            if let flag = PayloadText.booleanWord(bytes, range) { return .success(flag) }
            let words = "on/off, true/false, open/closed, occupied/unoccupied, yes/no, detected/clear, 1/0"
            return .failure(
                Failure(
                    reason: .notANumber,
                    detail: "\(Self.quoted(bytes, range))\(location) is not a boolean word (\(words))")
            )
        }
        switch PayloadText.scalar(bytes, range, json: false) {
        case .number(let number):
            return .success(number)
        case .nonFinite:
            return .failure(
                Failure(reason: .nonFinite, detail: "\(Self.quoted(bytes, range))\(location) is not finite"))
        case .notANumber:
            if acceptsBooleans, let flag = PayloadText.booleanWord(bytes, range) { return .success(flag) }
            let expected = acceptsBooleans ? "a number or a boolean word" : "a number"
            return .failure(
                Failure(reason: .notANumber, detail: "\(Self.quoted(bytes, range))\(location) is not \(expected)")
            )
        }
    }

    /// Unix seconds from the value at the time path: RFC 3339 text, or seconds or
    /// milliseconds as a number or numeric string. Null means "no time" (arrival applies).
    private func timestamp(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ found: JSONFound,
        path: String
    ) -> Result<Double?, Failure> {
        switch found {
        case .null:
            return .success(nil)
        case .number(let range):
            if let number = PayloadText.number(bytes, range, json: true), number.isFinite {
                return .success(TimestampParser.unixSeconds(fromNumber: number))
            }
        case .string(let range, let hasEscapes):
            let seconds: Double? =
                if hasEscapes {
                    JSONStringDecoder.decode(bytes, range).withUnsafeBufferPointer { parseTimeText($0, 0..<$0.count) }
                } else {
                    parseTimeText(bytes, range)
                }
            if let seconds { return .success(seconds) }
            return .failure(
                Failure(
                    reason: .badTimestamp, detail: "time \(Self.quoted(bytes, range)) at '\(path)' is not a timestamp")
            )
        case .nonFinite, .bool, .object, .array:
            break
        }
        return .failure(Failure(reason: .badTimestamp, detail: "time at '\(path)' is not a timestamp"))
    }

    private func parseTimeText(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        let range = PayloadText.trimmed(bytes, range)
        if let seconds = TimestampParser.parseRFC3339(bytes, range, localTime: localTime) { return seconds }
        if let number = PayloadText.number(bytes, range, json: false), number.isFinite {
            return TimestampParser.unixSeconds(fromNumber: number)
        }
        return nil
    }

    /// The text in `range` for a message, quoted and cut to 40 characters.
    static func quoted(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        let shown = text.count > 40 ? String(text.prefix(40)) + "…" : text
        return "'\(shown)'"
    }
}
