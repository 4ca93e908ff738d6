import UmweltCore

/// Writes the messages a twin's sensors send, in the twin's own topics and payload formats.
///
/// Bindings sharing a topic form one device: one message per report holding all their
/// values (JSON objects nested along the dotted paths). Climate sensors, counters and
/// controls report every tick; a topic whose bindings are all presence or window states
/// reports on change and at least every `presenceHeartbeatSeconds`.
///
/// Payload details by device, recognised from the topic and time path:
/// - Zigbee2MQTT (`zigbee2mqtt/…` or time path `last_seen`): adds `battery`, `linkquality`,
///   `voltage` (and `contact` for windows); `last_seen` is RFC 3339 local time with offset.
/// - Tasmota (time path `Time`): `Time` first, in local time without offset; adds
///   `DewPoint` beside a temperature and humidity pair and `TempUnit`.
/// - A time path named `time`: Unix milliseconds as a number.
/// - Other time paths: RFC 3339 with offset.
/// Formats: `plain` writes the number (or `ON`/`OFF` for states), `boolean` writes
/// `ON`/`OFF`, `json` writes numbers and JSON booleans. A wildcard topic is published with
/// the zone id in place of `+` and `#`. Bindings whose format differs from the first
/// binding of their topic are not written; generic quantities are not simulated.
struct PayloadComposer: Sendable {
    struct Member: Sendable {
        var zone: String
        var binding: SensorBinding
        /// The JSON path's components; nil writes the value as the whole document.
        var path: [String]?
    }

    enum TimeStyle: Sendable {
        case tasmotaLocal
        case rfc3339
        case unixMilliseconds

        init(timePath: [String]) {
            switch timePath.last {
            case "Time": self = .tasmotaLocal
            case "time": self = .unixMilliseconds
            default: self = .rfc3339
            }
        }
    }

    struct TopicGroup: Sendable {
        var topic: String
        var format: SensorBinding.Format
        var members: [Member]
        var timePath: [String]?
        var isZigbee: Bool
        var isTasmota: Bool
        var isEventDriven: Bool
        var lastReport: Double?
        var lastStates: [Double] = []
        var batteryAtStart: Double
        var linkQuality: Int
    }

    private var groups: [TopicGroup] = []
    private var noise: SimulationRandom
    private var deviceRandom: SimulationRandom
    private let start: Double

    init(twin: TwinDefinition, seed: UInt64, start: Double) {
        noise = SimulationRandom(seed: seed, stream: "sensor-noise")
        deviceRandom = SimulationRandom(seed: seed, stream: "devices")
        self.start = start
        var indexByTopic: [String: Int] = [:]
        for zone in twin.zones {
            for binding in zone.sensors {
                let topic = Self.publishedTopic(binding.topic, zone: zone.id)
                let member = Member(
                    zone: zone.id,
                    binding: binding,
                    path: binding.format == .json ? binding.path.map { $0.split(separator: ".").map(String.init) } : nil
                )
                if let index = indexByTopic[topic] {
                    guard groups[index].format == binding.format else { continue }
                    groups[index].members.append(member)
                    if groups[index].timePath == nil, let timePath = member.binding.timePath {
                        groups[index].timePath = timePath.split(separator: ".").map(String.init)
                    }
                    groups[index].isEventDriven = groups[index].isEventDriven && SensorReading.isBooleanLike(binding)
                    continue
                }
                let timePath = binding.timePath.map { $0.split(separator: ".").map(String.init) }
                indexByTopic[topic] = groups.count
                groups.append(
                    TopicGroup(
                        topic: topic,
                        format: binding.format,
                        members: [member],
                        timePath: timePath,
                        isZigbee: topic.hasPrefix("zigbee2mqtt/") || timePath?.last == "last_seen",
                        isTasmota: timePath?.last == "Time",
                        isEventDriven: SensorReading.isBooleanLike(binding),
                        batteryAtStart: deviceRandom.uniform(55...100),
                        linkQuality: deviceRandom.integer(40...200)
                    )
                )
            }
        }
    }

    /// The topic a binding's sensor publishes on: wildcards replaced by the zone id.
    static func publishedTopic(_ filter: String, zone: String) -> String {
        filter.split(separator: "/", omittingEmptySubsequences: false)
            .map { $0 == "+" || $0 == "#" ? zone : String($0) }
            .joined(separator: "/")
    }

    /// The messages due at `time`; `value` gives a binding's true canonical value (nil: not simulated).
    mutating func compose(
        time: Double,
        clock: LocalClock,
        isNoisy: Bool,
        heartbeatSeconds: Double,
        adjust: (_ zone: String, _ binding: SensorBinding, _ measured: Double) -> Double = { $2 },
        value: (_ zone: String, _ binding: SensorBinding) -> Double?
    ) -> [SimulatedMessage] {
        var messages: [SimulatedMessage] = []
        for index in groups.indices {
            var group = groups[index]
            var present: [(member: Member, canonical: Double)] = []
            for member in group.members {
                if let canonical = value(member.zone, member.binding) { present.append((member, canonical)) }
            }
            guard !present.isEmpty else { continue }
            if group.isEventDriven {
                let states = present.map(\.canonical)
                if let last = group.lastReport, states == group.lastStates, time - last < heartbeatSeconds - 1e-6 {
                    continue
                }
                group.lastStates = states
            }
            group.lastReport = time
            let payload = payload(for: &group, present, time: time, clock: clock, isNoisy: isNoisy, adjust: adjust)
            groups[index] = group
            messages.append(SimulatedMessage(time: time, topic: group.topic, payload: Array(payload.utf8)))
        }
        return messages
    }

