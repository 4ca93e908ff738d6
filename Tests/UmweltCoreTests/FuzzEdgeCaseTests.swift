import Testing
import UmweltCore

/// The edge cases the fuzzers look for, each with its defined outcome: the rejection reason
/// a message gets, or the reading it becomes.
@Suite struct FuzzEdgeCaseTests {
    /// 2026-01-12T06:00:00Z.
    static let arrival = 1_768_197_600.0

    static let router: Router = {
        let yaml = """
            twin: edge
            zones:
              - id: z
                sensors:
                  - { quantity: temperature, topic: json, format: json, path: temperature, time_path: time }
                  - { quantity: temperature, topic: plain }
                  - { quantity: window, topic: boolean, format: boolean }
                  - { quantity: energy, topic: kwh, unit: kWh }
                  - { quantity: temperature, topic: fahrenheit, unit: degF }
                  - { quantity: co2, topic: wild/+/co2 }

            """
        return Router(twins: [try! TwinFileParser.parse(yaml: yaml, path: "edge.yaml")])
    }()

    /// "reading" or the rejection reasons of one message.
    static func outcome(_ topic: String, _ payload: [UInt8], arrival: Double = arrival) -> String {
        let routed = router.route(topic: topic, payload: payload, arrivalTime: arrival)
        if routed.contains(where: { !$0.result.readings.isEmpty }) { return "reading" }
        return routed.flatMap { $0.result.rejections.map(\.reason.rawValue) }.joined(separator: ",")
    }

    static func outcome(_ topic: String, _ payload: String, arrival: Double = arrival) -> String {
        outcome(topic, Array(payload.utf8), arrival: arrival)
    }

