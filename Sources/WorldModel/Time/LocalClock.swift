import Foundation

/// Local wall-clock positions (time of day, day of week) of Unix times in the twin's time zone.
///
/// The UTC offsets are read once from the system's time zone database when the model is
/// created (the only Foundation call of the model besides math) and kept as a table, so the
/// model's state stays a plain serialisable value and the step loop does no lookups.
struct LocalClock: Sendable, Codable, Hashable {
    /// Start of each offset period in Unix seconds, ascending; the first applies before it too.
    private var starts: [Double]
    /// Seconds east of UTC in each period.
    private var offsets: [Int]

    init(timezone: String, from: Double = 1_262_304_000, through: Double = 2_524_608_000) {
        guard let zone = TimeZone(identifier: timezone) else {
            starts = [from]
            offsets = [0]
            return
        }
        var starts = [from]
        var offsets = [zone.secondsFromGMT(for: Date(timeIntervalSince1970: from))]
        var current = Date(timeIntervalSince1970: from)
        for _ in 0..<500 {
            guard let next = zone.nextDaylightSavingTimeTransition(after: current),
                next.timeIntervalSince1970 <= through, next > current
            else { break }
            let offset = zone.secondsFromGMT(for: next)
            if offset != offsets[offsets.count - 1] {
                starts.append(next.timeIntervalSince1970)
                offsets.append(offset)
            }
            current = next
        }
        self.starts = starts
        self.offsets = offsets
    }

    /// Seconds east of UTC at `time`.
    func offsetSeconds(at time: Double) -> Int {
        if offsets.count == 1 || time < starts[1] { return offsets[0] }
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= time { low = middle } else { high = middle - 1 }
        }
        return offsets[low]
    }

    /// Local seconds since 1970-01-01T00:00 local time.
    func localSeconds(_ time: Double) -> Double {
        time + Double(offsetSeconds(at: time))
    }

    /// Fraction of the local day elapsed at `time`, in [0, 1).
    func dayFraction(_ time: Double) -> Double {
        let seconds = localSeconds(time)
        let day = (seconds / 86_400).rounded(.down)
        return (seconds - day * 86_400) / 86_400
    }

    /// Local day of week, 0 = Monday ... 6 = Sunday.
    func weekday(_ time: Double) -> Int {
        let day = Int((localSeconds(time) / 86_400).rounded(.down))
        // 1970-01-01 was a Thursday (index 3).
        return ((day + 3) % 7 + 7) % 7
    }

    /// Half-hour of the local week, 0 ..< 336, Monday 00:00 first.
    func halfHourOfWeek(_ time: Double) -> Int {
        weekday(time) * 48 + min(47, Int(dayFraction(time) * 48))
    }
}
