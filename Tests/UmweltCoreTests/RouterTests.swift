import Testing
import UmweltCore

private let arrival = 1_768_197_600.0  // 2026-01-12T06:00:00Z

private func route(_ router: Router, _ topic: String, _ payload: String, at time: Double = arrival)
    -> [(twin: String, result: RoutedMessage)]
{
    router.route(topic: topic, payload: Array(payload.utf8), arrivalTime: time)
}

/// The single twin's readings and rejections for one message.
private func routeOne(_ router: Router, _ topic: String, _ payload: String, at time: Double = arrival) -> RoutedMessage
{
    let results = route(router, topic, payload, at: time)
    #expect(results.count == 1)
    return results.first?.result ?? RoutedMessage()
}

private func router(_ sensors: String, twin: String = "t", timezone: String = "UTC") throws -> Router {
    let yaml = "twin: \(twin)\ntimezone: \(timezone)\nzones:\n  - id: z\n    sensors:\n" + sensors
    return Router(twins: [try TwinFileParser.parse(yaml: yaml, path: "t.yaml")])
}

private func demoRouter() throws -> Router {
    Router(twins: [try TwinFileParser.load(path: packageRoot() + "/Twins/demo-office.yaml")])
}

private func isClose(_ a: Double?, _ b: Double, tolerance: Double = 1e-9) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance
}

@Suite struct RouterTests {
    @Test func convertsEveryUnitToCanonical() throws {
        let router = try router(
            """
                  - { quantity: temperature, topic: f, unit: degF }
                  - { quantity: setpoint, topic: k, unit: K }
                  - { quantity: humidity, topic: fraction, unit: fraction }
                  - { quantity: humidity, topic: percent, unit: percent }
                  - { quantity: hvac, topic: valve, unit: percent }
                  - { quantity: ventilation, topic: fan, unit: fraction }
                  - { quantity: power, topic: kw, unit: kW }
                  - { quantity: energy, topic: kwh, unit: kWh }
                  - { quantity: co2, topic: ppm, unit: ppm }
                  - { quantity: illuminance, topic: lux, unit: lux }
                  - { quantity: solar, topic: sun, unit: W/m2 }

            """
        )
        let cases: [(String, String, Double)] = [
            ("f", "68", 20), ("k", "293.15", 20), ("fraction", "0.45", 45), ("percent", "45", 45),
            ("valve", "50", 0.5), ("fan", "0.3", 0.3), ("kw", "1.5", 1_500), ("kwh", "2", 2_000),
            ("ppm", "612", 612), ("lux", "300", 300), ("sun", "450", 450),
        ]
        for (topic, payload, expected) in cases {
            let message = routeOne(router, topic, payload)
            #expect(message.rejections.isEmpty, "\(topic)")
            #expect(isClose(message.readings.first?.value, expected), "\(topic): \(message.readings)")
        }
    }

    @Test func convertsShellyFahrenheit() throws {
        let reading = routeOne(try demoRouter(), "shellies/focus-room/temperature", "71.6").readings.first
        #expect(reading?.zone == "focus-room" && reading?.quantity == .temperature)
        #expect(isClose(reading?.value, 22))
        #expect(reading?.time == arrival)
    }

    @Test func matchesSingleLevelAndMultiLevelWildcards() throws {
        let router = try router(
            """
                  - { quantity: co2, topic: site/+/co2 }
                  - { quantity: generic, topic: "raw/#" }

            """
        )
        #expect(routeOne(router, "site/kitchen/co2", "600").readings.first?.value == 600)
        #expect(routeOne(router, "site/kitchen/co2/extra", "600").rejections.first?.reason == .unknownTopic)
        #expect(routeOne(router, "raw", "1").readings.count == 1)
        #expect(routeOne(router, "raw/a/b/c", "2").readings.first?.sensorIndex == 1)
        #expect(route(router, "$SYS/raw", "1").first?.twin == "")
    }

    @Test func listsEachTopicFilterOnce() throws {
        let router = try demoRouter()
        #expect(router.subscriptions.count == Set(router.subscriptions).count)
        #expect(router.subscriptions == router.subscriptions.sorted())
        #expect(router.subscriptions.contains("tele/open_office/SENSOR"))
        #expect(router.subscriptions.count == 18)
    }

    @Test func readsZigbee2MQTTTemperatureAndHumidityWithLastSeen() throws {
        let payload =
            #"{"battery":100,"humidity":48.2,"linkquality":120,"temperature":21.3,"voltage":3000,"last_seen":"2026-01-12T06:00:00.123+01:00"}"#
        let message = routeOne(try demoRouter(), "zigbee2mqtt/meeting_sensor", payload)
        #expect(message.rejections.isEmpty)
        #expect(message.readings.map(\.quantity) == [.temperature, .humidity])
        #expect(message.readings.map(\.value) == [21.3, 48.2])
        #expect(message.readings.map(\.sensorIndex) == [0, 1])
        #expect(isClose(message.readings.first?.time, 1_768_194_000.123, tolerance: 1e-6))
    }

