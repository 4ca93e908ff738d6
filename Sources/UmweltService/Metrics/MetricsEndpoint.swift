import Foundation
import Hummingbird
import Prometheus
import UmweltCore

/// `GET /metrics`: samples the state gauges (broker, checkpoints, SQLite size), then writes
/// the Prometheus registry in the text exposition format.
struct MetricsEndpoint: Sendable {
    let registry: PrometheusCollectorRegistry
    let metrics: UmweltMetrics
    let twins: TwinRegistry
    /// The broker connection's state and reconnect count (the MQTT client in the daemon).
    let brokerState: @Sendable () -> (isConnected: Bool, reconnects: Int)
    let databasePath: String

    func register(on router: Hummingbird.Router<BasicRequestContext>) {
        router.get("metrics") { _, _ in
            await sample()
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            registry.emit(into: &buffer)
            return Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer))
            )
        }
    }

    private func sample() async {
        let now = Date().timeIntervalSince1970
        var checkpointAges: [String: Double] = [:]
        var steps: [String: Int] = [:]
        let current = twins.current
        let broker = brokerState()
        for definition in current.definitions {
            guard let runtime = current.runtimes[definition.id] else { continue }
            if let time = await runtime.lastCheckpointTime { checkpointAges[definition.id] = max(0, now - time) }
            steps[definition.id] = await runtime.stepsLearned
        }
        metrics.sample(
            MetricsSample(
                brokerConnected: broker.isConnected,
                brokerReconnects: broker.reconnects,
                checkpointAgeSeconds: checkpointAges,
                stepsLearnedByTwin: steps,
                sqliteBytes: Self.databaseBytes(path: databasePath),
                twins: current.definitions.count
            )
        )
    }

    /// The SQLite file plus its WAL and shared-memory files, in bytes (nil without a file).
    static func databaseBytes(path: String) -> Int? {
        let sizes = [path, path + "-wal", path + "-shm"].compactMap {
            (try? FileManager.default.attributesOfItem(atPath: $0))?[.size] as? Int
        }
        return sizes.isEmpty ? nil : sizes.reduce(0, +)
    }
}

extension PrometheusMetricsFactory {
    /// A factory on `registry` with the buckets Umwelt's histograms need.
    static func umwelt(registry: PrometheusCollectorRegistry) -> PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [
            "umwelt_step_update_duration_seconds": UmweltMetrics.latencyBuckets,
            "umwelt_forecast_latency_seconds": UmweltMetrics.latencyBuckets,
        ]
        factory.valueHistogramBuckets = ["umwelt_forecast_abs_error": UmweltMetrics.forecastErrorBuckets]
        return factory
    }
}
