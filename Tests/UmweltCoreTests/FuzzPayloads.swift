/// Generators of MQTT payloads and topics for the router fuzz tests.
enum FuzzPayloads {
    /// Payloads as real devices send them, the seeds of the mutations.
    static let valid: [String] = [
        #"{"temperature":21.5,"humidity":45.2,"last_seen":"2026-01-12T06:00:00.000Z","linkquality":120}"#,
        #"{"occupancy":true,"last_seen":1768197600000,"battery":97}"#,
        #"{"contact_open":false,"last_seen":"2026-01-12T05:59:30+01:00"}"#,
        #"{"Time":"2026-01-12T07:00:00","SCD30":{"CarbonDioxide":612,"Temperature":21.3,"Humidity":40.1},"TempUnit":"C"}"#,
        #"{"temperature":-3.5,"humidity":88,"solar":120.5,"time":1768197600}"#,
        #"{"v":21.5,"t":"2026-01-12T06:00:00Z","a":[{"b":"1e3"}]}"#,
        "21.5", "-0", "68.0", "ON", "OFF", "open", "closed", "\"21.5\"", " 412 ", "1", "0", "true",
        "2026-01-12T06:00:00Z", "1768197600", "1768197600000", "7", "293.15", "0.45",
    ]

    /// Keys the bindings' paths use, so that generated documents often hit a path.
    static let keys = [
        "temperature", "humidity", "occupancy", "last_seen", "SCD30", "Temperature", "CarbonDioxide",
        "Humidity",
        "Time", "contact_open", "solar", "time", "v", "t", "a", "b", "0", "", "tempérâture", "\u{0}",
    ]

    /// Any bytes, usually short.
    static func randomBytes(using random: inout FuzzRandom) -> [UInt8] {
        random.bytes(count: random.chance(0.05) ? random.int(0...70_000) : random.int(0...64))
    }

    /// A valid payload with a few mutations.
    static func mutatedValid(using random: inout FuzzRandom) -> [UInt8] {
        FuzzMutator.mutate(Array(random.pick(valid).utf8), using: &random)
    }

    /// A random JSON document (sometimes nested up to 200 deep), possibly mutated.
    static func structuredJSON(using random: inout FuzzRandom) -> [UInt8] {
        var text = ""
        if random.chance(0.1) {
            let depth = random.int(1...200)
            let opener = random.chance(0.5) ? "[" : "{\"temperature\":"
            let closer = opener == "[" ? "]" : "}"
            text = String(repeating: opener, count: depth) + "1" + String(repeating: closer, count: depth)
        } else {
            appendValue(to: &text, depth: random.int(0...6), using: &random)
        }
        let bytes = Array(text.utf8)
        return random.chance(0.3) ? FuzzMutator.mutate(bytes, using: &random) : bytes
    }

    private static func appendValue(to text: inout String, depth: Int, using random: inout FuzzRandom) {
        switch random.int(0..<(depth > 0 ? 8 : 6)) {
        case 0, 1: text += number(using: &random)
        case 2: appendString(to: &text, using: &random)
        case 3: text += timestamp(using: &random)
        case 4: text += random.pick(["true", "false", "null", "NaN", "Infinity", "-Infinity"])
        case 5: text += "\"" + number(using: &random) + "\""
        case 6:
            text += "["
            for index in 0..<random.int(0...5) {
                if index > 0 { text += "," }
                appendValue(to: &text, depth: depth - 1, using: &random)
            }
            text += "]"
        default:
            text += "{"
            for index in 0..<random.int(0...6) {
                if index > 0 { text += random.chance(0.02) ? "" : "," }
                text += "\"" + random.pick(keys) + "\"" + (random.chance(0.5) ? ":" : " : ")
                appendValue(to: &text, depth: depth - 1, using: &random)
            }
            text += "}"
        }
    }

    /// A number in JSON's grammar or near it: huge, tiny, `-0`, leading zeros, long digit runs.
    static func number(using random: inout FuzzRandom) -> String {
        switch random.int(0..<10) {
        case 0:
            return random.pick([
                "1e999", "-1e999", "1e400", "1e-400", "-0", "0", "-0.0", "1E+2", "4.9e-324",
            ])
        case 1:
            return random.pick(["007", "01.5", "1.", ".5", "+1", "1e", "-", "0x10", "1_000", "--1"])
        case 2: return String(repeating: "9", count: random.int(16...400))
        case 3: return "0." + String(repeating: "0", count: random.int(1...400)) + "1"
        case 4: return String(random.int(-100_000...100_000))
        case 5: return String(Double.random(in: -1e12...1e12, using: &random))
        case 6: return "\(random.int(1...9))e\(random.int(-330...330))"
        default: return String(Double.random(in: -100...100, using: &random))
        }
    }

