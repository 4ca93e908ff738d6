import UmweltCore

/// A strftime-like pattern for the times of a spreadsheet or BMS export that is not ISO 8601:
/// `%d.%m.%Y %H:%M` (German), `%m/%d/%Y %I:%M %p` (US), `%d/%m/%y %H:%M:%S`.
///
/// Directives: `%Y` (4-digit year), `%y` (2-digit, 2000–2099), `%m`, `%d`, `%H` (0–23),
/// `%I` (1–12, with `%p` AM/PM), `%M`, `%S` (optionally followed by a fraction `.123`),
/// `%p`, `%%`. Numbers may have one or two digits (`1.2.2026 7:05`) except `%Y`. Any other
/// character must match itself. The time is local time in the importer's time zone.
struct TimeFormat: Sendable, Hashable {
    private enum Piece: Hashable {
        case year, shortYear, month, day, hour, hour12, minute, second, meridiem
        case literal(UInt8)
    }

    private let pieces: [Piece]
    let pattern: String

    /// Nil when `pattern` has an unknown directive or lacks a year, month, day, hour or minute.
    init?(_ pattern: String) {
        var pieces: [Piece] = []
        var bytes = pattern.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%") else {
                pieces.append(.literal(byte))
                continue
            }
            switch bytes.next() {
            case UInt8(ascii: "Y"): pieces.append(.year)
            case UInt8(ascii: "y"): pieces.append(.shortYear)
            case UInt8(ascii: "m"): pieces.append(.month)
            case UInt8(ascii: "d"): pieces.append(.day)
            case UInt8(ascii: "H"): pieces.append(.hour)
            case UInt8(ascii: "I"): pieces.append(.hour12)
            case UInt8(ascii: "M"): pieces.append(.minute)
            case UInt8(ascii: "S"): pieces.append(.second)
            case UInt8(ascii: "p"): pieces.append(.meridiem)
            case UInt8(ascii: "%"): pieces.append(.literal(UInt8(ascii: "%")))
            default: return nil
            }
        }
        let hasYear = pieces.contains(.year) || pieces.contains(.shortYear)
        let hasHour = pieces.contains(.hour) || (pieces.contains(.hour12) && pieces.contains(.meridiem))
        guard hasYear, pieces.contains(.month), pieces.contains(.day), hasHour, pieces.contains(.minute) else {
            return nil
        }
        self.pieces = pieces
        self.pattern = pattern
    }

    /// Unix seconds of `text`, read as local time in `timeZone`; nil when it does not match.
    func parse(_ text: String, timeZone: TimeZoneOffsets) -> Double? {
        let bytes = Array(text.utf8)
        var index = 0
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var pm: Bool?
        func number(maxDigits: Int, minDigits: Int = 1) -> Int? {
            var value = 0
            var digits = 0
            while digits < maxDigits, index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                value = value * 10 + Int(bytes[index] - 0x30)
                digits += 1
                index += 1
            }
            return digits >= minDigits ? value : nil
        }
        for piece in pieces {
            switch piece {
            case .year: guard let v = number(maxDigits: 4, minDigits: 4) else { return nil }; year = v
            case .shortYear: guard let v = number(maxDigits: 2, minDigits: 2) else { return nil }; year = 2000 + v
            case .month: guard let v = number(maxDigits: 2), (1...12).contains(v) else { return nil }; month = v
            case .day: guard let v = number(maxDigits: 2), (1...31).contains(v) else { return nil }; day = v
            case .hour: guard let v = number(maxDigits: 2), v < 24 else { return nil }; hour = v
            case .hour12: guard let v = number(maxDigits: 2), (1...12).contains(v) else { return nil }; hour = v % 12
            case .minute: guard let v = number(maxDigits: 2), v < 60 else { return nil }; minute = v
            case .second:
                guard let v = number(maxDigits: 2), v < 61 else { return nil }
                second = min(v, 59)
                if index < bytes.count, bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    var scale = 0.1
                    let start = index
                    while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                        fraction += Double(bytes[index] - 0x30) * scale
                        scale /= 10
                        index += 1
                    }
                    if index == start { return nil }
                }
            case .meridiem:
                guard index + 1 < bytes.count else { return nil }
                let first = bytes[index] | 0x20
                guard bytes[index + 1] | 0x20 == UInt8(ascii: "m"),
                    first == UInt8(ascii: "a") || first == UInt8(ascii: "p")
                else { return nil }
                pm = first == UInt8(ascii: "p")
                index += 2
            case .literal(let byte):
                guard index < bytes.count, bytes[index] == byte else { return nil }
                index += 1
            }
        }
        guard index == bytes.count else { return nil }
        if let pm, pm { hour += 12 }
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let iso = "\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))"
        guard let seconds = TimestampParser.parseRFC3339(iso, localTime: timeZone) else { return nil }
        return seconds + fraction
    }
}
