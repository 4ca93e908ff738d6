/// One of a few candidates chosen online by mean absolute error: each candidate's
/// exponentially weighted mean absolute error over the scored forecasts (memory 200), and the
/// lowest one taken only while it beats candidate 0 (the neutral one, which leaves the forecast
/// unchanged) by `requiredGain` of its error, never before `minimumSamples` scores.
///
/// Forecasts are judged by their absolute error; the least-squares fits of the blend and the
/// direct correction are dominated by heavy-tailed changes (a scheduled ventilation step, a
/// door). A choice among a handful of fixed candidates, judged by the score itself, costs
/// little data and stays neutral without evidence.
struct MeanAbsoluteChoice: Sendable, Codable, Hashable {
    static let minimumSamples = 50.0
    /// The lowest error must be this fraction below candidate 0's to be taken.
    static let requiredGain = 0.02

    /// Per candidate, inline (no allocation per choice): at most 8 candidates.
    private(set) var errors = SIMD8<Double>()
    /// The number of candidates, 1 to 8 (a decoded one is clamped).
    let count: Int
    private var lanes: Int { max(1, min(count, 8)) }
    private(set) var samples = 0.0

    init(count: Int) {
        precondition(count >= 1 && count <= 8, "1 to 8 candidates")
        self.count = count
    }

    /// The index of the chosen candidate (0 without evidence).
    var chosen: Int {
        guard samples >= Self.minimumSamples else { return 0 }
        var best = 0
        for c in 0..<lanes where errors[c] < errors[best] { best = c }
        return errors[best] <= (1 - Self.requiredGain) * errors[0] ? best : 0
    }

    /// Scores every candidate `c` by its absolute error `error(c)` on one forecast (none when
    /// an error is not finite).
    mutating func learn(_ error: (Int) -> Double) {
        var scored = SIMD8<Double>()
        for c in 0..<lanes {
            scored[c] = error(c)
            guard scored[c].isFinite else { return }
        }
        let alpha = max(1 / (samples + 1), 1.0 / 200)
        errors += alpha * (scored - errors)
        samples = min(samples + 1, 10_000)
    }
}
