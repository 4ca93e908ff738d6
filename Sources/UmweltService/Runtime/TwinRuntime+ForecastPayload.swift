import UmweltCore
import WorldModel

extension TwinRuntime {
    /// The retained forecast payload of `forecast`: the bytes
    /// `PayloadEncoding.encode(PayloadEncoding.forecastDocument(twin:_:))` gives (sorted keys,
    /// numbers rounded to four decimals), written by `JSONByteWriter` without building the
    /// document, about 15 times faster; a 10-zone twin's 31 forecasts of 288 points took
    /// 30 ms through `JSONEncoder`. `times` holds the points' times as JSON strings when the
    /// caller has them (all series of one step share them), else they are formatted here.
    nonisolated static func forecastPayload(twin: String, _ forecast: SeriesForecast, times: [[UInt8]]? = nil)
        -> [UInt8]
    {
        let points = forecast.points
        let times = times.flatMap { $0.count == points.count ? $0 : nil } ?? pointTimes(forecast)
        let perPoint = 96 + (forecast.expectedCount == nil ? 0 : 32)
        var writer = JSONByteWriter(
            capacity: 256 + twin.utf8.count + forecast.zone.utf8.count + perPoint * points.count)
        writer.raw("{\"horizon\":[")
        for (index, point) in points.enumerated() {
            writer.raw(index == 0 ? "{" : ",{")
            if let counts = forecast.expectedCount {
                writer.raw("\"expected_count\":")
                number(index < counts.count ? counts[index] : 0, to: &writer)
                writer.raw(",")
            }
            writer.raw("\"mean\":")
            number(point.mean, to: &writer)
            writer.raw(",\"p10\":")
            number(point.p10, to: &writer)
            writer.raw(",\"p50\":")
            number(point.p50, to: &writer)
            writer.raw(",\"p90\":")
            number(point.p90, to: &writer)
            writer.raw(",\"time\":")
            writer.raw(times[index])
            writer.raw("}")
        }
        writer.raw("]")
        writer.key("issued_at")
        writer.string(formatRFC3339(forecast.issuedAt))
        writer.key("quantity")
        writer.string(forecast.quantity.name)
        writer.key("step_seconds")
        writer.integer(forecast.stepSeconds)
        writer.key("steps_learned")
        writer.integer(forecast.stepsLearned)
        writer.key("twin")
        writer.string(twin)
        writer.key("unit")
        writer.string(PayloadEncoding.unitName(forecast.quantity))
        writer.key("warming_up")
        writer.raw(forecast.warmingUp ? "true" : "false")
        writer.key("zone")
        writer.string(forecast.zone)
        writer.raw("}")
        return writer.bytes
    }

    /// The points' times of `forecast` as JSON strings (RFC 3339, UTC).
    nonisolated static func pointTimes(_ forecast: SeriesForecast) -> [[UInt8]] {
        forecast.points.map { JSONByteWriter.encoded(formatRFC3339($0.time)) }
    }

    /// `PayloadEncoding.rounded(value)` as `JSONEncoder` writes it (`-0` kept).
    private nonisolated static func number(_ value: Double, to writer: inout JSONByteWriter) {
        let rounded = PayloadEncoding.rounded(value)
        if rounded == 0, rounded.sign == .minus {
            writer.raw("-0")
        } else {
            writer.number(rounded)
        }
    }
}
