import BuildingSimulator
import Foundation
import Testing
import UmweltCore

/// The demo twin file, simulated: every message routes through its own bindings.
struct SimulatorDemoTwinTests {
    static let demoTwinPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Twins/demo-office.yaml").path

    @Test func demoOfficeDayRoutesEveryMessageAndFeedsEverySeries() throws {
        let twin = try TwinFileParser.load(path: Self.demoTwinPath)
        let router = Router(twins: [twin])
        let messages = SimulationRun.messages(
            twin: twin,
            configuration: SimulatorFixture.configuration(seed: 11),
            ticks: SimulatorFixture.ticksPerDay
        )
        var series = Set<SeriesKey>()
        var rejections: [PayloadRejection] = []
        for message in messages {
            for (_, result) in router.route(topic: message.topic, payload: message.payload, arrivalTime: message.time) {
                rejections += result.rejections
                for reading in result.readings {
                    series.insert(SeriesKey(zone: reading.zone, quantity: reading.quantity))
                    if reading.quantity == .temperature && reading.zone != "outdoor" {
                        #expect((15...26).contains(reading.value), "\(reading.zone) \(reading.value)")
                    }
                }
            }
        }
        #expect(rejections.isEmpty, "\(rejections.prefix(3))")
        #expect(series == Set(twin.boundSeries))
    }
}
