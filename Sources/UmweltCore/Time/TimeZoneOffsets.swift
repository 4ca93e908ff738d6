import Foundation

/// A time zone's UTC offsets, precomputed so that converting a local wall-clock time to
/// Unix seconds costs a binary search and no Foundation call (the ingest hot path).
///
/// Built once per twin from a Foundation `TimeZone` by walking its transitions over a range
/// of years (default 1999 to 2100); outside that range the nearest period's offset applies.
public struct TimeZoneOffsets: Sendable, Hashable {
    /// Start of each period in Unix seconds, ascending; the first is -infinity.
    private let starts: [Double]
    /// Seconds east of UTC during each period.
    private let offsets: [Int]

    /// UTC: offset zero everywhere.
    public static let utc = TimeZoneOffsets(starts: [-.infinity], offsets: [0])

    private init(starts: [Double], offsets: [Int]) {
        self.starts = starts
        self.offsets = offsets
    }

    /// Precomputes the offsets of `timeZone` between two instants (Unix seconds).
    ///
    /// Costs a few hundred Foundation calls for a zone with daylight saving time: build it
    /// once and share it (the arrays are copy-on-write).
    public init(
        timeZone: TimeZone,
        fromUnixSeconds: Double = 915_148_800,  // 1999-01-01
        throughUnixSeconds: Double = 4_133_980_800  // 2101-01-01
    ) {
        var starts: [Double] = [-.infinity]
        var offsets: [Int] = [timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: fromUnixSeconds))]
        var current = Date(timeIntervalSince1970: fromUnixSeconds)
        // A zone changes its offset at most a few times a year; the cap guards against a
        // misbehaving transition lookup that does not advance.
        for _ in 0..<2_000 {
            guard let next = timeZone.nextDaylightSavingTimeTransition(after: current),
                next.timeIntervalSince1970 <= throughUnixSeconds,
                next > current
            else { break }
            let offset = timeZone.secondsFromGMT(for: next)
            if offset != offsets[offsets.count - 1] {
                starts.append(next.timeIntervalSince1970)
                offsets.append(offset)
            }
            current = next
        }
        self.starts = starts
        self.offsets = offsets
    }

    /// Seconds east of UTC at the instant `unixSeconds`.
    public func offsetSeconds(atUnixSeconds unixSeconds: Double) -> Int {
        if offsets.count == 1 { return offsets[0] }
        // Last period whose start is <= unixSeconds.
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= unixSeconds {
                low = middle
            } else {
                high = middle - 1
            }
        }
        return offsets[low]
    }

    /// Unix seconds of a local wall-clock time given as seconds since 1970-01-01T00:00 local.
    ///
    /// A time skipped by a spring-forward transition maps to the instant after the gap; a
    /// time repeated by a fall-back transition maps to its later occurrence.
    public func unixSeconds(fromLocalSeconds localSeconds: Double) -> Double {
        let guess = localSeconds - Double(offsetSeconds(atUnixSeconds: localSeconds))
        return localSeconds - Double(offsetSeconds(atUnixSeconds: guess))
    }
}
