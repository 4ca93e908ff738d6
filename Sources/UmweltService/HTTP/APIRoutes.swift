import Foundation
import Hummingbird
import UmweltCore
import WorldModel

/// The HTTP API (see DESIGN.md, "HTTP API"): health, readiness, twins, zones, forecasts,
/// learned parameters and anomalies. JSON bodies, RFC 3339 times, canonical units.
struct APIRoutes: Sendable {
    let registry: TwinRegistry
    /// The twins' runtimes now (they change on a `SIGHUP` reload).
    var runtimes: [String: TwinRuntime] { registry.runtimes }
    let statistics: DaemonStatistics
    let readiness: Readiness
    /// When set, every route but `/healthz` requires `Authorization: Bearer <token>`.
    var bearerToken: String? = nil
    /// `/metrics`, when the daemon keeps Prometheus metrics.
    var metricsEndpoint: MetricsEndpoint? = nil
    /// The HTML dashboard at `/`.
    var dashboard: DashboardPage? = nil

    func build() -> Hummingbird.Router<BasicRequestContext> {
        let router = Hummingbird.Router(context: BasicRequestContext.self)
        if let bearerToken {
            router.add(middleware: BearerTokenMiddleware(token: bearerToken, openPaths: ["/healthz"]))
        }
        metricsEndpoint?.register(on: router)
        dashboard?.register(on: router)
        router.get("healthz") { _, _ in
            json(await HealthDocument.current(runtimes: registry.runtimes))
        }
        router.get("readyz") { _, _ in
            let status = readiness.status
            return json(["status": status.rawValue], status: status == .ready ? .ok : .serviceUnavailable)
        }
        router.get("v1/status") { _, _ in
            json(statistics.snapshot)
        }
        router.get("v1/twins") { _, _ in
            var summaries: [TwinSummary] = []
            let runtimes = registry.runtimes
            for id in runtimes.keys.sorted() {
                if let runtime = runtimes[id] { summaries.append(await runtime.summary()) }
            }
            return json(summaries)
        }
        router.get("v1/twins/:twin") { _, context in
            let runtime = try twinRuntime(context)
            return json(await runtime.summary())
        }
        router.get("v1/twins/:twin/zones/:zone/forecast") { _, context in
            let runtime = try twinRuntime(context)
            let zone = try context.parameters.require("zone")
            guard runtime.definition.zone(zone) != nil else {
                throw HTTPError(.notFound, message: "twin \(runtime.definition.id) has no zone \(zone)")
            }
            let clock = ContinuousClock()
            let start = clock.now
            let documents = await runtime.forecasts(zone: zone).map {
                PayloadEncoding.forecastDocument(twin: runtime.definition.id, $0)
            }
            statistics.metrics?.forecastLatency(clock.now - start)
            return json(documents)
        }
        router.get("v1/twins/:twin/zones/:zone/state") { _, context in
            let runtime = try twinRuntime(context)
            let zone = try context.parameters.require("zone")
            guard let state = await runtime.states().first(where: { $0.zone == zone }) else {
                throw HTTPError(.notFound, message: "twin \(runtime.definition.id) has no state for zone \(zone)")
            }
            return json(PayloadEncoding.stateDocument(twin: runtime.definition.id, state))
        }
        router.get("v1/twins/:twin/model") { _, context in
            let runtime = try twinRuntime(context)
            return json(await runtime.parameters())
        }
        router.get("v1/twins/:twin/anomalies") { request, context in
            let runtime = try twinRuntime(context)
            var since = 0.0
            if let text = request.uri.queryParameters.get("since") {
                guard let time = Double(text) ?? TimestampParser.parseRFC3339(text) else {
                    throw HTTPError(.badRequest, message: "since: not an RFC 3339 time or Unix seconds: \(text)")
                }
                since = time
            }
            let documents = await runtime.anomalies(since: since).map {
                PayloadEncoding.anomalyDocument(twin: runtime.definition.id, $0)
            }
            return json(documents)
        }
        addScenarioRoutes(to: router)
        return router
    }

    private func twinRuntime(_ context: BasicRequestContext) throws -> TwinRuntime {
        let id = try context.parameters.require("twin")
        let runtimes = registry.runtimes
        guard let runtime = runtimes[id] else {
            throw HTTPError(
                .notFound, message: "no twin \(id); known: \(runtimes.keys.sorted().joined(separator: ", "))")
        }
        return runtime
    }
}

/// Encodes a value as a JSON response.
func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return jsonResponse(bytes: (try? encoder.encode(value)) ?? Data("{}".utf8), status: status)
}

/// A JSON response from bytes already encoded (scenario answers have their own encoder).
func jsonResponse(bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status,
        headers: [.contentType: "application/json"],
        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes))
    )
}
