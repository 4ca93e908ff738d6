import Foundation

/// SplitMix64: a small seeded generator, so that every fuzz case reproduces from its
/// (seed, iteration) pair alone.
struct FuzzRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    /// The generator of one iteration, independent of every other iteration's.
    init(seed: UInt64, iteration: Int) {
        var mixer = FuzzRandom(seed: seed ^ (UInt64(iteration) &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func int(_ range: Range<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }

    mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &self) < probability
    }

    mutating func pick<Element>(_ items: [Element]) -> Element {
        items[int(0..<items.count)]
    }

    mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// The seed and iteration count of one fuzz test. `UMWELT_FUZZ_SEED` (decimal or 0x-hex)
/// and `UMWELT_FUZZ_ITERATIONS` override the defaults to replay or extend a run.
struct FuzzPlan {
    let seed: UInt64
    let iterations: Int

    init(seed defaultSeed: UInt64, iterations defaultIterations: Int) {
        let environment = ProcessInfo.processInfo.environment
        seed = environment["UMWELT_FUZZ_SEED"].flatMap(Self.parseSeed) ?? defaultSeed
        iterations = environment["UMWELT_FUZZ_ITERATIONS"].flatMap { Int($0) } ?? defaultIterations
    }

    /// What to print with a failure so that it reproduces.
    func reproduction(iteration: Int) -> String {
        "seed 0x\(String(seed, radix: 16)) iteration \(iteration) "
            + "(rerun with UMWELT_FUZZ_SEED=0x\(String(seed, radix: 16)) UMWELT_FUZZ_ITERATIONS=\(iteration + 1))"
    }

    private static func parseSeed(_ text: String) -> UInt64? {
        text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
    }
}

/// The resident set size of this process, from `/proc/self/statm` (Linux).
enum ProcessMemory {
    /// Resident bytes, or 0 where `/proc` is unavailable.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else {
            return 0
        }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Largest growth of the resident set a fuzz test may cause.
    static let maxGrowthBytes = 200 * 1_024 * 1_024
}

/// Byte-level mutations of valid inputs: flips, truncation, insertion, duplication, deletion.
enum FuzzMutator {
    /// Fragments that tend to reach edge cases of JSON, UTF-8 and number parsing.
    static let tokens: [[UInt8]] =
        [
            "\"", "\\", "{", "}", "[", "]", ",", ":", "\\u", "\\ud800", "\\udc00", "\\u0000", "1e999",
            "-0", "007",
            "NaN", "-Infinity", "null", "true", "nan", "inf", "1e-400", "0.", ".5", "+1", "\u{0}", "\t",
            "\n", " ",
            "\u{FEFF}", "é", "😀", "1768197600000", "2026-01-12T06:00:00Z", "3000-01-01T00:00:00Z",
            "-1e308",
        ].map { Array($0.utf8) } + [
            [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80],
        ]

    /// `bytes` with one to four random mutations.
    static func mutate(_ bytes: [UInt8], using random: inout FuzzRandom) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(random.chance(0.6) ? 1 : random.int(2...4)) {
            let position = bytes.isEmpty ? 0 : random.int(0...bytes.count)
            switch random.int(0..<7) {
            case 0 where !bytes.isEmpty:
                let index = random.int(0..<bytes.count)
                bytes[index] ^= UInt8(1) << UInt8(random.int(0..<8))
            case 1 where !bytes.isEmpty:
                bytes[random.int(0..<bytes.count)] = UInt8(
                    random.chance(0.8) ? random.int(0x20...0x7E) : random.int(0...255))
            case 2:
                bytes.removeSubrange(position...)
            case 3:
                bytes.insert(contentsOf: random.pick(tokens), at: position)
            case 4:
                bytes.insert(contentsOf: random.bytes(count: random.int(1...8)), at: position)
            case 5 where position < bytes.count:
                let end = min(bytes.count, position + random.int(1...64))
                let slice = Array(bytes[position..<end])
                for _ in 0..<random.int(1...3) { bytes.insert(contentsOf: slice, at: end) }
            default:
                guard position < bytes.count else { continue }
                bytes.removeSubrange(position..<min(bytes.count, position + random.int(1...16)))
            }
        }
        return bytes
    }
}

/// Input shown in a failure message: printable ASCII as is, the rest escaped, cut at 300.
func shown(_ bytes: [UInt8]) -> String {
    var text = ""
    for byte in bytes.prefix(300) {
        if byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") {
            text.append(Character(Unicode.Scalar(byte)))
        } else {
            text += "\\x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }
    }
    return bytes.count > 300 ? text + "… (\(bytes.count) bytes)" : text
}
