/// Byte-level text primitives of the payload parser: UTF-8 validation, trimming, numbers
/// and boolean words. Nothing here allocates on the common path.
enum PayloadText {
    /// What a piece of text says as a value.
    enum Scalar: Equatable {
        case number(Double)
        /// `nan`, `inf`, `infinity` (any case, optional sign) or a number that overflows.
        case nonFinite
        case notANumber
    }

    /// Whether `bytes` is well-formed UTF-8 (no overlong forms, surrogates or code points
    /// above U+10FFFF). Checks eight ASCII bytes at a time.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index < count {
            if index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 == 0 {
                    index += 8
                    continue
                }
            }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard index + length <= count else { return false }
            let second = base[index + 1]
            guard second >= low, second <= high else { return false }
            for offset in 2..<length where base[index + offset] & 0xC0 != 0x80 {
                return false
            }
            index += length
        }
        return true
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// `range` without leading and trailing ASCII whitespace.
    static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, isWhitespace(bytes[lower]) { lower += 1 }
        while upper > lower, isWhitespace(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// Reads a decimal number filling all of `range`.
    ///
    /// `json: true` enforces JSON's grammar (no `+`, no leading zeros, digits on both sides
    /// of the point); otherwise `+5`, `05`, `.5` and `5.` are accepted. Hex, `nan` and `inf`
    /// are never numbers (`nan` and `inf` give `.nonFinite`).
    static func scalar(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, json: Bool) -> Scalar {
        if let value = number(bytes, range, json: json) {
            return value.isFinite ? .number(value) : .nonFinite
        }
        return isNonFiniteWord(bytes, range) ? .nonFinite : .notANumber
    }

    /// The number in `range`, or nil when the text is not a decimal number.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, json: Bool) -> Double? {
        var index = range.lowerBound
        let end = range.upperBound
        guard index < end else { return nil }
        var isNegative = false
        if bytes[index] == UInt8(ascii: "-") {
            isNegative = true
            index += 1
        } else if !json, bytes[index] == UInt8(ascii: "+") {
            index += 1
        }
        var mantissa = DecimalMantissa()
        let integerStart = index
        while index < end, let digit = digitValue(bytes[index]) {
            mantissa.append(digit, isFraction: false)
            index += 1
        }
        let integerDigits = index - integerStart
        if json, integerDigits == 0 || (integerDigits > 1 && bytes[integerStart] == UInt8(ascii: "0")) {
            return nil
        }
        var fractionDigits = 0
        if index < end, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < end, let digit = digitValue(bytes[index]) {
                mantissa.append(digit, isFraction: true)
                index += 1
                fractionDigits += 1
            }
            if fractionDigits == 0, json || integerDigits == 0 { return nil }
        }
        if integerDigits == 0, fractionDigits == 0 { return nil }
        if index < end, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            var exponentIsNegative = false
            if index < end, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                exponentIsNegative = bytes[index] == UInt8(ascii: "-")
                index += 1
            }
            var exponent = 0
            var exponentDigits = 0
            while index < end, let digit = digitValue(bytes[index]) {
                exponent = min(exponent * 10 + digit, 1_000_000)
                exponentDigits += 1
                index += 1
            }
            if exponentDigits == 0 { return nil }
            mantissa.exponent += exponentIsNegative ? -exponent : exponent
        }
        guard index == end else { return nil }
        if let value = mantissa.exactValue {
            return isNegative ? -value : value
        }
        // Rare: more than 15 significant digits or a large exponent. The grammar is
        // validated above, so the standard library's correctly rounded parser agrees.
        return Double(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self))
    }

    /// 1 or 0 for a boolean word (any case): on/off, true/false, open/closed,
    /// occupied/unoccupied, yes/no, detected/clear, 1/0.
    static func booleanWord(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        let count = range.count
        guard count >= 1, count <= 10 else { return nil }
        for (word, value) in booleanWords where word.count == count {
            var matches = true
            for offset in 0..<count where bytes[range.lowerBound + offset] | 0x20 != word[offset] {
                matches = false
                break
            }
            if matches { return value }
        }
        return nil
    }

    /// The accepted boolean words, lowercase (`| 0x20` lowercases ASCII letters and keeps digits).
    static let booleanWords: [([UInt8], Double)] = [
        ("on", 1), ("off", 0), ("true", 1), ("false", 0), ("open", 1), ("closed", 0),
        ("occupied", 1), ("unoccupied", 0), ("yes", 1), ("no", 0), ("detected", 1), ("clear", 0),
        ("1", 1), ("0", 0),
    ].map { (Array($0.0.utf8), $0.1) }

    private static let nonFiniteWords: [[UInt8]] = [Array("nan".utf8), Array("inf".utf8), Array("infinity".utf8)]

    private static func isNonFiniteWord(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        var lower = range.lowerBound
        if lower < range.upperBound, bytes[lower] == UInt8(ascii: "-") || bytes[lower] == UInt8(ascii: "+") {
            lower += 1
        }
        return nonFiniteWords.contains { word in
            word.count == range.upperBound - lower
                && word.indices.allSatisfy { bytes[lower + $0] | 0x20 == word[$0] }
        }
    }

    @inline(__always)
    private static func digitValue(_ byte: UInt8) -> Int? {
        let digit = byte &- UInt8(ascii: "0")
        return digit <= 9 ? Int(digit) : nil
    }
}

/// Decimal significand and exponent of a number being read, with Clinger's fast path:
/// up to 15 significant digits times a power of ten up to 1e22 is exact in a Double.
private struct DecimalMantissa {
    var digits: UInt64 = 0
    var significantDigits = 0
    var exponent = 0
    var isTruncated = false

    mutating func append(_ digit: Int, isFraction: Bool) {
        if digits == 0, digit == 0 {
            if isFraction { exponent -= 1 }
            return
        }
        if significantDigits < 19 {
            digits = digits * 10 + UInt64(digit)
            significantDigits += 1
            if isFraction { exponent -= 1 }
        } else {
            isTruncated = true
            if !isFraction { exponent += 1 }
        }
    }

    var exactValue: Double? {
        if digits == 0 { return 0 }
        guard !isTruncated, significantDigits <= 15, exponent >= -22, exponent <= 22 else { return nil }
        let value = Double(digits)
        return exponent < 0 ? value / Self.powersOfTen[-exponent] : value * Self.powersOfTen[exponent]
    }

    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]
}
