import Foundation

/// A server-rendered time-series chart: the recent past as a line, the forecast as a
/// p10–p90 band with its mean, anomalies as red marks, a line at the forecast origin.
///
/// Pure: values in, SVG text out. Times are Unix seconds; the y-range fits the data.
struct SVGChart {
    struct Band {
        var time: Double
        var low: Double
        var mean: Double
        var high: Double
    }

    var title: String
    var unit: String
    var past: [(time: Double, value: Double)] = []
    var forecast: [Band] = []
    var anomalies: [(start: Double, end: Double)] = []
    var origin: Double
    var fixedRange: ClosedRange<Double>? = nil
    var width = 560.0
    var height = 170.0

    private let left = 48.0
    private let right = 8.0
    private let top = 22.0
    private let bottom = 20.0

    func render() -> String {
        let times = past.map(\.time) + forecast.map(\.time) + [origin]
        let t0 = times.min() ?? origin
        let t1 = max(times.max() ?? origin, t0 + 1)
        let values = past.map(\.value) + forecast.flatMap { [$0.low, $0.high] }
        var low = fixedRange?.lowerBound ?? values.min() ?? 0
        var high = fixedRange?.upperBound ?? values.max() ?? 1
        if high - low < 1e-9 {
            low -= 0.5
            high += 0.5
        }
        let pad = fixedRange == nil ? (high - low) * 0.08 : 0
        low -= pad
        high += pad
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        func x(_ t: Double) -> Double { left + (t - t0) / (t1 - t0) * plotWidth }
        func y(_ v: Double) -> Double { top + (1 - (v - low) / (high - low)) * plotHeight }
        func point(_ t: Double, _ v: Double) -> String { "\(fmt(x(t))),\(fmt(y(v)))" }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(fmt(width))" height="\(fmt(height))" \
            viewBox="0 0 \(fmt(width)) \(fmt(height))" role="img" aria-label="\(escape(title))">
            <rect x="\(fmt(left))" y="\(fmt(top))" width="\(fmt(plotWidth))" height="\(fmt(plotHeight))" fill="#fafafa" stroke="#ccc"/>
            <text x="\(fmt(left))" y="14" font-size="12" font-family="sans-serif" font-weight="bold">\(escape(title)) (\(escape(unit)))</text>

            """
        for fraction in [0.0, 0.5, 1.0] {
            let value = low + fraction * (high - low)
            svg += "<text x=\"\(fmt(left - 4))\" y=\"\(fmt(y(value) + 4))\" font-size=\"10\" text-anchor=\"end\" "
            svg += "font-family=\"sans-serif\" fill=\"#555\">\(label(value))</text>\n"
        }
        for anomaly in anomalies {
            let start = max(t0, min(t1, anomaly.start))
            let end = max(start, min(t1, anomaly.end))
            svg +=
                "<rect class=\"anomaly\" x=\"\(fmt(x(start) - 1))\" y=\"\(fmt(top))\" width=\"\(fmt(max(2, x(end) - x(start))))\" "
            svg += "height=\"\(fmt(plotHeight))\" fill=\"#d62728\" fill-opacity=\"0.25\"/>\n"
        }
        if !forecast.isEmpty {
            let upper = forecast.map { point($0.time, $0.high) }
            let lower = forecast.reversed().map { point($0.time, $0.low) }
            svg +=
                "<polygon class=\"band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"#1f77b4\" fill-opacity=\"0.2\"/>\n"
            svg +=
                "<polyline class=\"forecast\" points=\"\(forecast.map { point($0.time, $0.mean) }.joined(separator: " "))\" "
            svg += "fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" stroke-dasharray=\"4 2\"/>\n"
        }
        if !past.isEmpty {
            svg +=
                "<polyline class=\"past\" points=\"\(past.map { point($0.time, $0.value) }.joined(separator: " "))\" "
            svg += "fill=\"none\" stroke=\"#222\" stroke-width=\"1.5\"/>\n"
        }
        svg +=
            "<line x1=\"\(fmt(x(origin)))\" y1=\"\(fmt(top))\" x2=\"\(fmt(x(origin)))\" y2=\"\(fmt(top + plotHeight))\" "
        svg += "stroke=\"#888\" stroke-dasharray=\"2 2\"/>\n"
        svg += "<text x=\"\(fmt(x(origin)))\" y=\"\(fmt(height - 6))\" font-size=\"10\" text-anchor=\"middle\" "
        svg += "font-family=\"sans-serif\" fill=\"#555\">now</text>\n"
        svg +=
            "<text x=\"\(fmt(left))\" y=\"\(fmt(height - 6))\" font-size=\"10\" font-family=\"sans-serif\" fill=\"#555\">"
        svg += "\(hours(t0 - origin))</text>\n"
        svg += "<text x=\"\(fmt(width - right))\" y=\"\(fmt(height - 6))\" font-size=\"10\" text-anchor=\"end\" "
        svg += "font-family=\"sans-serif\" fill=\"#555\">\(hours(t1 - origin))</text>\n"
        return svg + "</svg>"
    }

    private func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    private func label(_ value: Double) -> String {
        abs(value) >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    private func hours(_ seconds: Double) -> String {
        let h = Int((seconds / 3600).rounded())
        return h >= 0 ? "+\(h) h" : "\(h) h"
    }
}

/// Escapes text for HTML and SVG.
func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