    private mutating func payload(
        for group: inout TopicGroup,
        _ present: [(member: Member, canonical: Double)],
        time: Double,
        clock: LocalClock,
        isNoisy: Bool,
        adjust: (_ zone: String, _ binding: SensorBinding, _ measured: Double) -> Double
    ) -> String {
        let measured = present.map { entry in
            adjust(
                entry.member.zone, entry.member.binding,
                SensorReading.measure(
                    entry.canonical, quantity: entry.member.binding.quantity, noise: &noise, isNoisy: isNoisy))
        }
        let readings = zip(present, measured).map { SensorReading(measured: $1, binding: $0.member.binding) }
        switch group.format {
        case .plain: return readings[0].plainText
        case .boolean: return readings[0].booleanText
        case .json: break
        }
        if let root = present.firstIndex(where: { $0.member.path == nil }) {
            var text = ""
            readings[root].json.write(into: &text)
            return text
        }
        var object = JSONObject()
        let timeValue = group.timePath.map { Self.timeValue(time, style: TimeStyle(timePath: $0), clock: clock) }
        if group.isTasmota, let timePath = group.timePath, let timeValue { object.set(timeValue, at: timePath[...]) }
        for (entry, reading) in zip(present, readings) {
            object.set(reading.json, at: (entry.member.path ?? [])[...])
        }
        if group.isTasmota { addTasmotaExtras(to: &object, present, measured) }
        if group.isZigbee { addZigbeeExtras(to: &object, &group, present, time: time) }
        if !group.isTasmota, let timePath = group.timePath, let timeValue { object.set(timeValue, at: timePath[...]) }
        return object.serialised
    }

    static func timeValue(_ time: Double, style: TimeStyle, clock: LocalClock) -> JSONValue {
        switch style {
        case .tasmotaLocal: .string(clock.tasmotaTimestamp(time))
        case .rfc3339: .string(clock.rfc3339Timestamp(time))
        case .unixMilliseconds: .number(String(Int64((time * 1000).rounded())))
        }
    }

    /// `DewPoint` beside each temperature that has a humidity in the same object, and `TempUnit`.
    private func addTasmotaExtras(
        to object: inout JSONObject,
        _ present: [(member: Member, canonical: Double)],
        _ measured: [Double]
    ) {
        let paths = Set(present.compactMap { $0.member.path })
        var temperatureUnit: MeasurementUnit?
        for (index, entry) in present.enumerated() where entry.member.binding.quantity == .temperature {
            let unit = entry.member.binding.unit ?? .degC
            temperatureUnit = temperatureUnit ?? unit
            guard let path = entry.member.path, path.count >= 2 else { continue }
            let parent = Array(path.dropLast())
            guard
                let humidity = present.firstIndex(where: {
                    $0.member.binding.quantity == .humidity && $0.member.path.map { Array($0.dropLast()) } == parent
                }),
                !paths.contains(parent + ["DewPoint"])
            else { continue }
            let relative = present[humidity].member.binding.unit.map {
                $0.convertToCanonical(measured[humidity], for: .humidity)
            }
            let dewPoint = Psychrometrics.dewPoint(
                celsius: measured[index], relativeHumidity: relative ?? measured[humidity])
            let reported = unit.convertFromCanonical(dewPoint, for: .temperature)
            object.set(.number(SensorReading.format(reported, decimals: 1)), at: (parent + ["DewPoint"])[...])
        }
        if let temperatureUnit {
            object.add("TempUnit", .string(temperatureUnit == .degF ? "F" : temperatureUnit == .K ? "K" : "C"))
        }
    }

    /// `battery` (slowly draining), `linkquality` (wandering), `voltage`, and `contact` for windows.
    private mutating func addZigbeeExtras(
        to object: inout JSONObject,
        _ group: inout TopicGroup,
        _ present: [(member: Member, canonical: Double)],
        time: Double
    ) {
        if let window = present.first(where: { $0.member.binding.quantity == .window }) {
            object.add("contact", .bool(window.canonical < 0.5))
        }
        let battery = max(5, group.batteryAtStart - 0.3 * (time - start) / 86_400)
        group.linkQuality = min(max(group.linkQuality + deviceRandom.integer(-6...6), 15), 255)
        object.add("battery", .number(String(Int(battery.rounded()))))
        object.add("linkquality", .number(String(group.linkQuality)))
        object.add("voltage", .number(String(Int(2_700 + 4 * battery))))
    }
}
