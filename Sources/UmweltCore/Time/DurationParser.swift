/// Parses and formats the durations of twin files: `90` (seconds), `300s`, `5m`, `1h`, `7d`,
/// and compounds such as `1h30m`.
public enum DurationParser {
    /// The duration in whole seconds, or nil when `text` is not a duration.
    ///
    /// A bare integer means seconds. Units: `s`, `m`, `h`, `d`; parts must come in that
    /// order from largest to smallest (`1h30m`, not `30m1h`). No signs, no fractions.
    public static func seconds(_ text: String) -> Int? {
        let bytes = Array(text.utf8)
        if bytes.isEmpty { return nil }
        var total = 0
        var index = 0
        var lastUnitSeconds = Int.max
        var sawUnit = false
        while index < bytes.count {
            var number = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                let (product, overflowMultiply) = number.multipliedReportingOverflow(by: 10)
                let (sum, overflowAdd) = product.addingReportingOverflow(Int(bytes[index] - UInt8(ascii: "0")))
                if overflowMultiply || overflowAdd { return nil }
                number = sum
                digits += 1
                index += 1
            }
            if digits == 0 { return nil }
            if index == bytes.count {
                // A trailing bare number is seconds only when it is the whole text.
                return sawUnit ? nil : number
            }
            guard let unitSeconds = unitSeconds(bytes[index]), unitSeconds < lastUnitSeconds else { return nil }
            index += 1
            lastUnitSeconds = unitSeconds
            sawUnit = true
            let (part, overflowPart) = number.multipliedReportingOverflow(by: unitSeconds)
            let (sum, overflowSum) = total.addingReportingOverflow(part)
            if overflowPart || overflowSum { return nil }
            total = sum
        }
        return total
    }

    /// The duration in seconds, allowing one decimal number with a unit as well (`1.5h`,
    /// `0.5s`) besides everything `seconds(_:)` accepts; nil for anything else, zero, or
    /// a negative or non-finite value. For settings where fractions make sense (the
    /// daemon's configuration); twin files keep to whole seconds.
    public static func fractionalSeconds(_ text: String) -> Double? {
        if let whole = seconds(text) { return whole > 0 ? Double(whole) : nil }
        guard let last = text.utf8.last, let unit = unitSeconds(last) else { return nil }
        let number = text.utf8.dropLast()
        // Digits and one decimal point only: no signs, exponents, `nan` or `inf`.
        guard !number.isEmpty, number.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E }),
            number.filter({ $0 == 0x2E }).count <= 1,
            let value = Double(String(decoding: number, as: UTF8.self)), value.isFinite, value > 0
        else { return nil }
        return value * Double(unit)
    }

    /// The shortest text for `seconds` in the twin-file syntax: `5m`, `1h30m`, `45s`, `0s`.
    public static func format(seconds: Int) -> String {
        if seconds <= 0 { return "\(seconds)s" }
        var rest = seconds
        var text = ""
        for (unit, size) in [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    private static func unitSeconds(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "s"): 1
        case UInt8(ascii: "m"): 60
        case UInt8(ascii: "h"): 3_600
        case UInt8(ascii: "d"): 86_400
        default: nil
        }
    }
}
