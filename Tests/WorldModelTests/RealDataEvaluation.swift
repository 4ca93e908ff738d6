import Foundation
import Testing
import UmweltCore

@testable import WorldModel

/// Forecast error on the development recordings in /work/shared/data, against persistence,
/// with the protocol of baselines.md (5-minute steps, horizons 1, 3, 6, 12, 48). Slow and
/// reads files: runs only when UMWELT_DATA_EVALUATION is set to the data folder.
@Suite struct RealDataEvaluation {
    static let folder = ProcessInfo.processInfo.environment["UMWELT_DATA_EVALUATION"]
    static let dumpFolder = ProcessInfo.processInfo.environment["UMWELT_DATA_DUMP"]

    static func writeDump(_ scores: [Quantity: Score], prefix: String) {
        guard let dumpFolder else { return }
        for (quantity, score) in scores {
            let text = "step,horizon,mean,persistence,p10,p90,observed,scored\n" + score.dump.joined(separator: "\n")
            try? text.write(toFile: "\(dumpFolder)/\(prefix)-\(quantity.name).csv", atomically: true, encoding: .utf8)
        }
    }

    /// The UCI office as the evaluations model it (one zone, topics are column letters).
    static let uciTwin: TwinDefinition = {
        let zones = [
            ZoneDefinition(
                id: "office",
                sensors: [
                    SensorBinding(quantity: .temperature, topic: "t"), SensorBinding(quantity: .humidity, topic: "h"),
                    SensorBinding(quantity: .illuminance, topic: "l"), SensorBinding(quantity: .co2, topic: "c"),
                    SensorBinding(quantity: .occupancy, topic: "o", occupancyKind: .presence),
                ]
            )
        ]
        return TwinDefinition(id: "uci", stepSeconds: 300, horizonSteps: 48, zones: zones)
    }()

    /// ROBOD room 1 as the evaluations model it (the room and the outside).
    static let robodTwin = TwinDefinition(
        id: "robod", timezone: "Asia/Singapore", stepSeconds: 300, horizonSteps: 48,
        zones: [
            ZoneDefinition(
                id: "outside", kind: .outdoor,
                sensors: [
                    SensorBinding(quantity: .temperature, topic: "ot"),
                    SensorBinding(quantity: .humidity, topic: "oh"),
                    SensorBinding(quantity: .co2, topic: "oc"), SensorBinding(quantity: .solar, topic: "os"),
                ]
            ),
            ZoneDefinition(
                id: "room",
                sensors: [
                    SensorBinding(quantity: .temperature, topic: "t"),
                    SensorBinding(quantity: .humidity, topic: "h"),
                    SensorBinding(quantity: .co2, topic: "c"), SensorBinding(quantity: .setpoint, topic: "s"),
                    SensorBinding(quantity: .hvac, topic: "f"), SensorBinding(quantity: .illuminance, topic: "l"),
                    SensorBinding(quantity: .occupancy, topic: "o", occupancyKind: .presence),
                ]
            ),
        ]
    )

    static let horizons = [1, 3, 6, 12, 48]

    struct Score {
        var model: [Int: Double] = [:]
        var persistence: [Int: Double] = [:]
        var count: [Int: Int] = [:]
        var pending: [Int: [Int: (Double, Double)]] = [:]
        var inside: [Int: Int] = [:]
        var band: [Int: [Int: (Double, Double)]] = [:]
        /// With UMWELT_DATA_DUMP set: every scored pair, `step,horizon,mean,persistence,p10,p90,observed,scored`.
        var dump: [String] = []

        mutating func take(_ report: StepReport, key: SeriesKey, scoreFrom: Double, brier: Bool = false) {
            let k = Int(report.step.start / 300)
            if let value = report.step.values[key]?.mean {
                let y = brier ? (value >= 0.5 ? 1.0 : 0.0) : value
                for h in RealDataEvaluation.horizons {
                    if RealDataEvaluation.dumpFolder != nil, let (f, p) = pending[h]?[k], let (lo, hi) = band[h]?[k] {
                        dump.append("\(k),\(h),\(f),\(p),\(lo),\(hi),\(y),\(report.step.start >= scoreFrom ? 1 : 0)")
                    }
                    if let (f, p) = pending[h]?[k], report.step.start >= scoreFrom {
                        model[h, default: 0] += brier ? (f - y) * (f - y) : abs(f - y)
                        persistence[h, default: 0] += brier ? (p - y) * (p - y) : abs(p - y)
                        count[h, default: 0] += 1
                        if let (lo, hi) = band[h]?[k], y >= lo && y <= hi { inside[h, default: 0] += 1 }
                    }
                    pending[h]?[k] = nil
                    band[h]?[k] = nil
                }
            }
            guard let forecast = report.forecasts.first(where: { $0.zone == key.zone && $0.quantity == key.quantity }),
                let now = report.step.values[key]?.mean
            else { return }
            let p = brier ? (now >= 0.5 ? 1.0 : 0.0) : now
            for h in RealDataEvaluation.horizons where h <= forecast.points.count {
                let point = forecast.points[h - 1]
                pending[h, default: [:]][k + h] = (point.mean, p)
                band[h, default: [:]][k + h] = (point.p10, point.p90)
            }
        }

        func line(_ name: String) -> String {
            var text = name.padding(toLength: 12, withPad: " ", startingAt: 0)
            for h in RealDataEvaluation.horizons {
                let n = Double(max(1, count[h] ?? 0))
                let m = (model[h] ?? 0) / n
                let p = (persistence[h] ?? 0) / n
                let c = Double(inside[h] ?? 0) / n
                text += String(format: " h%-2d %.4g/%.4g (%.2f)", h, m, p, c)
            }
            return text
        }
    }

