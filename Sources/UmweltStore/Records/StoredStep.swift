/// One closed model step of a twin, stored as the model encoded it.
///
/// The store does not interpret `payload`: it is the world model's encoded `ClosedStep`
/// (JSON bytes). Steps are keyed by `(twin, start)`; saving a step with the same start replaces it.
public struct StoredStep: Sendable, Hashable, Codable {
    /// Start of the step, seconds since the Unix epoch.
    public var start: Double
    /// The encoded step, opaque to the store.
    public var payload: [UInt8]

    public init(start: Double, payload: [UInt8]) {
        self.start = start
        self.payload = payload
    }
}
