import Foundation

/// What one MQTT message became for one twin.
public struct RoutedMessage: Sendable {
    /// Validated readings in canonical units.
    public var readings: [Reading]
    /// Why parts of the message were dropped.
    public var rejections: [PayloadRejection]

    /// A routed message with the given readings and rejections.
    public init(readings: [Reading] = [], rejections: [PayloadRejection] = []) {
        self.readings = readings
        self.rejections = rejections
    }
}

/// Maps MQTT messages to validated readings through the twins' sensor bindings.
///
/// Exact topics are found in a dictionary (O(1) in the number of bindings); wildcard
/// filters are tried one by one. Every binding of a topic parses the payload; values are
/// converted to canonical units and checked against the quantity's possible range, and a
/// payload time must lie between 2000-01-01 and a day after arrival.
///
/// A binding whose JSON path is missing is a `pathNotFound` rejection only when no other
/// binding made a reading from the same message: Zigbee2MQTT devices send partial updates.
/// Identical rejections of one message for one twin (an oversized or broken payload seen
/// by several bindings) count once.
///
/// Immutable and `Sendable`: share one router between tasks. `route` uses no Foundation,
/// no regex and no JSON framework; build the router once (its initialiser precomputes the
/// time zones' offsets).
public struct Router: Sendable {
    /// Payload times before this (2000-01-01T00:00:00Z, Unix seconds) are rejected.
    public static let earliestPayloadTime = 946_684_800.0
    /// Payload times more than this many seconds after arrival are rejected.
    public static let maxPayloadTimeAheadSeconds = 86_400.0

    struct Route: Sendable {
        var twinIndex: Int
        var zone: String
        var sensorIndex: Int
        var parser: PayloadParser
    }

    struct WildcardRoute: Sendable {
        var filter: TopicFilter
        var routes: [Int]
    }

    private let twinIDs: [String]
    private let routes: [Route]
    private let exactRoutes: [String: [Int]]
    private let wildcardRoutes: [WildcardRoute]
    /// Every distinct topic filter of all bindings (what to subscribe to), sorted.
    public let subscriptions: [String]
    /// Payloads above this size are rejected as `oversized` before parsing.
    public let maxPayloadBytes: Int

    /// A router over every binding of `twins`. Bindings with an invalid topic filter are
    /// skipped (`TwinFileParser` never produces them).
    public init(twins: [TwinDefinition], maxPayloadBytes: Int = 65_536) {
        var routes: [Route] = []
        var exact: [String: [Int]] = [:]
        var wildcardIndex: [String: Int] = [:]
        var wildcards: [WildcardRoute] = []
        var offsetsByZone: [String: TimeZoneOffsets] = [:]
        for (twinIndex, twin) in twins.enumerated() {
            let localTime =
                offsetsByZone[twin.timezone]
                ?? TimeZone(identifier: twin.timezone).map { TimeZoneOffsets(timeZone: $0) }
                ?? .utc
            offsetsByZone[twin.timezone] = localTime
            for zone in twin.zones {
                for (sensorIndex, binding) in zone.sensors.enumerated() {
                    guard let filter = TopicFilter(binding.topic) else { continue }
                    let parser = PayloadParser(binding: binding, localTime: localTime, maxPayloadBytes: maxPayloadBytes)
                    routes.append(Route(twinIndex: twinIndex, zone: zone.id, sensorIndex: sensorIndex, parser: parser))
                    if !filter.hasWildcards {
                        exact[binding.topic, default: []].append(routes.count - 1)
                    } else if let index = wildcardIndex[binding.topic] {
                        wildcards[index].routes.append(routes.count - 1)
                    } else {
                        wildcardIndex[binding.topic] = wildcards.count
                        wildcards.append(WildcardRoute(filter: filter, routes: [routes.count - 1]))
                    }
                }
            }
        }
        self.twinIDs = twins.map(\.id)
        self.routes = routes
        self.exactRoutes = exact
        self.wildcardRoutes = wildcards
        self.subscriptions = (Array(exact.keys) + Array(wildcardIndex.keys)).sorted()
        self.maxPayloadBytes = maxPayloadBytes
    }

