import Foundation
import Testing
import UmweltCore

/// Parses `payload` for `binding`, returning the value or the rejection reason.
func parsePayload(
    _ payload: [UInt8],
    _ binding: SensorBinding,
    localTime: TimeZoneOffsets = .utc
) -> Result<ParsedPayload, PayloadRejection> {
    Result { () throws(PayloadRejection) in
        try PayloadParser(binding: binding, localTime: localTime).parse(payload, topic: binding.topic)
    }
}

func parsePayload(_ text: String, _ binding: SensorBinding, localTime: TimeZoneOffsets = .utc) -> Result<
    ParsedPayload, PayloadRejection
> {
    parsePayload(Array(text.utf8), binding, localTime: localTime)
}

extension Result where Success == ParsedPayload, Failure == PayloadRejection {
    var value: Double? { try? get().value }
    var time: Double?? { (try? get()).map(\.time) }
    var reason: PayloadRejection.Reason? {
        if case .failure(let rejection) = self { return rejection.reason }
        return nil
    }
    var detail: String? {
        if case .failure(let rejection) = self { return rejection.detail }
        return nil
    }
}

@Suite struct PlainPayloadTests {
    let temperature = SensorBinding(quantity: .temperature, topic: "t")

    @Test(arguments: [
        ("21.5", 21.5), (" 21.5\n", 21.5), ("-3", -3), ("1e2", 100), ("+4", 4), ("0.1", 0.1), (".5", 0.5),
        ("5.", 5), ("007", 7), ("\"21.5\"", 21.5), ("1.7976931348623157e308", 1.7976931348623157e308),
        ("123456789012345678", 123_456_789_012_345_680), ("21.300000000000000001", 21.3),
        ("5e-324", Double.leastNonzeroMagnitude),
    ])
    func readsNumbers(text: String, expected: Double) {
        #expect(parsePayload(text, temperature).value == expected)
    }

    @Test(arguments: ["nan", "NaN", "-nan", "inf", "-Infinity", "INF", "1e400", "-1e999"])
    func rejectsNonFiniteWithReason(text: String) {
        #expect(parsePayload(text, temperature).reason == .nonFinite)
    }

    @Test(arguments: ["", "   ", "0x10", "abc", "unavailable", "unknown", "21,5", "1e", "--1", "\"\"", "on", "1 2"])
    func rejectsTextThatIsNotANumber(text: String) {
        #expect(parsePayload(text, temperature).reason == .notANumber)
    }

    @Test func namesTheTextInTheDetail() {
        #expect(parsePayload("unavailable", temperature).detail == "'unavailable' is not a number")
    }

    @Test func acceptsBooleanWordsForBooleanLikeQuantities() {
        #expect(parsePayload("open", SensorBinding(quantity: .window, topic: "w")).value == 1)
        #expect(parsePayload("ON", SensorBinding(quantity: .hvac, topic: "h")).value == 1)
        #expect(parsePayload("off", SensorBinding(quantity: .ventilation, topic: "v")).value == 0)
        let presence = SensorBinding(quantity: .occupancy, topic: "o", occupancyKind: .presence)
        #expect(parsePayload("occupied", presence).value == 1)
        #expect(parsePayload("Unoccupied", presence).value == 0)
        #expect(parsePayload("\"on\"", presence).value == 1)
        #expect(parsePayload("1", presence).value == 1)
        let count = SensorBinding(quantity: .occupancy, topic: "o", occupancyKind: .count)
        #expect(parsePayload("on", count).reason == .notANumber)
        #expect(parsePayload("3", count).value == 3)
    }

    @Test func readsAHomeAssistantStateThatIsANumber() {
        #expect(
            parsePayload("22.4", SensorBinding(quantity: .humidity, topic: "homeassistant/sensor/h/state")).value
                == 22.4)
        #expect(parsePayload("unavailable", SensorBinding(quantity: .window, topic: "w")).reason == .notANumber)
    }

    @Test func readsShellyFahrenheitAsSentLeavingConversionToTheRouter() {
        let shelly = SensorBinding(quantity: .temperature, topic: "shellies/x/temperature", unit: .degF)
        #expect(parsePayload("71.6", shelly).value == 71.6)
    }
}

@Suite struct BooleanPayloadTests {
    let window = SensorBinding(quantity: .window, topic: "w", format: .boolean)

