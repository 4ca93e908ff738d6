/// The result of loading a twin's newest usable checkpoint.
public struct CheckpointLoad: Sendable {
    /// The newest checkpoint whose checksum verified.
    public var checkpoint: Checkpoint
    /// How many newer checkpoints were skipped because their checksum did not verify.
    public var skippedCorrupt: Int

    public init(checkpoint: Checkpoint, skippedCorrupt: Int) {
        self.checkpoint = checkpoint
        self.skippedCorrupt = skippedCorrupt
    }
}
