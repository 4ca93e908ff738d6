import Foundation

/// A minimal JSON writer into a byte buffer, for large documents (a 100-zone scenario answer
/// is about 20 MB): no intermediate strings, numbers written as fixed-point digits.
///
/// Output matches `JSONEncoder` with sorted keys for what it writes: strings escaped the same
/// way (including `\/`), numbers rounded to at most four decimals written as their shortest
/// decimal (`21`, `21.5`, `0.0001`; exact below 10¹¹, where x · 10⁴ is), non-finite numbers and
/// negative zero as 0. The caller writes keys in sorted order.
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

    mutating func raw(_ bytes: UnsafeRawBufferPointer) { append(bytes) }

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
        // At most 21 bytes: sign, 15 integer digits, point, 4 decimals. Written in place.
        guard reserve(24) else { return }
        var end = base + count
        if scaled < 0 {
            end.pointee = UInt8(ascii: "-")
            end += 1
        }
        let magnitude = scaled.magnitude
        var integral = magnitude / 10_000
        let fraction = Int(magnitude % 10_000)
        let pairs = Self.digitPairs.utf8Start
        var width = 1
        var bound: UInt64 = 10
        while integral >= bound && width < 19 {
            width += 1
            bound &*= 10
        }
        // Integer digits two at a time from the right.
        var k = width
        while integral >= 100 {
            let pair = Int(integral % 100) * 2
            integral /= 100
            k -= 2
            end[k] = pairs[pair]
            end[k + 1] = pairs[pair + 1]
        }
        if integral >= 10 {
            end[0] = pairs[Int(integral) * 2]
            end[1] = pairs[Int(integral) * 2 + 1]
        } else {
            end[0] = UInt8(ascii: "0") + UInt8(integral)
        }
        end += width
        if fraction != 0 {
            // All four decimals, then only up to the last that is not zero.
            end[0] = UInt8(ascii: ".")
            end[1] = pairs[(fraction / 100) * 2]
            end[2] = pairs[(fraction / 100) * 2 + 1]
            end[3] = pairs[(fraction % 100) * 2]
            end[4] = pairs[(fraction % 100) * 2 + 1]
            let decimals = fraction % 10 != 0 ? 4 : fraction % 100 != 0 ? 3 : fraction % 1_000 != 0 ? 2 : 1
            end += decimals + 1
        }
        count = end - base
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

    /// "00", "01", … "99" one after the other.
    private static let digitPairs: StaticString = """
        0001020304050607080910111213141516171819202122232425262728293031323334353637383940414243444546474849\
        5051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899
        """
}