    @Test(arguments: [
        ("on", 1.0), ("OFF", 0), ("true", 1), ("False", 0), ("open", 1), ("CLOSED", 0), ("occupied", 1),
        ("unoccupied", 0), ("yes", 1), ("No", 0), ("detected", 1), ("clear", 0), ("1", 1), ("0", 0), (" ON \n", 1),
    ])
    func readsBooleanWordsInAnyCase(text: String, expected: Double) {
        #expect(parsePayload(text, window).value == expected)
    }

    @Test(arguments: ["maybe", "2", "0.5", "", "onn", "o"])
    func rejectsOtherWords(text: String) {
        #expect(parsePayload(text, window).reason == .notANumber)
    }

    @Test func listsTheAcceptedWordsInTheDetail() {
        let detail = parsePayload("maybe", window).detail ?? ""
        #expect(detail.hasPrefix("'maybe' is not a boolean word (on/off, true/false"))
    }
}

@Suite struct JSONPayloadTests {
    func json(_ quantity: Quantity, _ path: String, timePath: String? = nil, kind: OccupancyKind? = nil)
        -> SensorBinding
    {
        SensorBinding(
            quantity: quantity, topic: "j", format: .json, path: path, timePath: timePath, occupancyKind: kind)
    }

    let zigbee =
        #"{"battery":100,"humidity":48.2,"linkquality":120,"temperature":21.3,"voltage":3000,"last_seen":"2026-01-12T06:00:00.123+01:00"}"#
    let tasmota =
        #"{"Time":"2026-01-12T06:00:00","SCD30":{"CarbonDioxide":612,"Temperature":21.4,"Humidity":40.1},"TempUnit":"C"}"#

    @Test func readsZigbee2MQTTValuesAndLastSeen() throws {
        let temperature = try parsePayload(zigbee, json(.temperature, "temperature", timePath: "last_seen")).get()
        #expect(temperature.value == 21.3)
        #expect(abs((temperature.time ?? 0) - 1_768_194_000.123) < 1e-6)
        #expect(parsePayload(zigbee, json(.humidity, "humidity")).value == 48.2)
    }

    @Test func readsTasmotaNestedPathInLocalTime() throws {
        let berlin = TimeZoneOffsets(timeZone: TimeZone(identifier: "Europe/Berlin")!)
        let co2 = try parsePayload(tasmota, json(.co2, "SCD30.CarbonDioxide", timePath: "Time"), localTime: berlin)
            .get()
        #expect(co2 == ParsedPayload(value: 612, time: 1_768_194_000))
        #expect(parsePayload(tasmota, json(.temperature, "SCD30.Temperature")).value == 21.4)
        #expect(parsePayload(tasmota, json(.temperature, "SCD30.Temperature", timePath: "Time")).time == 1_768_197_600)
    }

    @Test func readsBooleansAndBooleanStrings() {
        #expect(parsePayload(#"{"occupancy":true}"#, json(.occupancy, "occupancy", kind: .presence)).value == 1)
        #expect(parsePayload(#"{"occupancy":false}"#, json(.occupancy, "occupancy")).value == 0)
        #expect(parsePayload(#"{"state":"ON"}"#, json(.hvac, "state")).value == 1)
        #expect(parsePayload(#"{"contact":false}"#, json(.window, "contact")).value == 0)
        #expect(parsePayload(#"{"relay":"off"}"#, json(.generic("pump"), "relay")).value == 0)
        #expect(parsePayload(#"{"t":true}"#, json(.temperature, "t")).reason == .notANumber)
        #expect(parsePayload(#"{"t":"ON"}"#, json(.temperature, "t")).reason == .notANumber)
    }

    @Test func readsNumbersInsideStrings() {
        #expect(parsePayload(#"{"t":"21.5"}"#, json(.temperature, "t")).value == 21.5)
        #expect(parsePayload(#"{"t":" 21.5 "}"#, json(.temperature, "t")).value == 21.5)
        #expect(parsePayload(#"{"t":"2\u0031"}"#, json(.temperature, "t")).value == 21)
    }

    @Test func walksArrayIndicesAndEscapedKeys() {
        let payload = #"{"a":[{"b":1},{"b":2,"c":[10,20,30]}],"te\u006dp":7}"#
        #expect(parsePayload(payload, json(.generic("x"), "a.0.b")).value == 1)
        #expect(parsePayload(payload, json(.generic("x"), "a.1.c.2")).value == 30)
        #expect(parsePayload(payload, json(.generic("x"), "temp")).value == 7)
        #expect(parsePayload(payload, json(.generic("x"), "a.2.b")).reason == .pathNotFound)
        #expect(parsePayload(#"[5,6]"#, json(.generic("x"), "1")).value == 6)
        #expect(parsePayload(#"{"0":9}"#, json(.generic("x"), "0")).value == 9)
    }