    @Test func readsTasmotaInTheTwinsTimeZone() throws {
        let payload =
            #"{"Time":"2026-01-12T06:00:00","SCD30":{"CarbonDioxide":612,"Temperature":21.4,"Humidity":40.1},"TempUnit":"C"}"#
        let message = routeOne(try demoRouter(), "tele/open_office/SENSOR", payload)
        #expect(message.rejections.isEmpty)
        #expect(message.readings.map(\.quantity) == [.temperature, .humidity, .co2])
        #expect(message.readings.map(\.value) == [21.4, 40.1, 612])
        #expect(message.readings.allSatisfy { $0.time == 1_768_194_000 && $0.zone == "open-office" })
    }

    @Test func ignoresMissingPathsOfPartialUpdates() throws {
        let router = try demoRouter()
        let partial = routeOne(router, "zigbee2mqtt/meeting_sensor", #"{"temperature":21.0,"last_seen":1768197000}"#)
        #expect(partial.readings.map(\.quantity) == [.temperature])
        #expect(partial.rejections.isEmpty)
        let nothing = routeOne(router, "zigbee2mqtt/meeting_sensor", #"{"battery":99}"#)
        #expect(nothing.readings.isEmpty)
        #expect(nothing.rejections.map(\.reason) == [.pathNotFound, .pathNotFound])
        #expect(nothing.rejections.map(\.detail) == ["path 'temperature' not found", "path 'humidity' not found"])
    }

    @Test func readsOccupancyPresenceAndWords() throws {
        let router = try demoRouter()
        let pir = routeOne(router, "zigbee2mqtt/meeting_pir", #"{"occupancy":true,"last_seen":"2026-01-12T05:59:00Z"}"#)
        #expect(pir.readings.first?.value == 1)
        #expect(pir.readings.first?.occupancyKind == .presence)
        #expect(pir.readings.first?.time == arrival - 60)
        #expect(routeOne(router, "site/kitchen/presence", "ON").readings.first?.value == 1)
        #expect(routeOne(router, "site/kitchen/presence", "off").readings.first?.value == 0)
        let window = routeOne(router, "zigbee2mqtt/kitchen_window", #"{"contact_open":"ON"}"#)
        #expect(window.readings.first?.quantity == .window && window.readings.first?.value == 1)
    }

    @Test func clampsPresenceAndKeepsCounts() throws {
        let router = try router(
            """
                  - { quantity: occupancy, topic: presence }
                  - { quantity: occupancy, topic: people, kind: count }

            """
        )
        #expect(routeOne(router, "presence", "0.7").readings.first?.value == 1)
        #expect(routeOne(router, "presence", "0.3").readings.first?.value == 0)
        #expect(routeOne(router, "people", "3").readings.first?.value == 3)
        #expect(routeOne(router, "people", "3").readings.first?.occupancyKind == .count)
        let negative = routeOne(router, "people", "-1")
        #expect(negative.rejections.first?.reason == .impossibleValue)
        #expect(negative.rejections.first?.detail == "occupancy -1.0 is outside the possible range 0.0...100000.0")
    }

    @Test func rejectsImpossibleValuesNamingRangeAndValue() throws {
        let router = try demoRouter()
        let hot = routeOne(router, "site/focus-room/co2", "-5")
        #expect(hot.rejections.first?.reason == .impossibleValue)
        let fahrenheit = routeOne(router, "shellies/focus-room/temperature", "212")
        #expect(
            fahrenheit.rejections.first?.detail
                == "temperature 100.0 (212.0 degF) is outside the possible range -90.0...90.0")
        #expect(routeOne(router, "shellies/focus-room/humidity", "101").rejections.first?.reason == .impossibleValue)
    }

    @Test func rejectsPayloadTimesBefore2000OrAfterTomorrow() throws {
        let router = try demoRouter()
        let old = routeOne(router, "zigbee2mqtt/meeting_pir", #"{"occupancy":true,"last_seen":"1999-12-31T23:59:59Z"}"#)
        #expect(old.rejections.first?.reason == .timestampOutOfRange)
        #expect(
            old.rejections.first?.detail
                == "time 1999-12-31T23:59:59Z is outside 2000-01-01T00:00:00Z...2026-01-13T06:00:00Z"
        )
        let future = routeOne(router, "zigbee2mqtt/meeting_pir", #"{"occupancy":true,"last_seen":1768370400000}"#)
        #expect(future.rejections.first?.reason == .timestampOutOfRange)
        for absurd in ["1e300", "-1e300", "1e19"] {
            let payload = #"{"occupancy":true,"last_seen":"# + absurd + "}"
            let message = routeOne(router, "zigbee2mqtt/meeting_pir", payload)
            #expect(message.rejections.first?.reason == .timestampOutOfRange, "\(absurd)")
        }
        let nearFuture = routeOne(router, "zigbee2mqtt/meeting_pir", #"{"occupancy":true,"last_seen":1768200000}"#)
        #expect(nearFuture.readings.first?.time == 1_768_200_000)
    }

    @Test func reportsUnknownTopicsUnderNoTwin() throws {
        let results = route(try demoRouter(), "zigbee2mqtt/bridge/state", "online")
        #expect(results.count == 1)
        #expect(results.first?.twin == "")
        #expect(
            results.first?.result.rejections
                == [
                    PayloadRejection(
                        topic: "zigbee2mqtt/bridge/state", reason: .unknownTopic,
                        detail: "no binding subscribes to this topic")
                ]
        )
    }

    @Test func countsABrokenMessageOncePerTwin() throws {
        let big = [UInt8](repeating: UInt8(ascii: " "), count: 1 << 20)
        let results = try demoRouter().route(topic: "tele/open_office/SENSOR", payload: big, arrivalTime: arrival)
        #expect(results.first?.result.rejections.map(\.reason) == [.oversized])
    }

    @Test func feedsEveryTwinBoundToATopic() throws {
        let one = try TwinFileParser.parse(
            yaml: "twin: one\nzones: [{ id: a, sensors: [{ quantity: co2, topic: shared }] }]", path: "1")
        let two = try TwinFileParser.parse(
            yaml: "twin: two\nzones: [{ id: b, sensors: [{ quantity: co2, topic: \"+\" }] }]", path: "2")
        let results = Router(twins: [one, two]).route(topic: "shared", payload: Array("700".utf8), arrivalTime: arrival)
        #expect(results.map(\.twin) == ["one", "two"])
        #expect(results.map { $0.result.readings.first?.zone } == ["a", "b"])
    }

    @Test func rejectsGarbageWithSpecificReasons() throws {
        let router = try demoRouter()
        func reason(_ topic: String, _ payload: [UInt8]) -> PayloadRejection.Reason? {
            router.route(topic: topic, payload: payload, arrivalTime: arrival).first?.result.rejections.first?.reason
        }
        let deep = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
        #expect(reason("site/focus-room/co2", [0x00, 0xFF, 0xC3, 0x28]) == .invalidUTF8)
        #expect(reason("site/focus-room/co2", [UInt8](repeating: 0x31, count: 1 << 20)) == .oversized)
        #expect(reason("site/focus-room/co2", Array("NaN".utf8)) == .nonFinite)
        #expect(reason("zigbee2mqtt/kitchen_sensor", Array(#"{"temperature":"abc"}"#.utf8)) == .notANumber)
        #expect(reason("zigbee2mqtt/kitchen_sensor", Array(deep.utf8)) == .tooDeep)
        #expect(reason("zigbee2mqtt/kitchen_sensor", Array(#"{"temperature":21"#.utf8)) == .invalidJSON)
        #expect(reason("zigbee2mqtt/kitchen_sensor", [0x7B, 0x22, 0xE2, 0x28, 0xA1, 0x22, 0x7D]) == .invalidUTF8)
    }

    @Test func producesEveryRejectionReason() throws {
        let router = try demoRouter()
        let messages: [(String, String)] = [
            ("nowhere", "1"),
            ("site/focus-room/co2", String(repeating: "1", count: 70_000)),
            ("zigbee2mqtt/kitchen_sensor", "{"),
            ("zigbee2mqtt/kitchen_sensor", String(repeating: "[", count: 40)),
            ("zigbee2mqtt/kitchen_sensor", #"{"x":1}"#),
            ("zigbee2mqtt/kitchen_sensor", #"{"temperature":null}"#),
            ("site/focus-room/co2", "high"),
            ("site/focus-room/co2", "inf"),
            ("site/focus-room/co2", "-1"),
            ("zigbee2mqtt/kitchen_sensor", #"{"temperature":20,"last_seen":"soon"}"#),
            ("zigbee2mqtt/kitchen_sensor", #"{"temperature":20,"last_seen":0}"#),
        ]
        var reasons = Set<PayloadRejection.Reason>()
        for (topic, payload) in messages {
            for (_, result) in route(router, topic, payload) {
                reasons.formUnion(result.rejections.map(\.reason))
            }
        }
        reasons.formUnion(
            router.route(topic: "site/focus-room/co2", payload: [0xFF], arrivalTime: arrival)
                .flatMap { $0.result.rejections.map(\.reason) })
        #expect(reasons == Set(PayloadRejection.Reason.allCases))
    }

    @Test func survivesRandomMessages() throws {
        let router = try demoRouter()
        let topics = router.subscriptions + ["unknown", "$SYS/x", ""]
        var generator = SplitMix64(seed: 1)
        for _ in 0..<2_000 {
            let topic = topics[Int(generator.next() % UInt64(topics.count))]
            let payload = (0..<Int(generator.next() % 48)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            for (_, result) in router.route(topic: topic, payload: payload, arrivalTime: arrival) {
                #expect(result.readings.allSatisfy { $0.value.isFinite })
            }
        }
    }

    @Test func describesRejectionsWithTheMetricLabel() {
        let rejection = PayloadRejection(
            topic: "a/b", reason: .invalidUTF8, detail: "payload of 2 bytes is not valid UTF-8")
        #expect(rejection.description == "a/b: invalid_utf8: payload of 2 bytes is not valid UTF-8")
    }
}
