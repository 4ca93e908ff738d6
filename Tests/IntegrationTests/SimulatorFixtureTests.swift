import BuildingSimulator
import Foundation
import Testing
import UmweltCore

/// The office twin the simulator tests use, built in code (like Twins/demo-office.yaml, plus
/// a wildcard topic, a K sensor, power in kW and energy in kWh), and a winter Monday.
enum SimulatorFixture {
    /// Monday 2026-01-12 00:00 in Europe/Berlin (UTC+1), Unix seconds.
    static let winterMonday = 1_768_172_400.0
    static let ticksPerDay = 1_440

    static var office: TwinDefinition {
        let meeting = ZoneDefinition(
            id: "meeting-room",
            neighbors: ["open-office"],
            sensors: [
                json(.temperature, "zigbee2mqtt/meeting_sensor", "temperature", time: "last_seen"),
                json(.humidity, "zigbee2mqtt/meeting_sensor", "humidity", time: "last_seen"),
                SensorBinding(quantity: .co2, topic: "site/meeting-room/co2"),
                json(.occupancy, "zigbee2mqtt/meeting_pir", "occupancy", time: "last_seen", kind: .presence),
                SensorBinding(quantity: .setpoint, topic: "site/meeting-room/setpoint", unit: .degF),
                SensorBinding(quantity: .hvac, topic: "site/meeting-room/valve", unit: .percent),
            ]
        )
        let openOffice = ZoneDefinition(
            id: "open-office",
            neighbors: ["meeting-room", "kitchen", "focus-room"],
            sensors: [
                json(.temperature, "tele/open_office/SENSOR", "SCD30.Temperature", time: "Time"),
                json(.humidity, "tele/open_office/SENSOR", "SCD30.Humidity", time: "Time"),
                json(.co2, "tele/open_office/SENSOR", "SCD30.CarbonDioxide", time: "Time"),
                SensorBinding(quantity: .occupancy, topic: "site/open-office/people", occupancyKind: .count),
                SensorBinding(quantity: .setpoint, topic: "site/open-office/setpoint"),
                SensorBinding(quantity: .hvac, topic: "site/open-office/valve", unit: .percent),
                SensorBinding(quantity: .illuminance, topic: "site/+/lux"),
                SensorBinding(quantity: .power, topic: "site/open-office/power", unit: .kW),
                SensorBinding(quantity: .energy, topic: "site/open-office/energy", unit: .kWh),
            ]
        )
        let kitchen = ZoneDefinition(
            id: "kitchen",
            neighbors: ["open-office"],
            sensors: [
                json(.temperature, "zigbee2mqtt/kitchen_sensor", "temperature", time: "last_seen"),
                json(.humidity, "zigbee2mqtt/kitchen_sensor", "humidity", time: "last_seen"),
                SensorBinding(
                    quantity: .occupancy, topic: "site/kitchen/presence", format: .boolean, occupancyKind: .presence),
                json(.window, "zigbee2mqtt/kitchen_window", "contact_open", time: "last_seen"),
            ]
        )
        let focus = ZoneDefinition(
            id: "focus-room",
            neighbors: ["open-office"],
            sensors: [
                SensorBinding(quantity: .temperature, topic: "shellies/focus-room/temperature", unit: .degF),
                SensorBinding(quantity: .humidity, topic: "shellies/focus-room/humidity"),
                SensorBinding(quantity: .co2, topic: "site/focus-room/co2"),
                json(.occupancy, "zigbee2mqtt/focus_pir", "occupancy", time: "last_seen", kind: .presence),
                SensorBinding(quantity: .setpoint, topic: "site/focus-room/setpoint"),
                SensorBinding(quantity: .ventilation, topic: "site/focus-room/fan", unit: .fraction),
            ]
        )
        let outdoor = ZoneDefinition(
            id: "outdoor",
            kind: .outdoor,
            sensors: [
                json(.temperature, "weather/outdoor", "temperature", time: "time"),
                json(.humidity, "weather/outdoor", "humidity", time: "time"),
                json(.solar, "weather/outdoor", "solar", time: "time"),
                SensorBinding(quantity: .temperature, topic: "weather/roof/temperature_k", unit: .K),
            ]
        )
        return TwinDefinition(
            id: "fixture-office",
            timezone: "Europe/Berlin",
            zones: [meeting, openOffice, kitchen, focus, outdoor]
        )
    }

    /// A JSON binding with a value path and a time path.
    private static func json(
        _ quantity: Quantity,
        _ topic: String,
        _ path: String,
        time: String,
        kind: OccupancyKind? = nil
    ) -> SensorBinding {
        SensorBinding(quantity: quantity, topic: topic, format: .json, path: path, timePath: time, occupancyKind: kind)
    }

    static func configuration(seed: UInt64 = 1, start: Double = winterMonday) -> SimulatorConfiguration {
        var configuration = SimulatorConfiguration(start: start)
        configuration.seed = seed
        return configuration
    }

    /// Local hour and weekday (0 Monday) in Europe/Berlin.
    static func localHour(_ time: Double) -> (hour: Double, weekday: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let parts = calendar.dateComponents([.hour, .minute, .weekday], from: Date(timeIntervalSince1970: time))
        return (Double(parts.hour!) + Double(parts.minute!) / 60, (parts.weekday! + 5) % 7)
    }

    static func jsonObject(_ message: SimulatedMessage) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(message.payload)) as? [String: Any])
    }
}

struct SimulatorFixtureTests {
    @Test func everyMessageOfADayRoutesWithoutRejectionCloseToTheTruth() throws {
        let twin = SimulatorFixture.office
        let router = Router(twins: [twin])
        var simulator = BuildingSimulator(twin: twin, configuration: SimulatorFixture.configuration())
        var series = Set<SeriesKey>()
        for tick in 0..<SimulatorFixture.ticksPerDay {
            let messages = simulator.step()
            for message in messages {
                for (twinID, result) in router.route(
                    topic: message.topic, payload: message.payload, arrivalTime: message.time)
                {
                    #expect(twinID == twin.id)
                    #expect(result.rejections.isEmpty, "\(message.topic) \(message.text): \(result.rejections)")
                    for reading in result.readings {
                        series.insert(SeriesKey(zone: reading.zone, quantity: reading.quantity))
                        #expect(reading.time == message.time)
                        guard tick % 97 == 0, let truth = simulator.trueState(zone: reading.zone) else { continue }
                        switch reading.quantity {
                        case .temperature: #expect(abs(reading.value - truth.temperature) < 0.3)
                        case .humidity: #expect(abs(reading.value - truth.humidity) < 1.5)
                        case .co2: #expect(abs(reading.value - truth.co2) < 40)
                        case .setpoint: #expect(abs(reading.value - truth.setpoint) < 0.06)
                        case .hvac: #expect(abs(reading.value - truth.hvacLevel) < 0.006)
                        default: break
                        }
                    }
                }
            }
        }
        #expect(series == Set(twin.boundSeries))
    }
}