    @Test func looksUpAnInvalidDottedPathAsOneKey() {
        #expect(parsePayload(#"{"a..b":3}"#, json(.generic("x"), "a..b")).value == 3)
    }

    @Test func readsTheWholeDocumentWithoutAPath() {
        let binding = SensorBinding(quantity: .temperature, topic: "j", format: .json)
        #expect(parsePayload("21.5", binding).value == 21.5)
        #expect(parsePayload(#" "19" "#, binding).value == 19)
    }

    @Test func lastDuplicateKeyWins() {
        #expect(parsePayload(#"{"t":1,"t":2}"#, json(.temperature, "t")).value == 2)
    }

    @Test func acceptsWhitespaceAndUnicodeElsewhere() {
        let payload = " {\n\t\"name\" : \"Küche ☕\" ,\r\n \"t\" : -0.5e1 } \n"
        #expect(parsePayload(payload, json(.temperature, "t")).value == -5)
    }

    @Test func rejectsMissingPathWithThePathNamed() {
        let result = parsePayload(#"{"battery":100}"#, json(.temperature, "temperature"))
        #expect(result.reason == .pathNotFound)
        #expect(result.detail == "path 'temperature' not found")
        #expect(
            parsePayload(#"{"temperature":{"value":1}}"#, json(.temperature, "temperature.value.x")).reason
                == .pathNotFound)
        #expect(parsePayload("21.5", json(.temperature, "temperature")).reason == .pathNotFound)
    }

    @Test func rejectsNullAtThePath() {
        let result = parsePayload(#"{"temperature":null}"#, json(.temperature, "temperature"))
        #expect(result.reason == .nullValue)
        #expect(result.detail == "value at 'temperature' is null")
    }

    @Test func rejectsTextAndContainersThatAreNotNumbers() {
        let result = parsePayload(#"{"temperature":"abc"}"#, json(.temperature, "temperature"))
        #expect(result.reason == .notANumber)
        #expect(result.detail == "'abc' at 'temperature' is not a number")
        #expect(parsePayload(#"{"temperature":{"v":1}}"#, json(.temperature, "temperature")).reason == .notANumber)
        #expect(parsePayload(#"{"temperature":[1]}"#, json(.temperature, "temperature")).reason == .notANumber)
    }

    @Test func rejectsNonFiniteValues() {
        #expect(parsePayload(#"{"t":NaN}"#, json(.temperature, "t")).reason == .nonFinite)
        #expect(parsePayload(#"{"t":-Infinity}"#, json(.temperature, "t")).reason == .nonFinite)
        #expect(parsePayload(#"{"t":1e999}"#, json(.temperature, "t")).reason == .nonFinite)
        #expect(parsePayload(#"{"t":"nan"}"#, json(.temperature, "t")).reason == .nonFinite)
    }

    @Test(arguments: [
        #"{"t":21.5"#, #"{"t":21.5,}"#, #"{"t":01}"#, #"{'t':1}"#, #"{"t":1}}"#, #"{"t" 1}"#, #"{"t":.5}"#,
        #"{"t":1.}"#, #"{"t":+1}"#, "{\"t\":\"a\u{1}\"}", #"{"t":"\x"}"#, #"{"t":"\u12"}"#, #"{"t":tru}"#, "", "  ",
        #"{"t":1} x"#, #"[1,2"#, #"{"t":-}"#, #"{"t":1e}"#, #"{"a":"unterminated}"#,
    ])
    func rejectsInvalidJSON(payload: String) {
        #expect(parsePayload(payload, json(.temperature, "t")).reason == .invalidJSON)
    }

    @Test func saysWhereTheJSONBreaks() {
        #expect(
            parsePayload(#"{"t":01}"#, json(.temperature, "t")).detail
                == "unexpected '1' at offset 6 where ',' or '}' should be")
    }

    @Test func rejectsDeepNestingAtTheLimit() {
        let depth32 = String(repeating: "[", count: 32) + String(repeating: "]", count: 32)
        let depth33 = String(repeating: "[", count: 33) + String(repeating: "]", count: 33)
        #expect(parsePayload(depth32, json(.temperature, "t")).reason == .pathNotFound)
        #expect(parsePayload(depth33, json(.temperature, "t")).reason == .tooDeep)
        let deepObject = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
        let result = parsePayload(deepObject, json(.temperature, "a"))
        #expect(result.reason == .tooDeep)
        #expect(result.detail == "JSON nests deeper than 32 levels")
    }

    @Test func readsTimestampsAsUnixSecondsOrMilliseconds() {
        let binding = json(.temperature, "t", timePath: "ts")
        #expect(parsePayload(#"{"t":1,"ts":1768197600}"#, binding).time == 1_768_197_600)
        #expect(parsePayload(#"{"t":1,"ts":1768197600123}"#, binding).time == 1_768_197_600.123)
        #expect(parsePayload(#"{"t":1,"ts":"1768197600"}"#, binding).time == 1_768_197_600)
        #expect(parsePayload(#"{"t":1,"ts":"2026-01-12T06:00:00Z"}"#, binding).time == 1_768_197_600)
        #expect(parsePayload(#"{"t":1,"ts":null}"#, binding).time == .some(nil))
        #expect(parsePayload(#"{"t":1}"#, binding).time == .some(nil))
    }

    @Test func rejectsBadTimestamps() {
        let binding = json(.temperature, "t", timePath: "ts")
        let result = parsePayload(#"{"t":1,"ts":"yesterday"}"#, binding)
        #expect(result.reason == .badTimestamp)
        #expect(result.detail == "time 'yesterday' at 'ts' is not a timestamp")
        #expect(parsePayload(#"{"t":1,"ts":true}"#, binding).reason == .badTimestamp)
        #expect(parsePayload(#"{"t":1,"ts":{"s":1}}"#, binding).reason == .badTimestamp)
        #expect(parsePayload(#"{"t":1,"ts":"2026-02-30T00:00:00Z"}"#, binding).reason == .badTimestamp)
    }
}

@Suite struct GarbagePayloadTests {
    let plain = SensorBinding(quantity: .temperature, topic: "t")
    let json = SensorBinding(quantity: .temperature, topic: "t", format: .json, path: "temperature")

    @Test func rejectsBinaryBytesAsInvalidUTF8() {
        let binary: [UInt8] = [0x00, 0xFF, 0xFE, 0x13, 0x80, 0x7F]
        #expect(parsePayload(binary, plain).reason == .invalidUTF8)
        #expect(parsePayload(binary, json).reason == .invalidUTF8)
    }

    @Test(
        arguments: [
            [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF8],
            [0xC3], [0x32, 0x31, 0xE2, 0x82],
        ] as [[UInt8]])
    func rejectsInvalidUTF8(bytes: [UInt8]) {
        #expect(parsePayload(bytes, plain).reason == .invalidUTF8)
    }

    @Test func acceptsValidMultibyteUTF8() {
        let payload = Array(#"{"name":"Zimmer Ü €😀","temperature":20}"#.utf8)
        #expect(parsePayload(payload, json).value == 20)
    }

    @Test func rejectsValidUTF8ControlBytesAsNotANumber() {
        #expect(parsePayload([0x00, 0x01, 0x02], plain).reason == .notANumber)
        #expect(parsePayload([0x00, 0x01, 0x02], json).reason == .invalidJSON)
    }

    @Test func rejectsAMegabytePayloadBeforeParsing() {
        let big = [UInt8](repeating: UInt8(ascii: "1"), count: 1 << 20)
        let result = parsePayload(big, plain)
        #expect(result.reason == .oversized)
        #expect(result.detail == "payload of 1048576 bytes exceeds the limit of 65536 bytes")
        let limited = PayloadParser(binding: plain, maxPayloadBytes: 4)
        #expect(throws: PayloadRejection.self) { try limited.parse(Array("12345".utf8), topic: "t") }
    }

    @Test func survivesRandomBytes() {
        var generator = SplitMix64(seed: 42)
        let parsers = [plain, json, SensorBinding(quantity: .window, topic: "t", format: .boolean)].map {
            PayloadParser(binding: $0)
        }
        for round in 0..<3_000 {
            let count = Int(generator.next() % 64)
            let alphabet = Array(#"{}[]":,.-+eE0123456789 tnrufalse\"#.utf8)
            let payload = (0..<count).map { _ in
                round % 2 == 0
                    ? UInt8(truncatingIfNeeded: generator.next())
                    : alphabet[Int(generator.next() % UInt64(alphabet.count))]
            }
            for parser in parsers {
                _ = try? parser.parse(payload, topic: "t")
            }
        }
    }
}
