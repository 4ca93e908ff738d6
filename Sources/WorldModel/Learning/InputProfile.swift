import Foundation
import UmweltCore

/// An exogenous input (control, solar, light, power): its latest value and a learned
/// time-of-day profile for workdays and weekends, used to predict it over the horizon.
///
/// Profile: 2 day classes × 48 half-hour bins, each an exponentially weighted mean
/// `b ← b + α (u − b)` with `α = max(1/n, 0.1)`. Forecast at lead time `τ` seconds:
///
///     û(τ) = ω u_last + (1 − ω) b(bin of the target time),   ω = exp(−τ / 3 h)
///
/// so persistence dominates near and the profile far; an empty bin falls back to `u_last`.
struct InputProfile: Sendable, Codable, Hashable {
    static let persistenceSeconds = 10_800.0

    let key: SeriesKey
    private(set) var last: Double?
    private var bins: [Double]
    private var counts: [Double]
    init(key: SeriesKey) {
        self.key = key
        bins = Array(repeating: 0, count: 96)
        counts = Array(repeating: 0, count: 96)
    }

    static func bin(_ time: Double, clock: LocalClock) -> Int {
        let weekend = clock.weekday(time) >= 5 ? 48 : 0
        return weekend + min(47, Int(clock.dayFraction(time) * 48))
    }

    /// Learns `value` in bin `b`, the `bin(_:clock:)` of its step's start (computed by the
    /// caller, once per step for every profile).
    mutating func observe(_ value: Double, bin b: Int) {
        last = value
        counts[b] = min(counts[b] + 1, 1_000)
        let alpha = max(1 / counts[b], 0.1)
        bins[b] += alpha * (value - bins[b])
    }

    /// The typical value at `time`, the profile interpolated linearly between the centres of
    /// the half-hour bins of the time's day class, and the fewer visits of those two bins
    /// (capped at 1,000); nil when either bin is empty.
    func typicalWithVisits(at time: Double, clock: LocalClock) -> (value: Double, visits: Double)? {
        let base = clock.weekday(time) >= 5 ? 48 : 0
        let position = clock.dayFraction(time) * 48 - 0.5
        let lower = Int(position.rounded(.down))
        let t = position - Double(lower)
        let a = base + (lower + 48) % 48
        let b = base + (lower + 49) % 48
        guard counts[a] > 0, counts[b] > 0 else { return nil }
        return (bins[a] + t * (bins[b] - bins[a]), min(counts[a], counts[b]))
    }

    /// The predicted value at `time`, `lead` seconds after the latest observation.
    func forecast(at time: Double, lead: Double, clock: LocalClock) -> Double? {
        guard let last else { return nil }
        let b = Self.bin(time, clock: clock)
        guard counts[b] > 0 else { return last }
        let omega = exp(-max(0, lead) / Self.persistenceSeconds)
        return omega * last + (1 - omega) * bins[b]
    }
}
