import CoreMetrics
import Synchronization

/// The daemon's metrics, made by an injected swift-metrics factory (swift-prometheus's
/// `PrometheusMetricsFactory` in the daemon); every name starts with `umwelt_`.
///
/// Counters end in `_total`; durations are histograms in seconds. Thread-safe: the factory
/// deduplicates handlers by name and labels, the only own state is behind a mutex.
public final class UmweltMetrics: Sendable {
    /// Absolute forecast error buckets (canonical units: °C, % RH, ppm, probability).
    public static let forecastErrorBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500]
    /// Latency buckets for step updates and forecast requests.
    public static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    private let factory: any MetricsFactory
    private let lastReconnectCount = Mutex(0)

    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func messagesReceived(_ count: Int) {
        Counter(label: "umwelt_mqtt_messages_received_total", factory: factory).increment(by: count)
    }

    func payloadRejected(reason: String) {
        Counter(label: "umwelt_payloads_rejected_total", dimensions: [("reason", reason)], factory: factory)
            .increment()
    }

    func readingsAccepted(quantity: String, count: Int) {
        Counter(label: "umwelt_readings_total", dimensions: [("quantity", quantity)], factory: factory)
            .increment(by: count)
    }

    func readingsLate(_ count: Int) {
        Counter(label: "umwelt_readings_late_total", factory: factory).increment(by: count)
    }

    func stepsLearned(twin: String, count: Int) {
        Counter(label: "umwelt_steps_learned_total", dimensions: [("twin", twin)], factory: factory)
            .increment(by: count)
    }

    func anomaly(kind: String, quantity: String) {
        Counter(
            label: "umwelt_anomalies_total",
            dimensions: [("kind", kind), ("quantity", quantity)],
            factory: factory
        ).increment()
    }

    func storageError() {
        Counter(label: "umwelt_storage_errors_total", factory: factory).increment()
    }

    /// Time to close steps, learn, score anomalies and forecast, per `advance` call.
    func stepUpdate(twin: String, duration: Duration) {
        CoreMetrics.Timer(label: "umwelt_step_update_duration_seconds", dimensions: [("twin", twin)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// Time to answer one forecast request (HTTP).
    func forecastLatency(_ duration: Duration) {
        CoreMetrics.Timer(label: "umwelt_forecast_latency_seconds", factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// Time to answer one scenario request (every door: HTTP, MQTT, CLI against a daemon).
    func scenarioLatency(twin: String, _ duration: Duration) {
        CoreMetrics.Timer(label: "umwelt_scenario_latency_seconds", dimensions: [("twin", twin)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    /// One issued forecast scored against the step it predicted.
    func forecastError(_ error: ScoredForecastError) {
        Recorder(
            label: "umwelt_forecast_abs_error",
            dimensions: [("twin", error.twin), ("quantity", error.quantity), ("horizon", error.horizon)],
            aggregate: true,
            factory: factory
        ).record(error.absoluteError)
    }

    /// Samples values that are states, not events; called before each scrape.
    func sample(_ sample: MetricsSample) {
        Gauge(label: "umwelt_broker_connected", factory: factory).record(sample.brokerConnected ? 1 : 0)
        let delta = lastReconnectCount.withLock { last in
            defer { last = max(last, sample.brokerReconnects) }
            return max(0, sample.brokerReconnects - last)
        }
        Counter(label: "umwelt_broker_reconnects_total", factory: factory).increment(by: delta)
        for (twin, age) in sample.checkpointAgeSeconds {
            Gauge(label: "umwelt_checkpoint_age_seconds", dimensions: [("twin", twin)], factory: factory).record(age)
        }
        for (twin, steps) in sample.stepsLearnedByTwin {
            Gauge(label: "umwelt_twin_steps_learned", dimensions: [("twin", twin)], factory: factory).record(steps)
        }
        if let bytes = sample.sqliteBytes {
            Gauge(label: "umwelt_sqlite_size_bytes", factory: factory).record(bytes)
        }
        Gauge(label: "umwelt_twins", factory: factory).record(sample.twins)
    }
}

/// State values read at scrape time.
struct MetricsSample: Sendable {
    var brokerConnected: Bool
    var brokerReconnects: Int
    var checkpointAgeSeconds: [String: Double]
    var stepsLearnedByTwin: [String: Int]
    var sqliteBytes: Int?
    var twins: Int
}

extension Duration {
    /// The duration in whole nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }
}
