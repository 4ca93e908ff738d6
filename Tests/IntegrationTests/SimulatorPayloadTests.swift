import BuildingSimulator
import Foundation
import Testing
import UmweltCore

/// Payloads follow each binding's topic, format, path, time path and unit.
struct SimulatorPayloadTests {
    static let day: [SimulatedMessage] = SimulationRun.messages(
        twin: SimulatorFixture.office,
        configuration: SimulatorFixture.configuration(),
        ticks: SimulatorFixture.ticksPerDay
    )

    private func messages(_ topic: String) -> [SimulatedMessage] {
        Self.day.filter { $0.topic == topic }
    }

    @Test func fahrenheitSensorReportsAroundSeventyInOfficeHours() throws {
        let officeHours = messages("shellies/focus-room/temperature").filter {
            let hour = SimulatorFixture.localHour($0.time).hour
            return hour >= 10 && hour < 17
        }
        #expect(officeHours.count == 7 * 60)
        for message in officeHours {
            let fahrenheit = try #require(Double(message.text))
            #expect((68...75).contains(fahrenheit), "\(message.text) °F")
        }
        let setpoints = Set(messages("site/meeting-room/setpoint").map(\.text))
        #expect(setpoints.isSubset(of: ["62.6", "68", "69.8", "71.6"]))
        #expect(setpoints.contains("69.8") && setpoints.contains("62.6"))
    }

