/// What `TwinModel.ingest(_:)` did with a reading.
public enum IngestOutcome: Sendable, Equatable {
    /// The reading went into its (open) step.
    case accepted
    /// The reading's step had already closed; it is not used.
    case late(stepStart: Double)
    /// No sensor of the twin feeds this zone and quantity.
    case unknownSeries
}
