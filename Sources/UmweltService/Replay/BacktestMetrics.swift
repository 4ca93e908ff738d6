import Foundation
import UmweltCore
import WorldModel

/// Scores of a backtest per quantity (pooled over zones) and horizon, with persistence
/// scored on the same pairs.
public struct BacktestMetrics: Sendable, Codable {
    public struct Score: Sendable, Codable, Hashable {
        public var horizon: Int
        public var n: Int
        public var mae: Double
        public var rmse: Double
        /// Fraction of observations inside [p10, p90]; meaningless (written as null in JSON, `n/a`
        /// in the table) when `hasInterval` is false.
        public var coverage: Double
        /// Whether the forecasts carry an interval (p10 < p90); occupancy probabilities do not.
        public var hasInterval = true
        public var persistenceMAE: Double
        public var persistenceRMSE: Double
        /// Occupancy only: Brier score of the presence probability, its accuracy at 0.5, and persistence's.
        public var brier: Double?
        public var accuracy: Double?
        public var persistenceBrier: Double?

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(horizon, forKey: .horizon)
            try container.encode(n, forKey: .n)
            try container.encode(mae, forKey: .mae)
            try container.encode(rmse, forKey: .rmse)
            try container.encode(hasInterval ? coverage : nil, forKey: .coverage)
            try container.encode(hasInterval, forKey: .hasInterval)
            try container.encode(persistenceMAE, forKey: .persistenceMAE)
            try container.encode(persistenceRMSE, forKey: .persistenceRMSE)
            try container.encodeIfPresent(brier, forKey: .brier)
            try container.encodeIfPresent(accuracy, forKey: .accuracy)
            try container.encodeIfPresent(persistenceBrier, forKey: .persistenceBrier)
        }
    }

    public var twin: String
    public var elapsedSeconds: Double
    public var origins: Int
    public var messages: Int
    public var rejected: Int
    public var quantities: [String: [Score]]

    public init(outcome: Backtest.Outcome, twin: String) {
        self.twin = twin
        elapsedSeconds = outcome.elapsedSeconds
        origins = outcome.origins
        messages = outcome.messages
        rejected = outcome.rejected
        // Indoor zones pool per quantity; the outdoor zone is reported on its own
        // (`outdoor/temperature`), so weather does not blur the building's scores.
        let outdoor = Set(outcome.model.twin.zones.filter { $0.kind == .outdoor }.map(\.id))
        var grouped: [String: [Int: [Backtest.ForecastRow]]] = [:]
        for row in outcome.forecasts where row.observed != nil {
            let name = outdoor.contains(row.zone) ? "\(row.zone)/\(row.quantity)" : row.quantity
            grouped[name, default: [:]][row.horizon, default: []].append(row)
        }
        var quantities: [String: [Score]] = [:]
        for (quantity, byHorizon) in grouped {
            quantities[quantity] = byHorizon.keys.sorted().map { horizon in
                Self.score(byHorizon[horizon]!, horizon: horizon, isOccupancy: quantity == "occupancy")
            }
        }
        self.quantities = quantities
    }

    static func score(_ rows: [Backtest.ForecastRow], horizon: Int, isOccupancy: Bool) -> Score {
        var absolute = 0.0, squared = 0.0, covered = 0, persistenceAbsolute = 0.0, persistenceSquared = 0.0
        var correct = 0, persistenceCount = 0, banded = 0
        for row in rows {
            if row.p90 > row.p10 { banded += 1 }
            let truth = row.observed!
            let error = row.mean - truth
            absolute += abs(error)
            squared += error * error
            if truth >= row.p10 && truth <= row.p90 { covered += 1 }
            if (row.mean >= 0.5) == (truth >= 0.5) { correct += 1 }
            if let last = row.persistence {
                persistenceCount += 1
                persistenceAbsolute += abs(last - truth)
                persistenceSquared += (last - truth) * (last - truth)
            }
        }
        let n = Double(max(rows.count, 1))
        let np = Double(max(persistenceCount, 1))
        return Score(
            horizon: horizon,
            n: rows.count,
            mae: absolute / n,
            rmse: (squared / n).squareRoot(),
            coverage: Double(covered) / n,
            hasInterval: banded > 0,
            persistenceMAE: persistenceAbsolute / np,
            persistenceRMSE: (persistenceSquared / np).squareRoot(),
            brier: isOccupancy ? squared / n : nil,
            accuracy: isOccupancy ? Double(correct) / n : nil,
            persistenceBrier: isOccupancy ? persistenceSquared / np : nil
        )
    }

    /// A table for people: one line per quantity and horizon.
    public func table(stepSeconds: Int) -> String {
        var lines = [
            "backtest \(twin): \(origins) origins, \(messages) messages (\(rejected) rejected), "
                + String(format: "%.2f s", elapsedSeconds),
            "quantity              horizon      n        MAE   persist.MAE       RMSE   coverage     Brier  persist.Brier",
        ]
        for quantity in quantities.keys.sorted() {
            for score in quantities[quantity]! {
                let minutes = score.horizon * stepSeconds / 60
                let horizon = minutes >= 60 && minutes % 60 == 0 ? "\(minutes / 60) h" : "\(minutes) min"
                var line = quantity.padding(toLength: 20, withPad: " ", startingAt: 0)
                line += horizon.leftPadded(9) + String(score.n).leftPadded(7)
                line += String(format: "%11.4f %13.4f %10.4f", score.mae, score.persistenceMAE, score.rmse)
                line += score.hasInterval ? String(format: " %10.3f", score.coverage) : "        n/a"
                if let brier = score.brier, let persistence = score.persistenceBrier {
                    line += String(format: " %9.4f %14.4f", brier, persistence)
                }
                lines.append(line)
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

extension Backtest.Outcome {
    /// Writes forecasts.csv, anomalies.csv and metrics.json into `directory`.
    public func write(to directory: String, metrics: BacktestMetrics) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var forecastsText = "origin,zone,quantity,horizon,target,mean,p10,p50,p90,observed\n"
        for row in forecasts {
            forecastsText +=
                "\(formatTime(row.origin)),\(row.zone),\(row.quantity),\(row.horizon),\(formatTime(row.target)),"
            forecastsText += "\(number(row.mean)),\(number(row.p10)),\(number(row.p50)),\(number(row.p90)),"
            forecastsText += row.observed.map(number) ?? ""
            forecastsText += "\n"
        }
        try forecastsText.write(toFile: directory + "/forecasts.csv", atomically: true, encoding: .utf8)
        var anomaliesText = "time,zone,quantity,value,score,kind\n"
        for row in anomalies {
            anomaliesText +=
                "\(formatTime(row.time)),\(row.zone),\(row.quantity),\(number(row.value)),\(number(row.score)),\(row.kind)\n"
        }
        try anomaliesText.write(toFile: directory + "/anomalies.csv", atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(metrics).write(to: URL(fileURLWithPath: directory + "/metrics.json"))
    }

    private func formatTime(_ time: Double) -> String { formatRFC3339(time) }

    /// The shortest text that reads back as the same `Double`, so that scores recomputed from
    /// the CSV files equal those in metrics.json exactly (6 significant digits flipped
    /// coverage where an observation sat on a quantile).
    private func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : String(format: "%g", value)
    }
}
