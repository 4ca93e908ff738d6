import BuildingSimulator
import Foundation
import Testing
import UmweltCore
import WorldModel

@testable import UmweltService

/// Scenario requests, answers, KPIs and optimum start on the demo office learned from a
/// day and a half of simulated history (3-hour horizon).
@Suite struct ScenarioServiceTests {
    static let twinPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Twins/demo-office.yaml").path

    /// Learned up to Tuesday 2026-01-06 08:00 Europe/Berlin (forecasts start there).
    static let model: TwinModel = {
        var twin = try! TwinFileParser.load(path: twinPath)
        twin.horizonSteps = 36
        let router = Router(twins: [twin])
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        let monday = 1_767_567_600.0
        var simulator = BuildingSimulator(twin: twin, configuration: SimulatorConfiguration(start: monday))
        let end = monday + 32 * 3_600
        while simulator.time < end {
            for message in simulator.step() {
                for (_, routed) in router.route(
                    topic: message.topic, payload: message.payload, arrivalTime: message.time)
                {
                    for reading in routed.readings { _ = model.ingest(reading) }
                }
            }
            if Int(simulator.time) % 300 == 0 { _ = model.advance(to: simulator.time - 300 + 30) }
        }
        _ = model.advance(to: end + 30)
        return model
    }()

    static var start: Double { model.lastClosedStep! + 300 }

    static func answer(_ json: String) throws -> ScenarioAnswer {
        try ScenarioAnswer(request: try ScenarioRequest.decode(Array(json.utf8)), model: model)
    }

    static func rejection(_ json: String) -> ScenarioError? {
        do {
            _ = try answer(json)
            return nil
        } catch let error as ScenarioError {
            return error
        } catch {
            return nil
        }
    }

    static func time(_ offsetHours: Double) -> String { "\"\(formatRFC3339(start + offsetHours * 3_600))\"" }

