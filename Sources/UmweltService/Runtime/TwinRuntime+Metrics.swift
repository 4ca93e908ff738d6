import UmweltCore
import WorldModel

extension TwinRuntime {
    /// Feeds the metrics of closed steps: update time, steps learned, anomalies opened and
    /// the live error of earlier forecasts for these steps (then remembers the new ones).
    func recordMetrics(_ reports: [StepReport], duration: Duration) {
        guard let metrics = statistics.metrics else { return }
        metrics.stepUpdate(twin: definition.id, duration: duration)
        metrics.stepsLearned(twin: definition.id, count: reports.count)
        for report in reports {
            for event in report.events where event.phase == .opened {
                metrics.anomaly(kind: event.kind.rawValue, quantity: event.quantity.name)
            }
            for error in forecastScorer.score(report.step) {
                metrics.forecastError(error)
            }
            forecastScorer.issue(report.forecasts)
        }
    }
}
