import UmweltCore

/// What the model did when one step closed: what it learned, what it now forecasts, how
/// surprising each observation was and which anomaly episodes changed.
public struct StepReport: Sendable {
    /// The step that was learned.
    public var step: ClosedStep
    /// Forecasts issued at the end of this step.
    public var forecasts: [SeriesForecast]
    /// A score for every series observed in this step (and for series in dropout).
    public var scores: [SeriesKey: AnomalyScore]
    /// Anomaly events opened, updated (score rose) or closed at this step.
    public var events: [AnomalyEvent]

    public init(
        step: ClosedStep,
        forecasts: [SeriesForecast],
        scores: [SeriesKey: AnomalyScore],
        events: [AnomalyEvent]
    ) {
        self.step = step
        self.forecasts = forecasts
        self.scores = scores
        self.events = events
    }
}
