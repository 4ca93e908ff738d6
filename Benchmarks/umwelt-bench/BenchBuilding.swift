import Foundation
import UmweltCore

/// A generated building for the benchmarks: `zones` indoor zones in a row, each with
/// temperature, CO2, presence and valve sensors (timestamped JSON), plus an outdoor zone.
struct BenchBuilding {
    let zones: Int
    let twin: TwinDefinition
    /// Monday 2024-01-01 00:00 UTC.
    static let start = 1_704_067_200.0

    init(zones: Int, id: String = "bench", horizonSteps: Int = 288) {
        self.zones = zones
        var definitions: [ZoneDefinition] = [
            ZoneDefinition(
                id: "outdoor",
                kind: .outdoor,
                sensors: [
                    SensorBinding(quantity: .temperature, topic: "b/outdoor/t", format: .json, path: "v", timePath: "t")
                ]
            )
        ]
        for zone in 0..<zones {
            var neighbours: [String] = []
            if zone > 0 { neighbours.append("z\(zone - 1)") }
            if zone + 1 < zones { neighbours.append("z\(zone + 1)") }
            definitions.append(
                ZoneDefinition(
                    id: "z\(zone)",
                    neighbors: neighbours,
                    sensors: [
                        SensorBinding(
                            quantity: .temperature, topic: "b/z\(zone)/t", format: .json, path: "v", timePath: "t"),
                        SensorBinding(quantity: .co2, topic: "b/z\(zone)/c", format: .json, path: "v", timePath: "t"),
                        SensorBinding(
                            quantity: .occupancy, topic: "b/z\(zone)/o", format: .json, path: "v", timePath: "t",
                            occupancyKind: .presence
                        ),
                        SensorBinding(quantity: .hvac, topic: "b/z\(zone)/h", format: .json, path: "v", timePath: "t"),
                    ]
                )
            )
        }
        twin = TwinDefinition(id: id, stepSeconds: 300, horizonSteps: horizonSteps, zones: definitions)
    }

    /// Readings per step: 4 per indoor zone plus the outdoor temperature.
    var readingsPerStep: Int { 4 * zones + 1 }

    /// The readings of step `k` (one per sensor, inside the step), from a cheap deterministic
    /// physics: daily outdoor cycle, heating by day, occupancy 8-18 on weekdays, CO2 by people.
    func readings(step k: Int) -> [Reading] {
        let t = Self.start + Double(k) * 300
        let hour = (t.truncatingRemainder(dividingBy: 86_400)) / 3600
        let weekday = Int((t - Self.start) / 86_400) % 7 < 5
        let occupied = weekday && hour >= 8 && hour < 18
        let outdoor = 5 + 5 * sin((hour - 9) / 24 * 2 * .pi)
        var readings = [Reading(zone: "outdoor", quantity: .temperature, time: t + 5, value: outdoor)]
        readings.reserveCapacity(readingsPerStep)
        for zone in 0..<zones {
            let id = "z\(zone)"
            let noise = sin(Double(k * 7 + zone * 13)) * 0.05
            let heating = hour >= 6 && hour < 18 ? 1.0 : 0.0
            let temperature = 19 + 2 * heating + 0.1 * outdoor + (occupied ? 0.5 : 0) + noise + 0.01 * Double(zone % 10)
            readings.append(Reading(zone: id, quantity: .temperature, time: t + 10, value: temperature, sensorIndex: 0))
            readings.append(
                Reading(
                    zone: id, quantity: .co2, time: t + 20, value: occupied ? 800 + 50 * noise : 450, sensorIndex: 1)
            )
            readings.append(
                Reading(
                    zone: id, quantity: .occupancy, time: t + 30, value: occupied ? 1 : 0, occupancyKind: .presence,
                    sensorIndex: 2
                )
            )
            readings.append(Reading(zone: id, quantity: .hvac, time: t + 40, value: heating, sensorIndex: 3))
        }
        return readings
    }

    /// One reading as the JSON payload its sensor publishes, with its topic.
    static func message(_ reading: Reading) -> (topic: String, payload: [UInt8]) {
        let suffix: String
        switch reading.quantity {
        case .temperature: suffix = "t"
        case .co2: suffix = "c"
        case .occupancy: suffix = "o"
        default: suffix = "h"
        }
        let payload = #"{"t":\#(Int(reading.time)),"v":\#(reading.value)}"#
        return ("b/\(reading.zone)/\(suffix)", Array(payload.utf8))
    }
}

/// Wall-clock and CPU timing helpers.
enum BenchClock {
    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }

    /// CPU seconds (user + system) this process has used.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) * 1e-6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) * 1e-6
    }

    /// Resident set size in bytes (from /proc/self/statm).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return sorted[index]
    }
}
