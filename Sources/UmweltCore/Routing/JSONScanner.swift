/// A value the scanner found at a path: where it is in the payload, not a decoded copy.
enum JSONFound: Equatable {
    case number(Range<Int>)
    /// A `NaN`, `Infinity` or `-Infinity` token (not JSON, but Python's `json` writes them).
    case nonFinite
    case string(Range<Int>, hasEscapes: Bool)
    case bool(Bool)
    case null
    case object
    case array
}

/// Why a payload is not acceptable JSON.
enum JSONScanError: Error, Equatable {
    case invalid(String)
    case tooDeep(Int)
}

/// A validating single-pass JSON scanner that records where two dotted paths (a value and
/// an optional time) point, without building a document tree or allocating.
///
/// The whole payload is checked (a truncated message is invalid even if the path came
/// first). Input must already be valid UTF-8. Nesting is limited to `maxDepth` containers;
/// the recursion is bounded by it. With duplicate keys the last one wins.
struct JSONScanner {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private let maxDepth: Int
    private let valuePath: JSONPath?
    private let timePath: JSONPath?
    /// What `valuePath` points to, after `scan()`; nil when absent.
    private(set) var value: JSONFound?
    /// What `timePath` points to, after `scan()`; nil when absent.
    private(set) var time: JSONFound?

    init(bytes: UnsafeBufferPointer<UInt8>, valuePath: JSONPath?, timePath: JSONPath?, maxDepth: Int = 32) {
        self.bytes = bytes
        self.valuePath = valuePath
        self.timePath = timePath
        self.maxDepth = maxDepth
    }

    /// Scans the whole payload, filling `value` and `time`.
    mutating func scan() throws(JSONScanError) {
        try scanValue(depth: 0, onValuePath: valuePath != nil, onTimePath: timePath != nil)
        skipWhitespace()
        if index < bytes.count { throw unexpected("after the document") }
    }

    private mutating func scanValue(depth: Int, onValuePath: Bool, onTimePath: Bool) throws(JSONScanError) {
        skipWhitespace()
        guard index < bytes.count else { throw JSONScanError.invalid("unexpected end of payload") }
        let found: JSONFound
        switch bytes[index] {
        case UInt8(ascii: "{"):
            found = .object
            if depth + 1 > maxDepth { throw JSONScanError.tooDeep(maxDepth) }
            try scanObject(depth: depth, onValuePath: onValuePath, onTimePath: onTimePath)
        case UInt8(ascii: "["):
            found = .array
            if depth + 1 > maxDepth { throw JSONScanError.tooDeep(maxDepth) }
            try scanArray(depth: depth, onValuePath: onValuePath, onTimePath: onTimePath)
        case UInt8(ascii: "\""):
            let (range, hasEscapes) = try scanString()
            found = .string(range, hasEscapes: hasEscapes)
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            found = .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            found = .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            found = .null
        case UInt8(ascii: "N"):
            try expectLiteral("NaN")
            found = .nonFinite
        case UInt8(ascii: "I"):
            try expectLiteral("Infinity")
            found = .nonFinite
        case UInt8(ascii: "-") where index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "I"):
            index += 1
            try expectLiteral("Infinity")
            found = .nonFinite
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            found = .number(try scanNumber())
        default:
            throw unexpected("where a value should start")
        }
        if onValuePath, depth == valuePath?.count { value = found }
        if onTimePath, depth == timePath?.count { time = found }
    }

    private mutating func scanObject(depth: Int, onValuePath: Bool, onTimePath: Bool) throws(JSONScanError) {
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return
        }
        // Only keys of objects on a path need comparing.
        let checksValue = onValuePath && depth < (valuePath?.count ?? 0)
        let checksTime = onTimePath && depth < (timePath?.count ?? 0)
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw unexpected("where a key should start")
            }
            let (key, hasEscapes) = try scanString()
            let childOnValuePath = checksValue && keyMatches(key, hasEscapes, valuePath!.components[depth].key)
            let childOnTimePath = checksTime && keyMatches(key, hasEscapes, timePath!.components[depth].key)
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else {
                throw unexpected("where ':' should be")
            }
            index += 1
            try scanValue(depth: depth + 1, onValuePath: childOnValuePath, onTimePath: childOnTimePath)
            skipWhitespace()
            guard index < bytes.count else { throw JSONScanError.invalid("unexpected end of payload in an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return
            } else {
                throw unexpected("where ',' or '}' should be")
            }
        }
    }

    private mutating func scanArray(depth: Int, onValuePath: Bool, onTimePath: Bool) throws(JSONScanError) {
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return
        }
        let valueIndex = onValuePath && depth < (valuePath?.count ?? 0) ? valuePath!.components[depth].index : nil
        let timeIndex = onTimePath && depth < (timePath?.count ?? 0) ? timePath!.components[depth].index : nil
        var element = 0
        while true {
            try scanValue(depth: depth + 1, onValuePath: element == valueIndex, onTimePath: element == timeIndex)
            element += 1
            skipWhitespace()
            guard index < bytes.count else { throw JSONScanError.invalid("unexpected end of payload in an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
            } else if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return
            } else {
                throw unexpected("where ',' or ']' should be")
            }
        }
    }

    /// Scans a string starting at its opening quote; returns the range between the quotes.
    private mutating func scanString() throws(JSONScanError) -> (Range<Int>, hasEscapes: Bool) {
        index += 1
        let start = index
        var hasEscapes = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return (start..<index - 1, hasEscapes)
            }
            if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                index += 1
                guard index < bytes.count else { break }
                switch bytes[index] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    guard index + 4 < bytes.count,
                        (1...4).allSatisfy({ JSONStringDecoder.hexValue(bytes[index + $0]) != nil })
                    else { throw unexpected("in a \\u escape") }
                    index += 5
                default:
                    throw unexpected("after '\\' in a string")
                }
                continue
            }
            if byte < 0x20 { throw unexpected("(a control character) in a string") }
            index += 1
        }
        throw JSONScanError.invalid("unterminated string")
    }

    /// Scans a number with JSON's grammar; returns its range.
    private mutating func scanNumber() throws(JSONScanError) -> Range<Int> {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("in a number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("after a decimal point") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw unexpected("in an exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        return start..<index
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONScanError) {
        let count = literal.utf8CodeUnitCount
        let matches = literal.withUTF8Buffer { word in
            index + count <= bytes.count && (0..<count).allSatisfy { bytes[index + $0] == word[$0] }
        }
        guard matches else { throw unexpected("where a value should start") }
        index += count
    }

    private func keyMatches(_ range: Range<Int>, _ hasEscapes: Bool, _ key: [UInt8]) -> Bool {
        if hasEscapes {
            return JSONStringDecoder.decode(bytes, range) == key
        }
        guard range.count == key.count else { return false }
        for offset in 0..<key.count where bytes[range.lowerBound + offset] != key[offset] {
            return false
        }
        return true
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, PayloadText.isWhitespace(bytes[index]) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") <= 9
    }

    private func unexpected(_ context: String) -> JSONScanError {
        guard index < bytes.count else { return .invalid("unexpected end of payload") }
        let byte = bytes[index]
        let shown =
            byte >= 0x20 && byte < 0x7F ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
        return .invalid("unexpected \(shown) at offset \(index) \(context)")
    }
}
