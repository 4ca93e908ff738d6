import Foundation
import Hummingbird
import UmweltCore
import UmweltStore
import WorldModel

/// `GET /`: one HTML page, rendered on the server, that reloads itself every minute. Per
/// twin and indoor zone: a chart per quantity with the last day of step means, the
/// forecast band (p10–p90) and mean, anomalies in red; the occupancy probability now; the
/// learned parameters. No JavaScript.
struct DashboardPage: Sendable {
    let registry: TwinRegistry
    let store: StateStore?
    var pastSeconds = 24 * 3600.0
    var refreshSeconds = 60

    func register(on router: Hummingbird.Router<BasicRequestContext>) {
        router.get("/") { _, _ in
            let html = await render()
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: html))
            )
        }
    }

    func render() async -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)">
            <title>Umwelt</title>
            <style>
            body { font-family: sans-serif; margin: 16px; color: #222; background: #fff; }
            h1 { font-size: 20px; } h2 { font-size: 17px; margin-top: 28px; } h3 { font-size: 14px; }
            .zone { border-top: 1px solid #ddd; padding-top: 6px; }
            .charts { display: flex; flex-wrap: wrap; gap: 8px; }
            table { border-collapse: collapse; font-size: 12px; } td, th { padding: 2px 8px; text-align: left; }
            .muted { color: #777; font-size: 12px; }
            </style></head><body>
            <h1>Umwelt</h1>
            <p class="muted">Black: the last day of step means. Blue: forecast mean and its 10–90 % band. \
            Red: anomalies. Refreshes every \(refreshSeconds) s.</p>

            """
        let current = registry.current
        for definition in current.definitions {
            guard let runtime = current.runtimes[definition.id] else { continue }
            html += await twinSection(definition, runtime: runtime)
        }
        return html + "</body></html>\n"
    }

    private func twinSection(_ twin: TwinDefinition, runtime: TwinRuntime) async -> String {
        let forecasts = await runtime.forecasts()
        let states = await runtime.states()
        let origin = forecasts.map(\.issuedAt).max() ?? states.map(\.time).max() ?? Date().timeIntervalSince1970
        let steps = await recentSteps(twin: twin.id, origin: origin)
        let anomalies = await runtime.anomalies(since: origin - pastSeconds)
        let parameters = await runtime.parameters()
        let learned = await runtime.stepsLearned
        var html = "<h2>\(escape(twin.id))</h2>\n<p class=\"muted\">\(learned) steps learned; "
        html += "forecast issued \(escape(formatRFC3339(origin)))</p>\n"
        for zone in twin.zones where zone.kind == .indoor {
            html += "<div class=\"zone\"><h3>\(escape(zone.id))</h3>\n"
            if let probability = states.first(where: { $0.zone == zone.id })?.occupancyProbability {
                html += "<p>Occupancy probability now: <b>\(Int((probability * 100).rounded())) %</b></p>\n"
            }
            html += "<div class=\"charts\">\n"
            for quantity in [Quantity.temperature, .humidity, .co2, .occupancy] where zone.quantities.contains(quantity)
            {
                let key = SeriesKey(zone: zone.id, quantity: quantity)
                let forecast = forecasts.first { $0.zone == zone.id && $0.quantity == quantity }
                let chart = SVGChart(
                    title: quantity == .occupancy ? "occupancy probability" : quantity.name,
                    unit: PayloadEncoding.unitName(quantity),
                    past: steps.compactMap { step in step.values[key].map { (step.start, $0.mean) } },
                    forecast: (forecast?.points ?? []).map {
                        SVGChart.Band(time: $0.time, low: $0.p10, mean: $0.mean, high: $0.p90)
                    },
                    anomalies: anomalies.filter { $0.zone == zone.id && $0.quantity == quantity }
                        .map { ($0.start, $0.end ?? origin) },
                    origin: origin,
                    fixedRange: quantity == .occupancy ? 0...1 : nil
                )
                html += chart.render() + "\n"
            }
            html += "</div>\n"
            if let zoneParameters = parameters.first(where: { $0.zone == zone.id }), !zoneParameters.parameters.isEmpty
            {
                html += "<table><tr><th>learned parameter</th><th>value</th><th>meaning</th></tr>\n"
                for parameter in zoneParameters.parameters {
                    html += "<tr><td>\(escape(parameter.name))</td>"
                    html += "<td>\(String(format: "%.3g", parameter.value)) \(escape(parameter.unit))</td>"
                    html += "<td class=\"muted\">\(escape(parameter.explanation))</td></tr>\n"
                }
                html += "</table>\n"
            }
            html += "</div>\n"
        }
        return html
    }

    private func recentSteps(twin: String, origin: Double) async -> [ClosedStep] {
        guard let store, let stored = try? await store.steps(twin: twin, from: origin - pastSeconds, to: origin + 1)
        else { return [] }
        let decoder = JSONDecoder()
        return stored.compactMap { try? decoder.decode(ClosedStep.self, from: Data($0.payload)) }
    }
}
