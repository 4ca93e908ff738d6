/// When a twin that is catching up with history publishes its newest forecast.
///
/// While the data clock runs behind the wall clock (a replay, a gateway's backlog, a fast
/// simulation), steps can close far faster than anyone reads their forecasts, and a full
/// rollout, its encoding and its QoS 1 publications for every step would dominate ingest.
/// Every step is still learned; only the publication of the newest forecast is spaced out:
/// at most one per `minInterval` (4 a second: more than anyone reads; `share` sees only the
/// rollout and encoding, not what the network thread and the broker pay for the retained
/// payloads, about 1.2 MB for a 10-zone twin's 41 forecasts), and after a
/// publication that cost `c` seconds the next waits at least `c × (1 − share) / share`, so
/// forecasting takes at most `share` of the runtime's time however large the twin; never
/// more than `maxInterval`. A slow replay (fewer steps a second than that) still publishes
/// every step. A step whose forecast was held back stays pending until a publication (the
/// supervisor's tick finds it once due), so the newest step of a burst is always published.
///
/// Time is monotonic (`ContinuousClock`): a wall-clock jump cannot stall publication.
struct ForecastThrottle: Sendable {
    /// The most of the runtime's time that catch-up forecasts may take (0 < share ≤ 1).
    var share: Double
    /// The shortest wait between two publications.
    var minInterval: Duration
    /// The longest wait between two publications while steps keep closing.
    var maxInterval: Duration
    /// Whether a closed step's forecast has not been published yet.
    private(set) var isPending = false
    private var lastPublished: ContinuousClock.Instant?
    private var lastCost: Duration = .zero

    /// A throttle publishing at most once per `minInterval`, spending at most `share` of the
    /// time on forecasts, and publishing at least once per `maxInterval` while steps close.
    init(share: Double = 0.25, minInterval: Duration = .milliseconds(250), maxInterval: Duration = .seconds(1)) {
        self.share = min(1, max(0.001, share))
        self.minInterval = minInterval
        self.maxInterval = max(minInterval, maxInterval)
    }

    /// The wait after the latest publication: its cost scaled by the share, within the bounds.
    var interval: Duration {
        min(max(lastCost * ((1 - share) / share), minInterval), maxInterval)
    }

    /// Records that a step closed without its forecast being published.
    mutating func hold() {
        isPending = true
    }

    /// Whether a forecast should be published `now` (pending and its interval has passed).
    func isDue(now: ContinuousClock.Instant) -> Bool {
        guard isPending else { return false }
        guard let lastPublished else { return true }
        return now - lastPublished >= interval
    }

    /// Records a publication at `now` that took `cost` (nil: keep the previous cost estimate).
    mutating func published(at now: ContinuousClock.Instant, cost: Duration?) {
        isPending = false
        lastPublished = now
        if let cost { lastCost = cost }
    }
}