    @Test func decodesTheIssueExample() throws {
        let request = try ScenarioRequest.decode(
            Array(
                """
                {"start": "2026-01-12T06:00:00+01:00", "horizon": "24h",
                 "overrides": [
                   {"zone": "meeting-room", "quantity": "setpoint", "value": 19.0, "from": "2026-01-12T18:00:00+01:00"},
                   {"zone": "meeting-room", "quantity": "occupancy", "scale": 2.0},
                   {"zone": "outdoor", "quantity": "temperature", "offset": -5.0},
                   {"zone": "*", "quantity": "ventilation", "profile": [["2026-01-12T07:00:00Z", 0.5], [1768204800, 0]]}
                 ],
                 "targets": [{"zone": "meeting-room", "quantity": "temperature", "value": 21.0, "by": "2026-01-12T08:00:00+01:00"}],
                 "reply_to": "me/answers", "id": "42"}
                """.utf8))
        #expect(request.start == 1_768_194_000)
        #expect(request.horizonSeconds == 86_400)
        #expect(request.overrides.count == 4)
        #expect(request.overrides[0].action == .value(19) && request.overrides[0].from == 1_768_237_200)
        #expect(request.overrides[2].action == .offset(-5))
        #expect(
            request.overrides[3].action
                == .profile([.init(time: 1_768_201_200, value: 0.5), .init(time: 1_768_204_800, value: 0)]))
        #expect(request.targets == [ScenarioTarget(zone: "meeting-room", value: 21, by: 1_768_201_200)])
        #expect(request.replyTo == "me/answers" && request.id == "42")
    }

    @Test func malformedRequestsNameTheField() {
        let cases: [(String, String)] = [
            ("{", "request"),
            ("{\"colour\": 1}", "colour"),
            ("{\"horizon\": \"soon\"}", "horizon"),
            ("{\"start\": \"yesterday\"}", "start"),
            ("{\"overrides\": [{\"zone\": \"a\", \"quantity\": \"setpoint\"}]}", "overrides[0]"),
            (
                "{\"overrides\": [{\"zone\": \"a\", \"quantity\": \"setpoint\", \"value\": 1, \"scale\": 2}]}",
                "overrides[0]"
            ),
            ("{\"overrides\": [{\"quantity\": \"setpoint\", \"value\": 1}]}", "overrides[0].zone"),
            (
                "{\"overrides\": [{\"zone\": \"a\", \"quantity\": \"setpoint\", \"value\": \"x\"}]}",
                "overrides[0].value"
            ),
            (
                "{\"overrides\": [{\"zone\": \"a\", \"quantity\": \"setpoint\", \"profile\": [[1, 2, 3]]}]}",
                "overrides[0].profile[0]"
            ),
            ("{\"targets\": [{\"zone\": \"a\", \"value\": 21}]}", "targets[0].by"),
            ("{\"reply_to\": \"a/#\"}", "reply_to"),
        ]
        for (json, field) in cases {
            #expect(throws: ScenarioError.self) { try ScenarioRequest.decode(Array(json.utf8)) }
            do {
                _ = try ScenarioRequest.decode(Array(json.utf8))
            } catch {
                #expect(error.field == field, "\(json): \(error)")
            }
        }
    }

    @Test func requestsTheTwinCannotServeNameTheField() {
        let cases: [(String, String)] = [
            (
                "{\"overrides\": [{\"zone\": \"attic\", \"quantity\": \"setpoint\", \"value\": 20}]}",
                "overrides[0].zone"
            ),
            (
                "{\"overrides\": [{\"zone\": \"kitchen\", \"quantity\": \"hvac\", \"value\": 1}]}",
                "overrides[0].quantity"
            ),
            (
                "{\"overrides\": [{\"zone\": \"kitchen\", \"quantity\": \"sunshine\", \"value\": 1}]}",
                "overrides[0].quantity"
            ),
            (
                "{\"overrides\": [{\"zone\": \"kitchen\", \"quantity\": \"window\", \"value\": 3}]}",
                "overrides[0].value"
            ),
            (
                "{\"overrides\": [{\"zone\": \"kitchen\", \"quantity\": \"window\", \"value\": 1, \"from\": \(Self.time(10))}]}",
                "overrides[0].from"
            ),
            ("{\"start\": \(Self.time(-2))}", "start"),
            ("{\"start\": \(Self.time(1)), \"horizon\": \"3h\"}", "horizon"),
            ("{\"targets\": [{\"zone\": \"meeting-room\", \"value\": 21, \"by\": \(Self.time(5))}]}", "targets[0].by"),
            ("{\"targets\": [{\"zone\": \"kitchen\", \"value\": 21, \"by\": \(Self.time(2))}]}", "targets[0].zone"),
        ]
        for (json, field) in cases {
            #expect(Self.rejection(json)?.field == field, "\(json)")
        }
    }

    @Test func answerHasEveryZoneAndClimateQuantityWithDifferences() throws {
        let answer = try Self.answer(
            "{\"horizon\": \"2h\", \"overrides\": [{\"zone\": \"outdoor\", \"quantity\": \"temperature\", \"offset\": -5}]}"
        )
        #expect(answer.horizon_steps == 24)
        #expect(answer.start == formatRFC3339(Self.start))
        for zone in Self.model.twin.zones {
            for quantity in zone.quantities where quantity.isClimate {
                let trajectories = try #require(answer.zones[zone.id]?[quantity.name], "\(zone.id) \(quantity)")
                #expect(trajectories.baseline.count == 24 && trajectories.scenario.count == 24)
                for (b, (s, d)) in zip(trajectories.baseline, zip(trajectories.scenario, trajectories.difference)) {
                    #expect(abs(s.mean - b.mean - d.mean) < 2e-4)
                }
            }
        }
        let outdoor = try #require(answer.zones["outdoor"]?["temperature"])
        #expect(outdoor.difference.allSatisfy { abs($0.mean + 5) < 1e-3 })
        let document = try #require(try JSONSerialization.jsonObject(with: Data(answer.json)) as? [String: Any])
        #expect(Set(document.keys).isSuperset(of: ["twin", "start", "step_seconds", "zones", "kpis", "targets"]))
    }

    @Test func handWrittenJSONIsTheEncodersDocumentByteForByte() throws {
        let answer = try Self.answer(
            "{\"id\": \"a/\\\"b\\\"\", \"horizon\": \"2h\", \"overrides\": [{\"zone\": \"open-office\", "
                + "\"quantity\": \"setpoint\", \"value\": 23}, {\"zone\": \"open-office\", \"quantity\": \"occupancy\", "
                + "\"scale\": 2}], \"targets\": [{\"zone\": \"meeting-room\", \"quantity\": \"temperature\", "
                + "\"value\": 21.5, \"by\": \"\(formatRFC3339(Self.start + 5_400))\"}]}")
        #expect(
            String(decoding: answer.json, as: UTF8.self)
                == String(decoding: PayloadEncoding.encode(answer), as: UTF8.self))
        var writer = JSONByteWriter(capacity: 64)
        for value in [0, -0.0, 21, -21.5, 0.0001, -0.0001, 1_234.5678, 99_999.99994, 1e-9, .nan, -3.14159] {
            writer.number(PayloadEncoding.rounded(value))
            writer.raw(",")
        }
        #expect(
            String(decoding: writer.bytes, as: UTF8.self)
                == "0,0,21,-21.5,0.0001,-0.0001,1234.5678,99999.9999,0,0,-3.1416,")
        // Any value below 10¹¹ (where x · 10⁴ is exact), rounded or not, prints as JSONEncoder
        // prints it rounded to four decimals (negative zero as 0, as the answer publishes it).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var values: [Double] = [10, 100, 99.99, 0.5, 1_000_000.0001, 12_345.6789, 9_999.99995, -0.00001]
        for _ in 0..<3_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(1 << 53)
            let magnitude = pow(10, Double(Int(state % 15)) - 4)
            values.append((unit - 0.5) * 2 * magnitude)
        }
        for value in values {
            var one = JSONByteWriter(capacity: 8)
            one.number(value)
            let expected = String(
                decoding: PayloadEncoding.encode([TrajectoryValues.published(value)]), as: UTF8.self)
            #expect("[" + String(decoding: one.bytes, as: UTF8.self) + "]" == expected, "\(value)")
        }
    }

    @Test func kpisCountCO2ExcessAndDiscomfort() throws {
        let crowded = try Self.answer(
            "{\"overrides\": [{\"zone\": \"open-office\", \"quantity\": \"occupancy\", \"value\": 80},"
                + "{\"zone\": \"open-office\", \"quantity\": \"setpoint\", \"value\": 15}]}")
        let kpis = try #require(crowded.kpis["open-office"])
        #expect((kpis.scenario.co2_excess_ppm_hours ?? 0) > (kpis.baseline.co2_excess_ppm_hours ?? 0))
        #expect(kpis.scenario.first_co2_exceedance != nil)
        #expect((kpis.scenario.discomfort_kelvin_hours ?? 0) >= (kpis.baseline.discomfort_kelvin_hours ?? 0))
        #expect(kpis.baseline.hvac_runtime_hours != nil)
        #expect(crowded.kpis["kitchen"]?.baseline.co2_excess_ppm_hours == nil)
        let off = try Self.answer("{\"overrides\": [{\"zone\": \"*\", \"quantity\": \"hvac\", \"value\": 0}]}")
        #expect(off.kpis["open-office"]?.scenario.hvac_runtime_hours == 0)
    }

    @Test func optimumStartIsTheLatestStartThatReachesTheTarget() throws {
        let baseline = try Self.answer("{}")
        let at = try #require(baseline.zones["meeting-room"]?["temperature"]?.baseline[23].mean)
        let answer = try Self.answer(
            "{\"targets\": [{\"zone\": \"meeting-room\", \"value\": \(at + 0.3), \"by\": \(Self.time(2))}]}")
        let optimum = try #require(answer.targets.first)
        #expect(optimum.control == "setpoint")
        #expect(!optimum.already_reached)
        #expect(optimum.reachable)
        let mean = try #require(optimum.latest_start.flatMap { TimestampParser.parseRFC3339($0) })
        #expect(mean >= Self.start && mean < Self.start + 7_200)
        if let safe = optimum.latest_start_p10.flatMap({ TimestampParser.parseRFC3339($0) }) { #expect(safe <= mean) }
        if let bold = optimum.latest_start_p90.flatMap({ TimestampParser.parseRFC3339($0) }) { #expect(bold >= mean) }
        let easy = try Self.answer(
            "{\"targets\": [{\"zone\": \"meeting-room\", \"value\": \(at - 3), \"by\": \(Self.time(2))}]}")
        #expect(easy.targets.first?.already_reached == true)
        let impossible = try Self.answer(
            "{\"targets\": [{\"zone\": \"meeting-room\", \"value\": 35, \"by\": \(Self.time(0.5))}]}")
        #expect(impossible.targets.first?.reachable == false)
    }

    @Test func mqttRequestTopicsNameTheirTwin() {
        let topics = TopicScheme(prefix: "umwelt")
        #expect(topics.scenarioRequest(twin: "+") == "umwelt/+/scenario/request")
        #expect(topics.scenarioTwin(ofRequestTopic: "umwelt/demo-office/scenario/request") == "demo-office")
        #expect(topics.scenarioTwin(ofRequestTopic: "umwelt/demo-office/scenario/answer") == nil)
        #expect(topics.scenarioTwin(ofRequestTopic: "umwelt/a/b/scenario/request") == nil)
        #expect(topics.scenarioTwin(ofRequestTopic: "other/demo-office/scenario/request") == nil)
    }
}
