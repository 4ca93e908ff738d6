import Hummingbird
import Prometheus

extension APIRoutes {
    /// Every route served, as `METHOD /path` with OpenAPI-style `{parameter}` captures,
    /// sorted (the OpenAPI document is checked against this list).
    func routeList() -> [String] {
        build().routes.map { "\($0.method) \($0.path)" }.sorted()
    }

    /// The routes of a fully configured daemon (metrics on), without any twin loaded.
    static func servedRoutes() -> [String] {
        let prometheus = PrometheusCollectorRegistry()
        let metrics = UmweltMetrics(factory: PrometheusMetricsFactory.umwelt(registry: prometheus))
        let registry = TwinRegistry(definitions: [], runtimes: [:])
        return APIRoutes(
            registry: registry,
            statistics: DaemonStatistics(metrics: metrics),
            readiness: Readiness(),
            metricsEndpoint: MetricsEndpoint(
                registry: prometheus,
                metrics: metrics,
                twins: registry,
                brokerState: { (false, 0) },
                databasePath: "/nonexistent"
            ),
            dashboard: DashboardPage(registry: registry, store: nil)
        ).routeList()
    }
}