    /// Routes one message; `arrivalTime` is Unix seconds. Returns readings and rejections
    /// per twin id, in the order of the twins' first matching binding.
    ///
    /// A topic no binding subscribes to gives one `unknownTopic` rejection under twin "".
    public func route(topic: String, payload: [UInt8], arrivalTime: Double) -> [(twin: String, result: RoutedMessage)] {
        var outcome = RoutingOutcome()
        if let indices = exactRoutes[topic] {
            for index in indices {
                apply(routes[index], topic: topic, payload: payload, arrivalTime: arrivalTime, to: &outcome)
            }
        }
        if !wildcardRoutes.isEmpty {
            var topicText = topic
            topicText.withUTF8 { topicBytes in
                for wildcard in wildcardRoutes where wildcard.filter.matches(topicBytes) {
                    for index in wildcard.routes {
                        apply(routes[index], topic: topic, payload: payload, arrivalTime: arrivalTime, to: &outcome)
                    }
                }
            }
        }
        if !outcome.matchedAnyRoute {
            let rejection = PayloadRejection(
                topic: topic,
                reason: .unknownTopic,
                detail: "no binding subscribes to this topic"
            )
            return [(twin: "", result: RoutedMessage(rejections: [rejection]))]
        }
        if !outcome.madeAnyReading {
            for (twinIndex, rejection) in outcome.missingPaths {
                outcome.add(rejection, twinIndex: twinIndex)
            }
        }
        return outcome.messages.map { (twin: twinIDs[$0.twinIndex], result: $0.message) }
    }

    private func apply(
        _ route: Route,
        topic: String,
        payload: [UInt8],
        arrivalTime: Double,
        to outcome: inout RoutingOutcome
    ) {
        outcome.matchedAnyRoute = true
        do {
            let parsed = try route.parser.parse(payload, topic: topic)
            let reading = try validate(parsed, route: route, topic: topic, arrivalTime: arrivalTime)
            outcome.madeAnyReading = true
            outcome.add(reading, twinIndex: route.twinIndex)
        } catch {
            if error.reason == .pathNotFound {
                outcome.missingPaths.append((route.twinIndex, error))
            } else {
                outcome.add(error, twinIndex: route.twinIndex)
            }
        }
    }

    /// Converts to canonical units and checks the value's range and the payload's time.
    private func validate(
        _ parsed: ParsedPayload,
        route: Route,
        topic: String,
        arrivalTime: Double
    ) throws(PayloadRejection) -> Reading {
        let binding = route.parser.binding
        let quantity = binding.quantity
        var value = binding.unit.map { $0.convertToCanonical(parsed.value, for: quantity) } ?? parsed.value
        guard value.isFinite else {
            throw PayloadRejection(
                topic: topic, reason: .nonFinite, detail: "\(parsed.value) is not finite in canonical units")
        }
        let possible = quantity.possibleRange
        guard possible.contains(value) else {
            let unit = binding.unit.map { " (\(parsed.value) \($0.rawValue))" } ?? ""
            throw PayloadRejection(
                topic: topic,
                reason: .impossibleValue,
                detail: "\(quantity) \(value)\(unit) is outside the possible range "
                    + "\(possible.lowerBound)...\(possible.upperBound)"
            )
        }
        var occupancyKind: OccupancyKind?
        if quantity == .occupancy {
            let kind = binding.occupancyKind ?? .presence
            if kind == .presence { value = value > 0.5 ? 1 : 0 }
            occupancyKind = kind
        }
        var time = arrivalTime
        if let payloadTime = parsed.time {
            let latest = arrivalTime + Self.maxPayloadTimeAheadSeconds
            guard payloadTime >= Self.earliestPayloadTime, payloadTime <= latest else {
                throw PayloadRejection(
                    topic: topic,
                    reason: .timestampOutOfRange,
                    detail: "time \(formatRFC3339(payloadTime)) is outside "
                        + "\(formatRFC3339(Self.earliestPayloadTime))...\(formatRFC3339(latest))"
                )
            }
            time = payloadTime
        }
        return Reading(
            zone: route.zone,
            quantity: quantity,
            time: time,
            value: value,
            occupancyKind: occupancyKind,
            sensorIndex: route.sensorIndex
        )
    }
}

/// The readings and rejections of one message, gathered per twin while routing.
private struct RoutingOutcome {
    var messages: [(twinIndex: Int, message: RoutedMessage)] = []
    var missingPaths: [(Int, PayloadRejection)] = []
    var matchedAnyRoute = false
    var madeAnyReading = false

    mutating func add(_ reading: Reading, twinIndex: Int) {
        messages[slot(twinIndex)].message.readings.append(reading)
    }

    /// Adds a rejection unless the same one was already recorded for this twin.
    mutating func add(_ rejection: PayloadRejection, twinIndex: Int) {
        let index = slot(twinIndex)
        if !messages[index].message.rejections.contains(rejection) {
            messages[index].message.rejections.append(rejection)
        }
    }

    private mutating func slot(_ twinIndex: Int) -> Int {
        if let index = messages.firstIndex(where: { $0.twinIndex == twinIndex }) { return index }
        messages.append((twinIndex, RoutedMessage()))
        return messages.count - 1
    }
}
