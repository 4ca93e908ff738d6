import Foundation

/// The pending forecasts of one calibration anchor: a fixed number of slots, each empty or
/// holding one `PendingForecast`, stored as 32-byte cores plus the regressors as `Float`s in
/// one flat array (only once a forecast with regressors is stored: occupancy calibrators have
/// none). Encoded as flat columns (the numbers' bytes in base64), without a key per forecast.
struct PendingForecastRing: Sendable, Hashable {
    /// The target of an empty slot.
    private static let empty = Int.min

    private var cores: [PendingForecast.Core]
    /// Regressor lanes per slot in `lanes` (the most any stored forecast had).
    private var lanesPerSlot = 0
    private var lanes: [Float] = []

    private static let emptyCore = PendingForecast.Core(
        target: empty, persistence: 0, modelChange: 0, blendedChange: 0)

    init(capacity: Int) {
        cores = Array(repeating: Self.emptyCore, count: max(0, capacity))
    }

    var count: Int { cores.count }
    var isEmpty: Bool { cores.isEmpty }

    subscript(slot: Int) -> PendingForecast? {
        get {
            let core = cores[slot]
            guard core.target != Self.empty else { return nil }
            var values = SIMD8<Float>()
            for j in 0..<min(Int(core.laneCount), lanesPerSlot) { values[j] = lanes[slot * lanesPerSlot + j] }
            return PendingForecast(core: core, lanes: values)
        }
        set {
            // An empty slot and unused lanes hold zeros: equal rings encode and compare equal.
            guard let forecast = newValue else {
                cores[slot] = Self.emptyCore
                for j in 0..<lanesPerSlot { lanes[slot * lanesPerSlot + j] = 0 }
                return
            }
            cores[slot] = forecast.core
            let n = Int(forecast.core.laneCount)
            if n > lanesPerSlot { widen(to: n) }
            for j in 0..<lanesPerSlot { lanes[slot * lanesPerSlot + j] = j < n ? forecast.lanes[j] : 0 }
        }
    }

    /// Re-lays `lanes` out with `n` lanes per slot, keeping every stored regressor.
    private mutating func widen(to n: Int) {
        var widened = [Float](repeating: 0, count: cores.count * n)
        for slot in cores.indices {
            for j in 0..<lanesPerSlot { widened[slot * n + j] = lanes[slot * lanesPerSlot + j] }
        }
        lanes = widened
        lanesPerSlot = n
    }
}

extension PendingForecastRing: Codable {
    private enum CodingKeys: String, CodingKey {
        case capacity, slots, targets, persistence, changes, weights, laneCounts, lanesPerSlot, lanes
    }

    /// Decodes the columns of the occupied slots (`encode(to:)`), checking that they agree.
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let capacity = try container.decode(Int.self, forKey: .capacity)
        let slots = try container.decode([Int].self, forKey: .slots)
        let targets = try container.decode([Int].self, forKey: .targets)
        let persistence = try Self.doubles(container.decode(String.self, forKey: .persistence), decoder)
        let changes = try Self.floats(container.decode(String.self, forKey: .changes), decoder)
        let weights = try container.decode([UInt16].self, forKey: .weights)
        let laneCounts = try container.decode([UInt8].self, forKey: .laneCounts)
        let width = try container.decode(Int.self, forKey: .lanesPerSlot)
        let lanes = try Self.floats(container.decode(String.self, forKey: .lanes), decoder)
        let n = slots.count
        guard capacity >= 0, capacity <= 1 << 20, targets.count == n, persistence.count == n,
            changes.count == 3 * n, weights.count == n, laneCounts.count == n, width >= 0,
            width <= PendingForecast.maximumRegressors, lanes.count == n * width,
            laneCounts.allSatisfy({ Int($0) <= width }), slots.allSatisfy({ $0 >= 0 && $0 < capacity }),
            Set(slots).count == n, !targets.contains(Self.empty)
        else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "inconsistent pending forecast columns"))
        }
        self.init(capacity: capacity)
        if width > 0 { widen(to: width) }
        for (i, slot) in slots.enumerated() {
            cores[slot] = PendingForecast.Core(
                target: targets[i], persistence: persistence[i], modelChange: changes[3 * i],
                blendedChange: changes[3 * i + 1], weightedChange: changes[3 * i + 2], weight: weights[i],
                laneCount: laneCounts[i])
            for j in 0..<width { self.lanes[slot * width + j] = lanes[i * width + j] }
        }
    }

    /// Encodes the capacity and, for the occupied slots only, one flat column per field
    /// (no key per forecast, nothing for an empty slot).
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        let occupied = cores.indices.filter { cores[$0].target != Self.empty }
        try container.encode(cores.count, forKey: .capacity)
        try container.encode(occupied, forKey: .slots)
        try container.encode(occupied.map { cores[$0].target }, forKey: .targets)
        try container.encode(Self.base64(occupied.map { cores[$0].persistence.bitPattern }), forKey: .persistence)
        try container.encode(
            Self.base64(
                occupied.flatMap {
                    [
                        cores[$0].modelChange.bitPattern, cores[$0].blendedChange.bitPattern,
                        cores[$0].weightedChange.bitPattern,
                    ]
                }),
            forKey: .changes)
        try container.encode(occupied.map { cores[$0].weight }, forKey: .weights)
        try container.encode(occupied.map { cores[$0].laneCount }, forKey: .laneCounts)
        try container.encode(lanesPerSlot, forKey: .lanesPerSlot)
        try container.encode(
            Self.base64(
                occupied.flatMap { slot in (0..<lanesPerSlot).map { lanes[slot * lanesPerSlot + $0].bitPattern } }),
            forKey: .lanes)
    }

    /// Little-endian bytes of `values`, base64: exact, and a third of the size of decimal text.
    private static func base64<T: FixedWidthInteger>(_ values: [T]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values {
            var little = value.littleEndian
            withUnsafeBytes(of: &little) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }

    private static func integers<T: FixedWidthInteger>(_ text: String, _ decoder: any Decoder) throws -> [T] {
        let size = MemoryLayout<T>.size
        guard let data = Data(base64Encoded: text), data.count % size == 0 else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid base64 pending forecast column"))
        }
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: size).map { start in
            var value: T = 0
            withUnsafeMutableBytes(of: &value) { target in
                for i in 0..<size { target[i] = bytes[start + i] }
            }
            return T(littleEndian: value)
        }
    }

    private static func doubles(_ text: String, _ decoder: any Decoder) throws -> [Double] {
        try (integers(text, decoder) as [UInt64]).map(Double.init(bitPattern:))
    }

    private static func floats(_ text: String, _ decoder: any Decoder) throws -> [Float] {
        try (integers(text, decoder) as [UInt32]).map(Float.init(bitPattern:))
    }
}
