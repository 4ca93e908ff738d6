import Foundation
import UmweltCore
import WorldModel

extension TwinRuntime {
    /// The stored form of a closed step (the `steps` table, replayed after a restart): JSON of
    /// the shape `JSONEncoder` gives `ClosedStep`, written directly into bytes, since every
    /// step of a burst of history pays for it (JSONEncoder took about a quarter of the
    /// runtime's time in the replay-shape benchmark). `JSONDecoder` reads it back to an equal
    /// `ClosedStep`: numbers are Swift's shortest round-trip form. A step with a non-finite
    /// number has no stored form (nil), as `JSONEncoder` refuses it.
    nonisolated static func storedPayload(_ step: ClosedStep) -> [UInt8]? {
        guard step.start.isFinite else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32 + 110 * step.values.count)
        bytes.append(contentsOf: #"{"start":"#.utf8)
        appendNumber(step.start, to: &bytes)
        bytes.append(contentsOf: #","values":["#.utf8)
        var first = true
        for (key, value) in step.values {
            guard value.mean.isFinite, value.min.isFinite, value.max.isFinite, value.last.isFinite else { return nil }
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            bytes.append(contentsOf: #"{"quantity":"#.utf8)
            appendString(key.quantity.name, to: &bytes)
            bytes.append(contentsOf: #","zone":"#.utf8)
            appendString(key.zone, to: &bytes)
            bytes.append(contentsOf: #"},{"count":"#.utf8)
            bytes.append(contentsOf: String(value.count).utf8)
            bytes.append(contentsOf: #","last":"#.utf8)
            appendNumber(value.last, to: &bytes)
            bytes.append(contentsOf: #","max":"#.utf8)
            appendNumber(value.max, to: &bytes)
            bytes.append(contentsOf: #","mean":"#.utf8)
            appendNumber(value.mean, to: &bytes)
            bytes.append(contentsOf: #","min":"#.utf8)
            appendNumber(value.min, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
        }
        bytes.append(contentsOf: "]}".utf8)
        return bytes
    }

    /// A finite number in Swift's shortest round-trip form (`21.3`, `1e-07`, `1704067200.0`):
    /// valid JSON that parses back to the same `Double`.
    private nonisolated static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: value.description.utf8)
    }

    /// A JSON string: quote, backslash and control characters escaped, the rest as UTF-8.
    private nonisolated static func appendString(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): bytes.append(contentsOf: #"\\"#.utf8)
            case UInt8(ascii: "\n"): bytes.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): bytes.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): bytes.append(contentsOf: #"\t"#.utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: #"\u00"#.utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
