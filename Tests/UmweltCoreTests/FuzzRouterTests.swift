import Foundation
import Testing
import UmweltCore

/// Seeded property-based fuzzing of the router and the payload parser: random bytes,
/// mutated device payloads, structured random JSON and random topics. Every case must give
/// readings or known rejections, valid readings, and the same answer twice.
@Suite struct FuzzRouterTests {
    /// 2026-01-12T06:00:00Z, the centre of the arrival times.
    static let arrival = 1_768_197_600.0

    /// Bindings for every format, unit and wildcard, next to the demo twin.
    static let fuzzTwinYAML = """
        twin: fuzz
        timezone: America/New_York
        zones:
          - id: a
            sensors:
              - { quantity: temperature, topic: fuzz/+/json, path: v, time_path: t }
              - { quantity: generic-x, topic: fuzz/+/json, path: a.0.b }
              - { quantity: occupancy, topic: fuzz/count, kind: count }
              - { quantity: window, topic: fuzz/window, format: boolean }
              - { quantity: temperature, topic: fuzz/kelvin, unit: K }
              - { quantity: humidity, topic: fuzz/fraction, unit: fraction }
              - { quantity: energy, topic: fuzz/energy, unit: kWh }
              - { quantity: co2, topic: fuzz/deep/# }
              - { quantity: temperature, topic: zigbee2mqtt/+, format: json, path: temperature, time_path: last_seen }
              - { quantity: generic-doc, topic: "+/+", format: json, path: Time, time_path: Time }

        """

    static func twins() throws -> [TwinDefinition] {
        [
            try TwinFileParser.load(path: packageRoot() + "/Twins/demo-office.yaml"),
            try TwinFileParser.parse(yaml: fuzzTwinYAML, path: "fuzz.yaml"),
        ]
    }

    @Test func randomBytesOnRandomTopicsGiveReadingsOrKnownRejections() throws {
        try fuzz(FuzzPlan(seed: 0x5EED_0001, iterations: 3_000), minimumReasons: 3) { random in
            (FuzzPayloads.topic(using: &random), FuzzPayloads.randomBytes(using: &random))
        }
    }

    @Test func mutatedDevicePayloadsGiveReadingsOrKnownRejections() throws {
        try fuzz(FuzzPlan(seed: 0x5EED_0002, iterations: 30_000), minimumReasons: 8) { random in
            (random.pick(FuzzPayloads.knownTopics), FuzzPayloads.mutatedValid(using: &random))
        }
    }

    @Test func structuredRandomJSONGivesReadingsOrKnownRejections() throws {
        try fuzz(FuzzPlan(seed: 0x5EED_0003, iterations: 30_000), minimumReasons: 8) { random in
            let topic =
                random.chance(0.9)
                ? random.pick(FuzzPayloads.knownTopics) : FuzzPayloads.topic(using: &random)
            return (topic, FuzzPayloads.structuredJSON(using: &random))
        }
    }

    /// Routes `plan.iterations` generated messages twice each, through the router and every
    /// binding's parser, and checks the properties; stops at the first violating case.
    private func fuzz(
        _ plan: FuzzPlan,
        minimumReasons: Int,
        sourceLocation: SourceLocation = #_sourceLocation,
        _ generate: (inout FuzzRandom) -> (topic: String, payload: [UInt8])
    ) throws {
        let twins = try Self.twins()
        let router = Router(twins: twins)
        let parsers = twins.flatMap { twin in
            twin.zones.flatMap { zone in zone.sensors.map { PayloadParser(binding: $0, timeZone: .gmt) } }
        }
        let residentBefore = ProcessMemory.residentBytes()
        var tally = FuzzTally()
        for iteration in 0..<plan.iterations {
            var random = FuzzRandom(seed: plan.seed, iteration: iteration)
            let (topic, payload) = generate(&random)
            let days = random.chance(0.8) ? 3 : 365
            let arrival = Self.arrival + Double(random.int(-86_400 * days...86_400 * days))
            var problems = RoutingProperties.violations(
                router, topic: topic, payload: payload, arrival: arrival, tally: &tally)
            problems += RoutingProperties.violations(random.pick(parsers), topic: topic, payload: payload)
            if !problems.isEmpty {
                let report =
                    "\(problems.joined(separator: "; "))\n topic '\(shown(Array(topic.utf8)))'\n payload "
                    + "'\(shown(payload))'\n arrival \(arrival)\n \(plan.reproduction(iteration: iteration))"
                Issue.record(Comment(rawValue: report), sourceLocation: sourceLocation)
                return
            }
        }
        #expect(
            tally.readings > 0 && tally.rejections.count >= minimumReasons,
            "the generator reaches too few outcomes: \(tally)", sourceLocation: sourceLocation)
        let growth = ProcessMemory.residentBytes() - residentBefore
        #expect(
            growth < ProcessMemory.maxGrowthBytes, "resident memory grew by \(growth) bytes",
            sourceLocation: sourceLocation)
    }
}

