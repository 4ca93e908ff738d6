import Testing
import UmweltCore

@testable import WorldModel

@Suite struct AggregationTests {
    let key = SeriesKey(zone: "room", quantity: .temperature)

    func reading(_ time: Double, _ value: Double) -> Reading {
        Reading(zone: "room", quantity: .temperature, time: time, value: value)
    }

    @Test func binsAlignToEpochMultiples() {
        var aggregator = StepAggregator(stepSeconds: 300, graceSeconds: 30)
        #expect(aggregator.add(reading(1_000_000_050, 20), key: key) == .accepted)
        #expect(aggregator.add(reading(1_000_000_100, 22), key: key) == .accepted)
        #expect(aggregator.close(upTo: 1_000_000_229).isEmpty)  // end 1_000_000_200 + 30 not reached
        let closed = aggregator.close(upTo: 1_000_000_230)
        #expect(closed.count == 1)
        #expect(closed[0].start == 999_999_900)  // floor(1e9 / 300) * 300
        let value = closed[0].values[key]!
        #expect(value.mean == 21 && value.count == 2 && value.min == 20 && value.max == 22 && value.last == 22)
    }

    @Test func lateReadingsAreRejected() {
        var aggregator = StepAggregator(stepSeconds: 300, graceSeconds: 30)
        _ = aggregator.add(reading(600, 20), key: key)
        _ = aggregator.close(upTo: 931)
        #expect(aggregator.add(reading(899, 21), key: key) == .late(stepStart: 600))
        #expect(aggregator.add(reading(100, 21), key: key) == .late(stepStart: 0))
        #expect(aggregator.add(reading(900, 21), key: key) == .accepted)
    }

    @Test func outOfOrderReadingsWithinGraceLandInTheirStep() {
        var aggregator = StepAggregator(stepSeconds: 300, graceSeconds: 30)
        _ = aggregator.add(reading(610, 21), key: key)  // step 600
        _ = aggregator.add(reading(350, 19), key: key)  // step 300, earlier
        _ = aggregator.add(reading(905, 23), key: key)  // step 900
        _ = aggregator.add(reading(590, 20), key: key)  // step 300, arrives late but within grace
        let closed = aggregator.close(upTo: 925)
        #expect(closed.map(\.start) == [300])
        #expect(closed[0].values[key]!.mean == 19.5)
        #expect(closed[0].values[key]!.last == 20)
        #expect(aggregator.close(upTo: 1_300).map(\.start) == [600, 900])
    }

    @Test func gapsProduceNoEmptySteps() {
        var aggregator = StepAggregator(stepSeconds: 300, graceSeconds: 30)
        _ = aggregator.add(reading(10, 20), key: key)
        _ = aggregator.add(reading(3_010, 20), key: key)
        #expect(aggregator.close(upTo: 4_000).map(\.start) == [0, 3_000])
    }

    @Test func modelReportsLateAndUnknownReadings() {
        let twin = SimulatedBuilding.twin()
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        let start = SimulatedBuilding.start
        #expect(model.ingest(Reading(zone: "nowhere", quantity: .temperature, time: start, value: 1)) == .unknownSeries)
        #expect(model.ingest(reading(start + 10, 20)) == .accepted)
        #expect(model.dataTime == start + 10)
        let reports = model.advance(to: start + 330)
        #expect(reports.count == 1)
        #expect(model.lastClosedStep == start)
        #expect(model.stepsLearned == 1)
        #expect(model.ingest(reading(start + 20, 21)) == .late(stepStart: start))
    }

    @Test func configurationDefaultsFollowTheTwin() {
        let twin = SimulatedBuilding.twin(horizonSteps: 288)
        let configuration = ModelConfiguration(twin: twin)
        #expect(configuration.horizonSteps == 288)
        #expect(configuration.warmupSteps == 144)
        #expect(configuration.graceSeconds == 30)
        #expect(configuration.forgetting == 0.998)
        #expect(configuration.maxGapSteps == 12)
    }
}
