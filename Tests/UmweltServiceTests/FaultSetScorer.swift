import BuildingSimulator
import Foundation
import UmweltCore
import WorldModel

/// Scores anomaly events against labelled fault windows in the manner of the Numenta Anomaly
/// Benchmark (standard profile: true positive +1, false positive −0.11, false negative −1).
///
/// A fault's window is `[start, end + tolerance]` (the recovery after a fault, such as a
/// sensor jumping back from a drift, belongs to it). A fault is detected by the first event
/// opened in its zone inside the window; its reward is the scaled sigmoid
/// `2 / (1 + e^{5y}) − 1` of its relative position `y = (t − windowEnd) / windowLength`
/// (about 1 at the start, 0 at the end), so early detection earns more. Every episode opened
/// outside all windows of its zone is a false alarm. The normalised score is
/// `100 (raw − null) / (perfect − null)`, null being the detector that never fires.
struct FaultSetScorer {
    struct KindResult {
        var cases = 0
        var detected = 0
        var delaySeconds = 0.0
        var rawScore = 0.0
        var detectedBy: [String: Int] = [:]

        var rate: Double { cases == 0 ? 0 : Double(detected) / Double(cases) }
        var meanDelayMinutes: Double { detected == 0 ? .nan : delaySeconds / Double(detected) / 60 }
    }

    var toleranceSeconds = 3_600.0
    var stepSeconds = 300.0
    private(set) var byKind: [String: KindResult] = [:]
    private(set) var falseAlarms = 0
    private(set) var falseAlarmKinds: [String: Int] = [:]
    private(set) var rawScore = 0.0
    private(set) var cases = 0
    /// One line per missed fault: kind, zone, sensor, start (UTC) and the nearest events.
    private(set) var missedCases: [String] = []
    /// One line per false alarm: time (UTC), kind, explanation, the zone's fault before it.
    private(set) var falseAlarmCases: [String] = []

    /// Scores the opened events of one run against its faults.
    mutating func score(events: [AnomalyEvent], faults: [SimulatorFault]) {
        let opened = events.filter { $0.phase == .opened }
        for fault in faults {
            let windowEnd = fault.end + toleranceSeconds
            let length = windowEnd - fault.start
            let hit =
                opened
                .filter { $0.zone == fault.zone && $0.start >= fault.start - stepSeconds && $0.start <= windowEnd }
                .min { $0.start < $1.start }
            var result = byKind[fault.kind.name, default: KindResult()]
            result.cases += 1
            cases += 1
            if let hit {
                let y = (hit.start - windowEnd) / length
                let reward = 2 / (1 + exp(5 * y)) - 1
                result.detected += 1
                result.delaySeconds += max(0, hit.start + stepSeconds - fault.start)
                result.rawScore += reward
                result.detectedBy[hit.kind.rawValue, default: 0] += 1
                rawScore += reward
            } else {
                result.rawScore -= 1
                rawScore -= 1
                let near = opened.filter { $0.zone == fault.zone && abs($0.start - fault.start) < 6 * 3_600 }
                    .map { "\($0.kind.rawValue) at \(Self.minutes($0.start - fault.start))" }
                missedCases.append(
                    "\(fault.kind.name) \(fault.zone) \(fault.kind.isBuildingFault ? "" : fault.quantity.name) "
                        + "from \(Self.clock(fault.start)) for \(Self.minutes(fault.durationSeconds)); events near: "
                        + (near.isEmpty ? "none" : near.joined(separator: ", ")))
            }
            byKind[fault.kind.name] = result
        }
        for event in opened {
            let inWindow = faults.contains {
                $0.zone == event.zone && event.start >= $0.start - stepSeconds
                    && event.start <= $0.end + toleranceSeconds
            }
            if !inWindow {
                falseAlarms += 1
                falseAlarmKinds[event.kind.rawValue, default: 0] += 1
                let before = faults.filter { $0.zone == event.zone && $0.end <= event.start }.max { $0.end < $1.end }
                falseAlarmCases.append(
                    "\(Self.clock(event.start)) \(event.kind.rawValue): \(event.explanation) (zone's previous fault: "
                        + (before.map { "\($0.kind.name), ended \(Self.minutes(event.start - $0.end)) before" }
                            ?? "none")
                        + ")")
                rawScore -= 0.11
            }
        }
    }

    /// 100 for every fault detected at once without false alarms, 0 for never firing.
    var normalisedScore: Double {
        let null = -Double(cases)
        let perfect = Double(cases)
        return 100 * (rawScore - null) / (perfect - null)
    }

    /// The table of the closing note: per fault kind the cases, detection rate, mean delay and
    /// the detectors that found it first.
    func table(zoneWeeks: Double, cleanFalseAlarms: Int, cleanZoneWeeks: Double) -> String {
        var lines = ["fault kind    cases  detected  rate    mean delay  first detector"]
        for (name, result) in byKind.sorted(by: { $0.key < $1.key }) {
            let detectors = result.detectedBy.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }
            lines.append(
                pad(name, 14) + pad("\(result.cases)", 7) + pad("\(result.detected)", 10)
                    + pad(String(format: "%.1f %%", 100 * result.rate), 8)
                    + pad(String(format: "%.0f min", result.meanDelayMinutes), 12) + detectors.joined(separator: ", "))
        }
        let faultRuns = String(format: "%.2f", Double(falseAlarms) / zoneWeeks)
        let clean = String(format: "%.2f", Double(cleanFalseAlarms) / cleanZoneWeeks)
        lines.append(
            "false alarms outside fault windows: \(falseAlarms) = \(faultRuns) per zone-week \(falseAlarmKinds)")
        lines.append("false alarms in clean runs: \(cleanFalseAlarms) = \(clean) per zone-week")
        lines.append(String(format: "NAB-style normalised score (standard profile): %.1f", normalisedScore))
        return lines.joined(separator: "\n")
    }

    /// `d<day of month> hh:mm` UTC.
    static func clock(_ time: Double) -> String {
        let seconds = Int(time.rounded(.down))
        let day = seconds / 86_400 - 20_453  // 2025-12-31 is day 0, so 2026-01-01 is d1
        let minute = seconds % 86_400 / 60
        return String(format: "d%d %02d:%02d UTC", day, minute / 60, minute % 60)
    }

    static func minutes(_ seconds: Double) -> String {
        String(format: "%.0f min", seconds / 60)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