    private static func appendString(to text: inout String, using random: inout FuzzRandom) {
        text += "\""
        for _ in 0..<(random.chance(0.05) ? random.int(1_000...20_000) : random.int(0...12)) {
            switch random.int(0..<8) {
            case 0:
                text += random.pick([
                    "\\ud800", "\\udfff", "\\ud83d\\ude00", "\\u0041", "\\u0000", "\\uFFFF",
                ])
            case 1: text += random.pick(["\\n", "\\\"", "\\\\", "\\/", "\\t", "\\b"])
            case 2: text.unicodeScalars.append(Unicode.Scalar(UInt8(random.int(0x20...0x7E))))
            case 3: text += random.pick(["é", "😀", "\u{FEFF}", "中", " "])
            default: text += String(random.int(0...9))
            }
        }
        text += "\""
    }

    /// A timestamp a sensor could send (or nearly): RFC 3339 in many shapes, Unix s or ms.
    static func timestamp(using random: inout FuzzRandom) -> String {
        let year = random.pick([1900, 1970, 1999, 2000, 2026, 2026, 2026, 2100, 3000, 9999])
        let month = random.int(0...13)
        let day = random.int(0...32)
        let hour = random.int(0...25)
        let minute = random.int(0...61)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let date = "\(year)-\(two(month))-\(two(day))"
        let zone = random.pick(["Z", "+01:00", "-05:30", "", "+2400", "z", "+01"])
        switch random.int(0..<6) {
        case 0: return "\"\(date)T\(two(hour)):\(two(minute)):\(two(random.int(0...61)))\(zone)\""
        case 1:
            return "\"\(date) \(two(hour)):\(two(minute)):00.\(random.int(0...999_999_999))\(zone)\""
        case 2: return String(1_768_197_600 + random.int(-400_000...400_000))
        case 3: return String(1_768_197_600_000 + random.int(-400_000_000...400_000_000))
        case 4: return "\"\(1_768_197_600 + random.int(-400_000...400_000))\""
        default: return "\"2026-01-12T06:00:00Z\""
        }
    }

    /// Topics the twins subscribe to, and their near misses.
    static let knownTopics = [
        "zigbee2mqtt/meeting_sensor", "zigbee2mqtt/meeting_pir", "site/meeting-room/co2",
        "site/meeting-room/setpoint",
        "site/meeting-room/valve", "tele/open_office/SENSOR", "site/open-office/people",
        "zigbee2mqtt/kitchen_window",
        "site/kitchen/presence", "shellies/focus-room/temperature", "weather/outdoor", "fuzz/x/json",
        "fuzz/count",
        "fuzz/window", "fuzz/kelvin", "fuzz/fraction", "fuzz/energy", "fuzz/deep", "fuzz/deep/a/b",
    ]

    /// A topic: a known one (often), a mutation of one, wildcards, `$SYS`, empty levels,
    /// a NUL byte or a very long one.
    static func topic(using random: inout FuzzRandom) -> String {
        switch random.int(0..<10) {
        case 0...4: return random.pick(knownTopics)
        case 5:
            return String(
                decoding: FuzzMutator.mutate(Array(random.pick(knownTopics).utf8), using: &random),
                as: UTF8.self)
        case 6:
            return random.pick([
                "#", "+", "fuzz/+/json", "fuzz/#", "$SYS/broker/uptime", "$SYS/fuzz/deep", "/", "//",
            ])
        case 7:
            return random.pick([
                "fuzz//json", "fuzz/deep/", "/fuzz/count", "fuzz/count/", "", "fuzz/x\u{0}/json",
            ])
        case 8:
            return "fuzz/"
                + String(repeating: random.pick(["a", "/", "a/"]), count: random.int(1_000...70_000))
        default: return random.pick(knownTopics) + "/" + random.pick(["", "+", "#", "x", "\u{0}", "é"])
        }
    }
}
