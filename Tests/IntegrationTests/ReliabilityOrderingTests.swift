import Foundation
import Testing
import UmweltCore
import WorldModel

@testable import UmweltService

/// Defined outcomes at the runtime level (issue 7): a device clock running ahead of the
/// daemon's does not drag the twin's data clock into the future; late readings are counted
/// and stored but not learned.
@Suite struct ReliabilityOrderingTests {
    private func runtime(
        statistics: DaemonStatistics,
        yaml: String = ReliabilityHarness.twinYAML(id: "rel-order", zones: 2)
    ) async throws -> TwinRuntime {
        let twin = try TwinFileParser.parse(yaml: yaml, path: "twin.yaml")
        return await TwinRuntime.restore(
            definition: twin,
            configuration: ModelConfiguration(twin: twin),
            store: nil,
            publisher: nil,
            topics: TopicScheme(prefix: "umwelt"),
            statistics: statistics,
            logger: DaemonHarness.testLogger()
        )
    }

    @Test func readingFromAClockHoursAheadTakesItsArrivalTime() async throws {
        let statistics = DaemonStatistics()
        let runtime = try await runtime(statistics: statistics)
        let now = (Date().timeIntervalSince1970 / 300).rounded(.down) * 300 + 100
        await runtime.ingest([Reading(zone: "z0", quantity: .temperature, time: now - 10, value: 21)], arrivalTime: now)
        // A sensor whose clock jumped six hours ahead.
        await runtime.ingest(
            [Reading(zone: "z1", quantity: .temperature, time: now + 6 * 3600, value: 22)],
            arrivalTime: now + 1
        )
        // The other sensor, on time, is not late.
        await runtime.ingest(
            [Reading(zone: "z0", quantity: .temperature, time: now + 2, value: 21)], arrivalTime: now + 2)
        let snapshot = statistics.snapshot
        #expect(snapshot.readingsClockAhead == 1)
        #expect(snapshot.readingsLate == 0)
        #expect(snapshot.readingsAccepted == 3)
        let dataTime = await runtime.summary().dataTime.flatMap { TimestampParser.parseRFC3339($0) }
        #expect(dataTime.map { $0 <= now + 2 } == true, "data clock stayed at the wall clock")
    }

    @Test func lateReadingsAreCountedNotLearned() async throws {
        let statistics = DaemonStatistics()
        let runtime = try await runtime(statistics: statistics)
        let start = (Date().timeIntervalSince1970 / 300 - 100).rounded(.down) * 300
        var readings: [Reading] = []
        for step in 0..<10 {
            readings.append(Reading(zone: "z0", quantity: .temperature, time: start + Double(step) * 300, value: 21))
        }
        await runtime.ingest(readings, arrivalTime: start + 3000)
        let learned = await runtime.stepsLearned
        await runtime.ingest(
            [Reading(zone: "z1", quantity: .temperature, time: start + 30, value: 21)],
            arrivalTime: start + 3000
        )
        #expect(statistics.snapshot.readingsLate == 1)
        #expect(await runtime.stepsLearned == learned)
    }

    /// A fresh twin fed history: neither a wall-clock tick before the first reading nor an
    /// untimed reading (its sensor has no `time_path`) ahead of the timestamped ones in a batch
    /// may start the data clock at the wall clock, which would make the history late.
    @Test func wallClockBeforeHistoryDoesNotMakeItLate() async throws {
        let yaml = """
            twin: rel-untimed
            timezone: UTC
            step: 5m
            horizon: 1h
            zones:
              - id: z0
                sensors:
                  - { quantity: temperature, topic: t/z0/temperature, format: json, path: v, time_path: t }
                  - { quantity: co2, topic: t/z0/co2 }
            """
        let statistics = DaemonStatistics()
        let runtime = try await runtime(statistics: statistics, yaml: yaml + "\n")
        let now = (Date().timeIntervalSince1970 / 300).rounded(.down) * 300
        let start = now - 86_400
        // The supervisor's wall-clock tick before any reading closes nothing.
        await runtime.tick(wallClock: now - 1)
        var batch = [Reading(zone: "z0", quantity: .co2, time: now, value: 450, sensorIndex: 1)]
        for step in 0..<20 {
            batch.append(Reading(zone: "z0", quantity: .temperature, time: start + Double(step) * 300, value: 21))
        }
        await runtime.ingest(batch, arrivalTime: now)
        // The next batch of history is not late: the untimed reading took the data clock.
        let next = (20..<40).map {
            Reading(zone: "z0", quantity: .temperature, time: start + Double($0) * 300, value: 21)
        }
        await runtime.ingest(next, arrivalTime: now + 1)
        #expect(statistics.snapshot.readingsLate == 0)
        #expect(await runtime.stepsLearned >= 38)
    }
}
