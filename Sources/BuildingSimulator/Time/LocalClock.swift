import Foundation
import UmweltCore

/// A simulated instant seen on the building's wall clock.
struct LocalTime: Sendable, Hashable {
    /// Local calendar day: days since 1970-01-01 in the twin's time zone.
    var dayNumber: Int
    /// Seconds since local midnight, in [0, 86 400).
    var secondsOfDay: Double
    /// Seconds east of UTC at this instant.
    var offsetSeconds: Int

    /// 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
    var weekday: Int { ((dayNumber + 3) % 7 + 7) % 7 }
    var isWeekend: Bool { weekday >= 5 }
    var hour: Double { secondsOfDay / 3600 }

    /// Position in the year as an angle: 0 on 15 January (the coldest day on average),
    /// π in mid-July; `summerness` = (1 − cos φ) / 2 runs from 0 in winter to 1 in summer.
    var seasonAngle: Double { 2 * Double.pi * (Double(dayNumber) - 14) / 365.2425 }
    var summerness: Double { (1 - cos(seasonAngle)) / 2 }
}

/// Converts simulated Unix seconds to the twin's local time (Foundation `TimeZone`, with its
/// offsets precomputed once by `TimeZoneOffsets`) and formats local timestamps.
struct LocalClock: Sendable {
    let offsets: TimeZoneOffsets

    /// The clock of an IANA time zone name; an unknown name falls back to UTC.
    init(timezone: String) {
        if let zone = TimeZone(identifier: timezone) {
            offsets = TimeZoneOffsets(timeZone: zone)
        } else {
            offsets = .utc
        }
    }

    func localTime(at unixSeconds: Double) -> LocalTime {
        let offset = offsets.offsetSeconds(atUnixSeconds: unixSeconds)
        let local = unixSeconds + Double(offset)
        let day = (local / 86_400).rounded(.down)
        return LocalTime(dayNumber: Int(day), secondsOfDay: local - day * 86_400, offsetSeconds: offset)
    }

    /// Local date and time without an offset, as Tasmota writes it: `2026-01-12T06:00:00`.
    func tasmotaTimestamp(_ unixSeconds: Double) -> String {
        let local = localTime(at: unixSeconds)
        return Self.civilText(dayNumber: local.dayNumber, secondsOfDay: Int(local.secondsOfDay))
    }

    /// RFC 3339 local time with milliseconds and offset, as Zigbee2MQTT writes `last_seen`:
    /// `2026-01-12T06:00:00.000+01:00` (or `…Z` at offset zero).
    func rfc3339Timestamp(_ unixSeconds: Double) -> String {
        let local = localTime(at: unixSeconds)
        let milliseconds = Int((local.secondsOfDay * 1000).rounded()) % 1000
        var text = Self.civilText(dayNumber: local.dayNumber, secondsOfDay: Int(local.secondsOfDay))
        text += "." + Self.padded(milliseconds, 3)
        if local.offsetSeconds == 0 { return text + "Z" }
        let magnitude = abs(local.offsetSeconds)
        text += local.offsetSeconds > 0 ? "+" : "-"
        return text + Self.padded(magnitude / 3600, 2) + ":" + Self.padded(magnitude / 60 % 60, 2)
    }

    private static func civilText(dayNumber: Int, secondsOfDay: Int) -> String {
        let (year, month, day) = civilDate(dayNumber: dayNumber)
        var text = padded(year, 4) + "-" + padded(month, 2) + "-" + padded(day, 2) + "T"
        text += padded(secondsOfDay / 3600, 2) + ":" + padded(secondsOfDay / 60 % 60, 2)
        return text + ":" + padded(secondsOfDay % 60, 2)
    }

    /// The proleptic Gregorian date of a day number (Howard Hinnant's `civil_from_days`).
    static func civilDate(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