/// The properties every routed message must have.
enum RoutingProperties {
    /// What is wrong with routing `payload` on `topic` (empty when nothing is).
    static func violations(
        _ router: Router, topic: String, payload: [UInt8], arrival: Double, tally: inout FuzzTally
    ) -> [String] {
        let first = router.route(topic: topic, payload: payload, arrivalTime: arrival)
        let second = router.route(topic: topic, payload: payload, arrivalTime: arrival)
        var problems: [String] = []
        if first.isEmpty { problems.append("no outcome at all") }
        if first.map(\.twin) != second.map(\.twin)
            || !zip(first, second).allSatisfy({
                $0.result.readings == $1.result.readings && $0.result.rejections == $1.result.rejections
            })
        {
            problems.append("routing the same message twice differs")
        }
        for (twin, result) in first {
            tally.count(result)
            if result.readings.isEmpty, result.rejections.isEmpty {
                problems.append("twin '\(twin)' has an empty outcome")
            }
            if twin.isEmpty,
                result.rejections.map(\.reason) != [.unknownTopic] || !result.readings.isEmpty
            {
                problems.append("an unrouted message must be exactly one unknown_topic rejection")
            }
            for rejection in result.rejections {
                if rejection.topic != topic {
                    problems.append("rejection names topic '\(rejection.topic)'")
                }
                if rejection.detail.isEmpty {
                    problems.append("\(rejection.reason.rawValue) without a detail")
                }
            }
            for reading in result.readings {
                problems += violations(reading, arrival: arrival)
            }
        }
        return problems
    }

    /// What is wrong with one reading: a non-finite or impossible value, or a time outside
    /// [2000-01-01, arrival + 1 day].
    static func violations(_ reading: Reading, arrival: Double) -> [String] {
        var problems: [String] = []
        if !reading.value.isFinite || !reading.quantity.possibleRange.contains(reading.value) {
            problems.append("\(reading.quantity) reading \(reading.value) is impossible")
        }
        let latest = arrival + Router.maxPayloadTimeAheadSeconds
        if !(reading.time >= Router.earliestPayloadTime && reading.time <= latest) {
            problems.append("reading time \(formatRFC3339(reading.time)) is outside 2000...arrival+1d")
        }
        if reading.quantity == .occupancy, reading.occupancyKind == .presence, reading.value != 0,
            reading.value != 1
        {
            problems.append("presence reading \(reading.value) is not 0 or 1")
        }
        return problems
    }

    /// What is wrong with one binding's parse: a non-finite value or time, or a rejection
    /// without a topic or detail.
    static func violations(_ parser: PayloadParser, topic: String, payload: [UInt8]) -> [String] {
        do {
            let parsed = try parser.parse(payload, topic: topic)
            if !parsed.value.isFinite { return ["parser returned the value \(parsed.value)"] }
            if let time = parsed.time, !time.isFinite { return ["parser returned the time \(time)"] }
            return []
        } catch {
            if error.topic != topic || error.detail.isEmpty {
                return ["parser rejection \(error) is incomplete"]
            }
            return []
        }
    }
}

/// How many readings and rejections of each reason a fuzz run produced: a generator that
/// never reaches a reading tests little.
struct FuzzTally {
    var readings = 0
    var rejections: [String: Int] = [:]

    mutating func count(_ message: RoutedMessage) {
        readings += message.readings.count
        for rejection in message.rejections { rejections[rejection.reason.rawValue, default: 0] += 1 }
    }
}
