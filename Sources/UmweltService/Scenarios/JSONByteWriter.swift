import Foundation

/// A minimal JSON writer into a byte buffer, for large documents (a 100-zone scenario answer
/// is about 20 MB): no intermediate strings, numbers written as fixed-point digits.
///
/// Output matches `JSONEncoder` with sorted keys for what it writes: strings escaped the same
/// way (including `\/`), numbers rounded to at most four decimals written as their shortest
/// decimal (`21`, `21.5`, `0.0001`), non-finite numbers as 0. The caller writes keys in
/// sorted order.
struct JSONByteWriter: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0
    /// Whether the writer allocated `base` (else it writes into the caller's buffer).
    private let owns: Bool
    /// A borrowed buffer was too small: what was written is incomplete.
    private(set) var overflowed = false

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = .allocate(capacity: self.capacity)
        owns = true
    }

    /// A writer into `buffer`, which it never outgrows (`overflowed` tells when it would have).
    init(into buffer: UnsafeMutableBufferPointer<UInt8>) {
        base = buffer.baseAddress ?? .allocate(capacity: 0)
        capacity = buffer.baseAddress == nil ? 0 : buffer.count
        owns = buffer.baseAddress == nil
    }

    deinit { if owns { base.deallocate() } }

    /// The document so far.
    var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    @inline(__always)
    private mutating func reserve(_ extra: Int) -> Bool {
        guard count + extra > capacity else { return true }
        guard owns else {
            overflowed = true
            return false
        }
        let grown = max(capacity * 2, count + extra)
        let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
        larger.update(from: base, count: count)
        base.deallocate()
        base = larger
        capacity = grown
        return true
    }

    @inline(__always)
    private mutating func append(_ byte: UInt8) {
        guard reserve(1) else { return }
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func append(_ source: UnsafeRawBufferPointer) {
        guard let start = source.baseAddress, source.count > 0, reserve(source.count) else { return }
        (base + count).update(from: start.assumingMemoryBound(to: UInt8.self), count: source.count)
        count += source.count
    }

    mutating func raw(_ byte: UInt8) { append(byte) }

    mutating func raw(_ other: [UInt8]) {
        other.withUnsafeBytes { append($0) }
    }

    mutating func raw(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// `"key":`, with a leading comma unless `first`.
    mutating func key(_ name: String, first: Bool = false) {
        if !first { append(UInt8(ascii: ",")) }
        string(name)
        append(UInt8(ascii: ":"))
    }

    /// A JSON string, escaped like `JSONEncoder` does.
    mutating func string(_ text: String) {
        append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): raw("\\\"")
            case UInt8(ascii: "\\"): raw("\\\\")
            case UInt8(ascii: "/"): raw("\\/")
            case 0x0A: raw("\\n")
            case 0x0D: raw("\\r")
            case 0x09: raw("\\t")
            case 0x08: raw("\\b")
            case 0x0C: raw("\\f")
            case 0..<0x20:
                raw("\\u00")
                append(Self.hex[Int(byte >> 4)])
                append(Self.hex[Int(byte & 0x0F)])
            default: append(byte)
            }
        }
        append(UInt8(ascii: "\""))
    }

    /// The bytes of `text` as a JSON string (for values written many times, e.g. point times).
    static func encoded(_ text: String) -> [UInt8] {
        var writer = JSONByteWriter(capacity: text.utf8.count + 2)
        writer.string(text)
        return writer.bytes
    }

    mutating func integer(_ value: Int) {
        if value < 0 { append(UInt8(ascii: "-")) }
        digits(value.magnitude)
    }

    /// `value` rounded to four decimals, shortest form.
    mutating func number(_ value: Double) {
        guard value.isFinite else {
            append(UInt8(ascii: "0"))
            return
        }
        guard abs(value) < 1e14 else {
            raw(Array(Self.largeNumber(value).utf8))
            return
        }
        let scaled = Int64((value * 10_000).rounded())
        if scaled == 0 {
            append(UInt8(ascii: "0"))
            return
        }
        // Digits right to left into a 24-byte scratch, then one append.
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var end = 24
            var magnitude = scaled.magnitude
            var fraction = Int(magnitude % 10_000)
            magnitude /= 10_000
            if fraction != 0 {
                var width = 4
                while fraction % 10 == 0 {
                    fraction /= 10
                    width -= 1
                }
                for _ in 0..<width {
                    end -= 1
                    buffer[end] = UInt8(ascii: "0") + UInt8(fraction % 10)
                    fraction /= 10
                }
                end -= 1
                buffer[end] = UInt8(ascii: ".")
            }
            repeat {
                end -= 1
                buffer[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if scaled < 0 {
                end -= 1
                buffer[end] = UInt8(ascii: "-")
            }
            append(UnsafeRawBufferPointer(rebasing: buffer[end...]))
        }
    }

    /// Decimal digits of `value` (no sign).
    private mutating func digits(_ value: UInt) {
        if value < 10 {
            append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &buffer) { scratch in
            while rest > 0 {
                scratch[23 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            }
            append(UnsafeRawBufferPointer(rebasing: scratch[(24 - count)...]))
        }
    }

    private static func largeNumber(_ value: Double) -> String {
        let integral = value.rounded()
        if let exact = Int64(exactly: integral) { return String(exact) }
        return "\(value)"
    }

    private static let hex = Array("0123456789abcdef".utf8)
}
