/// A snapshot of a twin's model state, stored as an opaque blob with a checksum.
///
/// The checksum is the 64-bit FNV-1a hash of `payload` (offset basis 0xcbf29ce484222325,
/// prime 0x100000001b3). It is stored in SQLite as the `Int64` with the same bit pattern.
/// Build checkpoints with ``make(twin:createdAt:modelVersion:lastStep:payload:)`` so the
/// checksum matches the payload.
public struct Checkpoint: Sendable, Hashable {
    /// The twin whose model this is.
    public var twin: String
    /// When the checkpoint was taken, seconds since the Unix epoch.
    public var createdAt: Double
    /// Version of the model's state encoding, so a loader can refuse or convert old formats.
    public var modelVersion: Int
    /// Start of the last step folded into this state, if any: replay stored steps after it.
    public var lastStep: Double?
    /// The encoded model state, opaque to the store.
    public var payload: [UInt8]
    /// FNV-1a 64 of `payload` as it was when the checkpoint was made.
    public var checksum: UInt64

    /// Creates a checkpoint with the given checksum; prefer ``make(twin:createdAt:modelVersion:lastStep:payload:)``.
    public init(
        twin: String,
        createdAt: Double,
        modelVersion: Int,
        lastStep: Double?,
        payload: [UInt8],
        checksum: UInt64
    ) {
        self.twin = twin
        self.createdAt = createdAt
        self.modelVersion = modelVersion
        self.lastStep = lastStep
        self.payload = payload
        self.checksum = checksum
    }

    /// Creates a checkpoint whose checksum is computed from `payload`.
    public static func make(
        twin: String,
        createdAt: Double,
        modelVersion: Int,
        lastStep: Double?,
        payload: [UInt8]
    ) -> Checkpoint {
        Checkpoint(
            twin: twin,
            createdAt: createdAt,
            modelVersion: modelVersion,
            lastStep: lastStep,
            payload: payload,
            checksum: Self.checksum(of: payload)
        )
    }

    /// The checksum of `payload`: its 64-bit FNV-1a hash.
    public static func checksum(of payload: [UInt8]) -> UInt64 {
        FNV1a64.hash(payload)
    }

    /// Whether `checksum` matches `payload` (false when the stored bytes were damaged).
    public var isIntact: Bool {
        Self.checksum(of: payload) == checksum
    }
}
