/// What a closed step is processed for: a fresh forecast that someone reads, or learning only.
///
/// Both purposes learn exactly the same dynamics, occupancy chains and health state. They
/// differ in the forecasts: `.forecast` rolls every series out over the whole horizon at every
/// step, `.train` rolls out only as far as the calibrators need at that step (long anchor
/// horizons at sub-sampled origins, see `TwinModel.trainingStride(horizon:)`), so learning
/// through history (a backtest's warm-up, a replay after a restart) costs a fraction of it.
public enum StepPurpose: Sendable, Hashable {
    /// Learn, then issue the full-horizon forecast of every series (in the `StepReport`).
    case forecast
    /// Learn and keep the calibrators scored; the `StepReport` carries no forecasts.
    case train
    /// Of the steps one `advance` closes, only the newest forecasts; the earlier ones train.
    /// For a publisher of the newest forecast: a burst of history (a gateway's backlog, a fast
    /// replay) costs training, the step it ends on a full forecast.
    case forecastNewest
    /// Learn only: the dynamics (RLS), input profiles, occupancy chains and the health
    /// baselines (reporting intervals, typical ranges, flat shares); no calibration forecast is
    /// recorded or scored, no detector runs, the `StepReport` is empty. For history older than
    /// `ModelConfiguration.calibrationWindowSteps(stepSeconds:)` before the end of a warm-up (see
    /// `TwinModel.purpose(stepStart:historyEnd:)`): the calibrators' memory is shorter than
    /// that, so scoring those steps would not change the state the warm-up ends with.
    case learn
}