    /// The time of the reading a JSON message with `time` makes.
    static func readingTime(_ time: String) -> Double? {
        let payload = Array(#"{"temperature":21,"time":\#(time)}"#.utf8)
        return router.route(topic: "json", payload: payload, arrivalTime: arrival).first?.result
            .readings.first?.time
    }

    @Test(arguments: ["json", "plain", "boolean"])
    func payloadAboveSixtyFourKibibytesIsOversized(topic: String) {
        let padding = String(repeating: " ", count: 65_536 - 17)
        let atLimit = #"{"temperature":1}"# + padding
        #expect(atLimit.utf8.count == 65_536)
        #expect(Self.outcome("json", atLimit) == "reading")
        #expect(Self.outcome(topic, atLimit + " ") == "oversized")
        #expect(Self.outcome(topic, [UInt8](repeating: 0xFF, count: 1 << 20)) == "oversized")
    }

    @Test(arguments: [
        [0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82],
        [0x32, 0x31, 0x80],
    ])
    func invalidUTF8IsRejectedAsInvalidUTF8(bytes: [UInt8]) {
        for topic in ["json", "plain", "boolean"] {
            #expect(Self.outcome(topic, bytes) == "invalid_utf8", "\(topic)")
        }
        let inString = Array(#"{"temperature":""#.utf8) + bytes + Array(#""}"#.utf8)
        #expect(Self.outcome("json", inString) == "invalid_utf8")
    }

    @Test(arguments: [33, 100, 1_000])
    func deepJSONIsRejectedAsTooDeep(depth: Int) {
        let arrays = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(Self.outcome("json", arrays) == "too_deep")
        let objects =
            String(repeating: #"{"temperature":"#, count: depth) + "1"
            + String(repeating: "}", count: depth)
        #expect(Self.outcome("json", objects) == "too_deep")
        // Unclosed: the depth limit answers before the missing brackets would.
        #expect(Self.outcome("json", String(repeating: "[", count: depth)) == "too_deep")
    }

    @Test(arguments: [
        "\"1970-01-01T00:00:00Z\"", "\"1900-01-01T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"",
        "\"1999-12-31T23:59:59Z\"",
        "\"3000-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"2026-01-14T06:00:00Z\"", "0", "-1",
        "946684799",
        "99999999999", "100000000001", "1768370400", "1768370400000", "\"1768370400\"",
    ])
    func timestampsBefore2000OrAfterArrivalPlusADayAreOutOfRange(time: String) {
        let payload = #"{"temperature":21,"time":\#(time)}"#
        #expect(Self.outcome("json", payload) == "timestamp_out_of_range")
    }

    @Test(arguments: [
        "\"1900-02-29T00:00:00Z\"", "\"2026-13-01T00:00:00Z\"", "\"2026-01-12T24:00:00Z\"",
        "\"2026-01-12\"",
        "\"yesterday\"", "\"\"", "1e400", "NaN", "true", "{}", "[]", "\"2026-01-12T06:00:00+24:00\"",
    ])
    func timestampsThatAreNotTimesAreBadTimestamps(time: String) {
        let payload = #"{"temperature":21,"time":\#(time)}"#
        #expect(Self.outcome("json", payload) == "bad_timestamp")
    }

    @Test func timestampBoundsAreInclusive() {
        #expect(Self.readingTime("\"2000-01-01T00:00:00Z\"") == Router.earliestPayloadTime)
        #expect(Self.readingTime(String(Int(Self.arrival) + 86_400)) == Self.arrival + 86_400)
        #expect(Self.readingTime("null") == Self.arrival)
    }

    @Test func unixMillisecondsAndSecondsGiveTheSameTime() {
        #expect(Self.readingTime("1768197600") == Self.arrival)
        #expect(Self.readingTime("1768197600000") == Self.arrival)
        #expect(Self.readingTime("\"1768197600000\"") == Self.arrival)
        #expect(Self.readingTime("1768197600123") == Self.arrival + 0.123)
        #expect(Self.readingTime("1768197600.5") == Self.arrival + 0.5)
        #expect(Self.readingTime("\"2026-01-12T07:00:00+01:00\"") == Self.arrival)
    }

    @Test(arguments: [
        "NaN", "Infinity", "-Infinity", "1e400", "-1e999", "\"nan\"", "\"inf\"", "\"1e400\"",
    ])
    func nonFiniteJSONValuesAreNonFinite(value: String) {
        #expect(Self.outcome("json", #"{"temperature":\#(value)}"#) == "non_finite")
    }

    @Test(arguments: ["nan", "NaN", "-nan", "inf", "-Infinity", "INF", "1e400", "-1e999", "\"inf\""])
    func nonFinitePlainValuesAreNonFinite(value: String) {
        #expect(Self.outcome("plain", value) == "non_finite")
    }

    @Test func valuesThatOverflowInCanonicalUnitsAreNonFinite() {
        #expect(Self.outcome("kwh", "1e306") == "non_finite")
        #expect(Self.outcome("fahrenheit", "1.7e308") == "non_finite")
        #expect(Self.outcome("kwh", "1e12") == "reading")
    }

    @Test func numbersAtTheEdgesOfJSONGrammar() {
        #expect(Self.outcome("json", #"{"temperature":-0}"#) == "reading")
        #expect(Self.outcome("json", #"{"temperature":1e-400}"#) == "reading")
        #expect(Self.outcome("json", #"{"temperature":007}"#) == "invalid_json")
        #expect(Self.outcome("json", #"{"temperature":1.}"#) == "invalid_json")
        #expect(Self.outcome("json", #"{"temperature":"\ud800"}"#) == "not_a_number")
        #expect(Self.outcome("json", #"{"temperature":1e999999999999999999999}"#) == "non_finite")
        #expect(Self.outcome("json", #"{"temperature":1e-999999999999999999999}"#) == "reading")
        #expect(
            Self.outcome("json", #"{"temperature":"# + String(repeating: "9", count: 400) + "}")
                == "non_finite")
        #expect(Self.outcome("plain", "007") == "reading")
        #expect(Self.outcome("plain", "-0") == "reading")
    }

    @Test(arguments: ["", " ", " \t\r\n ", "\u{0}"])
    func emptyAndWhitespaceOnlyPayloadsAreRejected(payload: String) {
        #expect(Self.outcome("json", payload) == "invalid_json")
        #expect(Self.outcome("plain", payload) == "not_a_number")
        #expect(Self.outcome("boolean", payload) == "not_a_number")
    }

    @Test(arguments: [
        "{", "[", "\"", "{\"temperature\":", "{\"temperature\":21", "{\"temperature\":21,}",
    ])
    func truncatedJSONIsInvalidJSON(payload: String) {
        #expect(Self.outcome("json", payload) == "invalid_json")
        #expect(Self.outcome("plain", payload) == "not_a_number")
    }

    @Test func topicsWithANulByteMatchNoExactBinding() {
        #expect(Self.outcome("plain\u{0}", "21") == "unknown_topic")
        #expect(Self.outcome("\u{0}plain", "21") == "unknown_topic")
        #expect(Self.outcome("\u{0}", "21") == "unknown_topic")
        // A wildcard level takes any bytes; MQTT brokers refuse such topics before they get here.
        #expect(Self.outcome("wild/a\u{0}b/co2", "400") == "reading")
    }

    @Test func systemAndMalformedTopicsAreUnknown() throws {
        let twin = try TwinFileParser.parse(
            yaml:
                "twin: t\nzones:\n  - id: z\n    sensors:\n      - { quantity: co2, topic: \"#\" }\n      "
                + "- { quantity: humidity, topic: +/h }\n",
            path: "t.yaml")
        let router = Router(twins: [twin])
        for topic in ["$SYS/broker/load", "$SYS", "$SYS/h", "$x/h"] {
            let reasons = router.route(topic: topic, payload: Array("50".utf8), arrivalTime: Self.arrival)
                .flatMap { $0.result.rejections.map(\.reason) }
            #expect(reasons == [.unknownTopic], "\(topic)")
        }
        for topic in ["", "/", "//", "a//h", String(repeating: "a/", count: 40_000)] {
            let routed = router.route(topic: topic, payload: Array("50".utf8), arrivalTime: Self.arrival)
            #expect(
                routed.count == 1
                    && routed[0].result.readings.count + routed[0].result.rejections.count >= 1)
        }
    }
}