    static func parseCSVLine(_ line: Substring) -> [String] {
        line.split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }

    @Test(.enabled(if: folder != nil)) func uciOffice() throws {
        // UMWELT_UCI_FILE and UMWELT_UCI_SCORE_FROM evaluate another UCI file (e.g. the held-out datatest.txt).
        let environment = ProcessInfo.processInfo.environment
        let file = environment["UMWELT_UCI_FILE"] ?? "datatraining.txt"
        let text = try String(contentsOfFile: Self.folder! + "/uci-occupancy/" + file, encoding: .utf8)
        let twin = Self.uciTwin
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let scoreFrom = formatter.date(from: environment["UMWELT_UCI_SCORE_FROM"] ?? "2015-02-08 00:00:00")!
            .timeIntervalSince1970
        var scores: [Quantity: Score] = [:]
        var uciEvents: [String: Int] = [:]
        let quantities: [(Int, Quantity)] = [
            (2, .temperature), (3, .humidity), (4, .illuminance), (5, .co2), (7, .occupancy),
        ]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = Self.parseCSVLine(line)
            guard fields.count >= 8, let time = formatter.date(from: fields[1])?.timeIntervalSince1970 else { continue }
            for (column, quantity) in quantities {
                guard let value = Double(fields[column]) else { continue }
                _ = model.ingest(
                    Reading(
                        zone: "office", quantity: quantity, time: time, value: value,
                        occupancyKind: quantity == .occupancy ? .presence : nil))
            }
            for report in model.advance(to: time) {
                for event in report.events where event.phase == .opened {
                    uciEvents["\(event.quantity.name)/\(event.kind.rawValue)", default: 0] += 1
                }
                for q in [Quantity.temperature, .humidity, .co2, .occupancy] {
                    scores[q, default: Score()].take(
                        report, key: SeriesKey(zone: "office", quantity: q), scoreFrom: scoreFrom,
                        brier: q == .occupancy)
                }
            }
        }
        for q in [Quantity.temperature, .humidity, .co2, .occupancy] { print(scores[q]!.line("uci " + q.name)) }
        Self.writeDump(scores, prefix: "uci")
        let uciDays = Double(model.stepsLearned) * 300 / 86_400
        let uciOpened = Double(uciEvents.values.reduce(0, +))
        print("uci events opened: \(uciEvents.sorted { $0.key < $1.key }), \(uciOpened / uciDays) per zone-day")
        print(model.parameters())
    }

    @Test(.enabled(if: folder != nil)) func robodLectureRoom() throws {
        let text = try String(contentsOfFile: Self.folder! + "/robod/combined_Room1.csv", encoding: .utf8)
        let lines = text.split(separator: "\n")
        let header = Self.parseCSVLine(lines[0])
        func column(_ name: String) -> Int { header.firstIndex(of: name)! }
        let twin = Self.robodTwin
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm xxx"
        let scoreFrom = formatter.date(from: "2021-09-22 00:00 +08:00")!.timeIntervalSince1970
        let map: [(String, String, Quantity)] = [
            ("air_temperature", "room", .temperature), ("indoor_relative_humidity", "room", .humidity),
            ("indoor_co2", "room", .co2), ("temp_setpoint", "room", .setpoint), ("fcu_fan_speed", "room", .hvac),
            ("illuminance", "room", .illuminance), ("occupant_presence", "room", .occupancy),
            ("dry_bulb_temp", "outside", .temperature), ("outdoor_relative_humidity", "outside", .humidity),
            ("outdoor_co2", "outside", .co2), ("global_horizontal_solar_radiation", "outside", .solar),
        ]
        let columns = map.map { (column($0.0), $0.1, $0.2) }
        var scores: [Quantity: Score] = [:]
        var events: [String: Int] = [:]
        for line in lines.dropFirst() {
            let fields = Self.parseCSVLine(line)
            guard let time = formatter.date(from: fields[0])?.timeIntervalSince1970 else { continue }
            for (c, zone, quantity) in columns {
                guard c < fields.count, var value = Double(fields[c]) else { continue }
                if quantity == .hvac { value = value / 3 }
                _ = model.ingest(
                    Reading(
                        zone: zone, quantity: quantity, time: time + 150, value: value,
                        occupancyKind: quantity == .occupancy ? .presence : nil))
            }
            for report in model.advance(to: time + 150) {
                for event in report.events where event.phase == .opened {
                    events["\(event.zone)/\(event.quantity.name)/\(event.kind.rawValue)", default: 0] += 1
                }
                for q in [Quantity.temperature, .humidity, .co2, .occupancy] {
                    scores[q, default: Score()].take(
                        report, key: SeriesKey(zone: "room", quantity: q), scoreFrom: scoreFrom, brier: q == .occupancy)
                }
            }
        }
        for q in [Quantity.temperature, .humidity, .co2, .occupancy] { print(scores[q]!.line("robod " + q.name)) }
        Self.writeDump(scores, prefix: "robod")
        let days = Double(model.stepsLearned) * 300 / 86_400
        let opened = Double(events.values.reduce(0, +))
        print("robod events opened: \(events.sorted { $0.key < $1.key }), \(opened / days / 2) per zone-day (2 zones)")
        print(model.parameters())
    }
}