    @Test func bindingsSharingATopicMergeIntoOneNestedJSONMessage() throws {
        let tasmota = messages("tele/open_office/SENSOR")
        #expect(tasmota.count == SimulatorFixture.ticksPerDay)
        let object = try SimulatorFixture.jsonObject(try #require(tasmota.last))
        let sensor = try #require(object["SCD30"] as? [String: Any])
        let temperature = try #require(sensor["Temperature"] as? Double)
        let humidity = try #require(sensor["Humidity"] as? Double)
        let co2 = try #require(sensor["CarbonDioxide"] as? Double)
        #expect((15...26).contains(temperature))
        #expect((20...70).contains(humidity))
        #expect((400...2500).contains(co2) && co2 == co2.rounded())
        #expect(sensor["DewPoint"] is Double)
        #expect(object["TempUnit"] as? String == "C")

        let weather = try SimulatorFixture.jsonObject(try #require(messages("weather/outdoor").first))
        #expect(weather["temperature"] is Double && weather["humidity"] is Double && weather["solar"] is Double)
    }

    @Test func tasmotaTimeIsLocalWallClockWithoutOffset() throws {
        let first = try SimulatorFixture.jsonObject(try #require(messages("tele/open_office/SENSOR").first))
        // One tick after Monday 00:00 in Berlin.
        #expect(first["Time"] as? String == "2026-01-12T00:01:00")
        #expect(try #require(messages("tele/open_office/SENSOR").first).text.hasPrefix("{\"Time\":"))
    }

    @Test func zigbeeLastSeenCarriesTheOffsetAndDeviceFields() throws {
        let sensor = try SimulatorFixture.jsonObject(try #require(messages("zigbee2mqtt/meeting_sensor").first))
        #expect(sensor["last_seen"] as? String == "2026-01-12T00:01:00.000+01:00")
        #expect(sensor["temperature"] is Double && sensor["humidity"] is Double)
        let battery = try #require(sensor["battery"] as? Int)
        let linkQuality = try #require(sensor["linkquality"] as? Int)
        #expect((5...100).contains(battery) && (0...255).contains(linkQuality) && sensor["voltage"] is Int)

        let window = try SimulatorFixture.jsonObject(try #require(messages("zigbee2mqtt/kitchen_window").first))
        let isOpen = try #require(window["contact_open"] as? Bool)
        #expect(window["contact"] as? Bool == !isOpen)
        #expect(messages("zigbee2mqtt/kitchen_window").contains { $0.text.contains("\"contact_open\":true") })
        let pir = try SimulatorFixture.jsonObject(try #require(messages("zigbee2mqtt/meeting_pir").first))
        #expect(pir["occupancy"] as? Bool == false)
    }

    @Test func localTimestampsFollowDaylightSavingTime() throws {
        // Sunday 2026-03-29 00:00 CET; two hours later the clocks read 03:00 CEST.
        let messages = SimulationRun.messages(
            twin: SimulatorFixture.office,
            configuration: SimulatorFixture.configuration(start: 1_774_738_800),
            ticks: 120
        )
        let tasmota = try #require(messages.last { $0.topic == "tele/open_office/SENSOR" })
        #expect(try SimulatorFixture.jsonObject(tasmota)["Time"] as? String == "2026-03-29T03:00:00")
        let zigbee = try #require(messages.last { $0.topic == "zigbee2mqtt/meeting_sensor" })
        #expect(try SimulatorFixture.jsonObject(zigbee)["last_seen"] as? String == "2026-03-29T03:00:00.000+02:00")
    }

    @Test func timePathNamedTimeIsUnixMilliseconds() throws {
        let first = try #require(messages("weather/outdoor").first)
        let object = try SimulatorFixture.jsonObject(first)
        #expect(object["time"] as? Int == Int(first.time * 1000))
        #expect(first.time == SimulatorFixture.winterMonday + 60)
    }

    @Test func presenceReportsOnChangeAndEveryFiveMinutes() throws {
        for topic in ["zigbee2mqtt/meeting_pir", "site/kitchen/presence", "zigbee2mqtt/kitchen_window"] {
            let reports = messages(topic)
            #expect(reports.count < SimulatorFixture.ticksPerDay / 2, "\(topic) reports every tick")
            for (previous, next) in zip(reports, reports.dropFirst()) {
                #expect(next.time - previous.time <= 300, "\(topic) silent for \(next.time - previous.time) s")
                if next.time - previous.time < 300 {
                    #expect(stateText(previous) != stateText(next), "\(topic) repeated early")
                }
            }
        }
        #expect(messages("site/open-office/people").count == SimulatorFixture.ticksPerDay)
    }

    private func stateText(_ message: SimulatedMessage) -> String {
        guard let object = try? SimulatorFixture.jsonObject(message) else { return message.text }
        return "\(object["occupancy"] ?? "")\(object["contact_open"] ?? "")"
    }

    @Test func booleanFormatSendsOnAndOff() {
        let texts = Set(messages("site/kitchen/presence").map(\.text))
        #expect(texts == ["ON", "OFF"])
    }

    @Test func plainNumbersUseTheSensorsResolutionAndUnit() throws {
        for message in messages("site/meeting-room/co2") { #expect(Int(message.text) != nil, "\(message.text)") }
        let valves = try messages("site/open-office/valve").map { try #require(Int($0.text)) }
        #expect(valves.allSatisfy { (0...100).contains($0) } && valves.contains { $0 > 0 })
        let people = try messages("site/open-office/people").map { try #require(Int($0.text)) }
        #expect(people.max() ?? 0 >= 3)
        let roof = try #require(messages("weather/roof/temperature_k").first)
        let kelvin = try #require(Double(roof.text))
        #expect((255...290).contains(kelvin))
        let kilowatts = try messages("site/open-office/power").map { try #require(Double($0.text)) }
        #expect(kilowatts.allSatisfy { (0...5).contains($0) } && kilowatts.contains { $0 > 1 })
        let energy = try messages("site/open-office/energy").map { try #require(Double($0.text)) }
        #expect(energy == energy.sorted() && (energy.last ?? 0) > 1)
        let fan = try messages("site/focus-room/fan").map { try #require(Double($0.text)) }
        #expect(fan.allSatisfy { (0...1).contains($0) } && fan.contains { $0 > 0 })
    }

    @Test func wildcardTopicIsPublishedWithTheZoneID() {
        #expect(messages("site/open-office/lux").count == SimulatorFixture.ticksPerDay)
        #expect(!Self.day.contains { $0.topic.contains("+") || $0.topic.contains("#") })
    }
}
