/// Parses the timestamps sensors put in their payloads, without Foundation and without
/// allocating: RFC 3339 / ISO 8601 text and Unix seconds or milliseconds.
public enum TimestampParser {
    /// Numbers above this are Unix milliseconds, below it seconds (1e11 s is the year 5138).
    public static let millisecondsThreshold = 1e11

    /// Unix seconds of an RFC 3339 / ISO 8601 date-time, or nil when `text` is not one.
    ///
    /// Accepts `2026-01-12T06:00:00Z`, `2026-01-12T06:00:00.123+01:00`, `+0100`, `+01`, a
    /// space instead of `T`, and minutes without seconds. Text without an offset (Tasmota's
    /// `2026-01-12T06:00:00`) is local time in `localTime`'s zone.
    public static func parseRFC3339(_ text: String, localTime: TimeZoneOffsets = .utc) -> Double? {
        var text = text
        return text.withUTF8 { parseRFC3339($0, 0..<$0.count, localTime: localTime) }
    }

    /// Unix seconds from a numeric timestamp: seconds, or milliseconds when above 1e11.
    public static func unixSeconds(fromNumber number: Double) -> Double {
        number > millisecondsThreshold ? number / 1000 : number
    }

    /// The byte-level parser behind `parseRFC3339(_:localTime:)`.
    static func parseRFC3339(
        _ bytes: UnsafeBufferPointer<UInt8>,
        _ range: Range<Int>,
        localTime: TimeZoneOffsets
    ) -> Double? {
        var cursor = ByteCursor(bytes: bytes, index: range.lowerBound, end: range.upperBound)
        guard let year = cursor.digits(4), cursor.skip(UInt8(ascii: "-")),
            let month = cursor.digits(2), cursor.skip(UInt8(ascii: "-")),
            let day = cursor.digits(2),
            (1...12).contains(month), day >= 1, day <= CivilCalendar.daysInMonth(year: year, month: month)
        else { return nil }
        guard let separator = cursor.next(),
            separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == UInt8(ascii: " "),
            let hour = cursor.digits(2), cursor.skip(UInt8(ascii: ":")),
            let minute = cursor.digits(2),
            hour <= 23, minute <= 59
        else { return nil }
        var second = 0
        var fraction = 0.0
        if cursor.skip(UInt8(ascii: ":")) {
            guard let parsed = cursor.digits(2), parsed <= 60 else { return nil }
            second = parsed
            if cursor.skip(UInt8(ascii: ".")) || cursor.skip(UInt8(ascii: ",")) {
                guard let parsed = cursor.fraction() else { return nil }
                fraction = parsed
            }
        }
        let days = CivilCalendar.daysFromCivil(year: year, month: month, day: day)
        let wallSeconds = Double(days * 86_400 + hour * 3_600 + minute * 60 + second) + fraction
        guard let zone = cursor.next() else {
            return localTime.unixSeconds(fromLocalSeconds: wallSeconds)
        }
        let offsetSeconds: Int
        switch zone {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            offsetSeconds = 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard let offsetHours = cursor.digits(2), offsetHours <= 23 else { return nil }
            var offsetMinutes = 0
            if !cursor.isAtEnd {
                _ = cursor.skip(UInt8(ascii: ":"))
                guard let parsed = cursor.digits(2), parsed <= 59 else { return nil }
                offsetMinutes = parsed
            }
            let magnitude = offsetHours * 3_600 + offsetMinutes * 60
            offsetSeconds = zone == UInt8(ascii: "+") ? magnitude : -magnitude
        default:
            return nil
        }
        guard cursor.isAtEnd else { return nil }
        return wallSeconds - Double(offsetSeconds)
    }
}

/// Formats Unix seconds as RFC 3339 in UTC (`2026-01-12T05:00:00Z`), with milliseconds
/// (`2026-01-12T05:00:00.123Z`) when `fractional` is true.
///
/// Values beyond ±1e14 s (about three million years), NaN and infinities, which no date can
/// show, come back as the plain number.
public func formatRFC3339(_ unixSeconds: Double, fractional: Bool = false) -> String {
    guard unixSeconds.isFinite, abs(unixSeconds) < 1e14 else { return "\(unixSeconds)" }
    let totalMilliseconds = Int((unixSeconds * 1000).rounded(fractional ? .toNearestOrEven : .down))
    var milliseconds = totalMilliseconds % 86_400_000
    var days = totalMilliseconds / 86_400_000
    if milliseconds < 0 {
        milliseconds += 86_400_000
        days -= 1
    }
    let (year, month, day) = CivilCalendar.civilFromDays(days)
    let seconds = milliseconds / 1000
    var text = padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2)
    text += "T" + padded(seconds / 3_600, 2) + ":" + padded(seconds / 60 % 60, 2) + ":" + padded(seconds % 60, 2)
    if fractional { text += "." + padded(milliseconds % 1000, 3) }
    return text + "Z"
}

private func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// Reads fixed-width fields from a byte range.
private struct ByteCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int

    var isAtEnd: Bool { index >= end }

    mutating func next() -> UInt8? {
        guard index < end else { return nil }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func skip(_ byte: UInt8) -> Bool {
        guard index < end, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Exactly `count` decimal digits as an integer.
    mutating func digits(_ count: Int) -> Int? {
        guard end - index >= count else { return nil }
        var value = 0
        for offset in 0..<count {
            let digit = bytes[index + offset] &- UInt8(ascii: "0")
            guard digit <= 9 else { return nil }
            value = value * 10 + Int(digit)
        }
        index += count
        return value
    }

    /// One or more digits after a decimal point, as a fraction of a second (nanosecond precision).
    mutating func fraction() -> Double? {
        var numerator = 0
        var scale = 1
        var count = 0
        while index < end {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit <= 9 else { break }
            if count < 9 {
                numerator = numerator * 10 + Int(digit)
                scale *= 10
            }
            count += 1
            index += 1
        }
        return count == 0 ? nil : Double(numerator) / Double(scale)
    }
}
