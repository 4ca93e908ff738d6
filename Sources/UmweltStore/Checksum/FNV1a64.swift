/// The 64-bit FNV-1a hash, used as the checkpoint checksum.
///
/// `h = 0xcbf29ce484222325; for each byte b: h = (h XOR b) * 0x100000001b3 (mod 2^64)`.
/// Not cryptographic: it detects accidental corruption (a flipped bit, a truncated blob), not tampering.
enum FNV1a64 {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// The FNV-1a 64 hash of `bytes`.
    static func hash(_ bytes: [UInt8]) -> UInt64 {
        var h = offsetBasis
        for byte in bytes {
            h ^= UInt64(byte)
            h &*= prime
        }
        return h
    }
}
