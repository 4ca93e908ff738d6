import Yams

extension TwinFileParser {
    static let anomalyKeys = [
        "deviation_threshold", "drift_threshold", "stuck_steps", "dropout_intervals", "disabled",
    ]

    /// Parses an `anomalies:` section (twin level or zone level) at `field`.
    static func parseAnomalies(_ node: Node, field: String, reader: YAMLNodeReader) throws(TwinFileError)
        -> AnomalySettings
    {
        let fields = try reader.fields(node, field: field, allowed: anomalyKeys)
        var settings = AnomalySettings()
        if let value = fields["deviation_threshold"] {
            let threshold = try reader.number(value, field: fields.path("deviation_threshold"))
            guard threshold >= 0.9, threshold < 1 else {
                throw reader.error(
                    value, fields.path("deviation_threshold"),
                    "deviation_threshold is a score in [0.9, 1), got \(threshold)")
            }
            settings.deviationThreshold = threshold
        }
        if let value = fields["drift_threshold"] {
            let threshold = try reader.number(value, field: fields.path("drift_threshold"))
            guard threshold >= 2, threshold <= 100 else {
                throw reader.error(
                    value, fields.path("drift_threshold"),
                    "drift_threshold is in standard deviations, 2...100, got \(threshold)")
            }
            settings.driftThreshold = threshold
        }
        if let value = fields["stuck_steps"] {
            let steps = try reader.number(value, field: fields.path("stuck_steps"))
            guard steps >= 2, steps <= 10_000, steps.rounded() == steps else {
                throw reader.error(
                    value, fields.path("stuck_steps"), "stuck_steps is a whole number of steps, 2...10000, got \(steps)"
                )
            }
            settings.stuckSteps = Int(steps)
        }
        if let value = fields["dropout_intervals"] {
            let intervals = try reader.number(value, field: fields.path("dropout_intervals"))
            guard intervals >= 1.5, intervals <= 1_000 else {
                throw reader.error(
                    value, fields.path("dropout_intervals"),
                    "dropout_intervals is a number of missed reporting intervals, 1.5...1000, got \(intervals)")
            }
            settings.dropoutIntervals = intervals
        }
        if let value = fields["disabled"] {
            let items = try reader.list(value, field: fields.path("disabled"))
            for (index, item) in items.enumerated() {
                let itemField = fields.path("disabled[\(index)]")
                let name = try reader.string(item, field: itemField, expected: "a detector name")
                guard AnomalySettings.kindNames.contains(name) else {
                    let known = AnomalySettings.kindNames.joined(separator: ", ")
                    throw reader.error(item, itemField, "'\(name)' is not a detector (one of \(known))")
                }
                settings.disabled.insert(name)
            }
        }
        return settings
    }
}
