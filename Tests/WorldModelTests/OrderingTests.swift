import Foundation
import Testing
import UmweltCore

@testable import WorldModel

/// Defined outcomes for readings that arrive out of order, twice, or from a clock that
/// jumped (issue 7): out of order within open steps is used; a reading of a closed step is
/// `.late` and changes nothing; an exact duplicate in an open step leaves the step's mean,
/// extremes and latest value unchanged; a backward clock jump is late until the data clock
/// catches up; a forward jump past `maxGapSteps` resets the dynamic state and keeps learning.
@Suite struct OrderingTests {
    private func warmModel(steps: Int = 200) -> (TwinModel, SimulatedBuilding) {
        let twin = SimulatedBuilding.twin(horizonSteps: 12)
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 50))
        var building = SimulatedBuilding()
        run(&building, &model, steps: steps)
        return (model, building)
    }

    private func encoded(_ model: TwinModel) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(model)
    }

    private let room = SeriesKey(zone: "room", quantity: .temperature)

    @Test func outOfOrderReadingsWithinOpenStepsAreUsed() {
        var (model, building) = warmModel()
        let start = building.time(ofStep: building.index)
        // The next step's reading first, then the current step's: both steps are open.
        #expect(model.ingest(Reading(zone: "room", quantity: .temperature, time: start + 310, value: 22)) == .accepted)
        #expect(model.ingest(Reading(zone: "room", quantity: .temperature, time: start + 20, value: 21)) == .accepted)
        #expect(model.ingest(Reading(zone: "room", quantity: .temperature, time: start + 10, value: 20)) == .accepted)
        let reports = model.advance(to: start + 600 + 60)
        #expect(reports.count == 2)
        #expect(reports.first?.step.values[room]?.mean == 20.5)
        #expect(reports.first?.step.values[room]?.last == 21, "latest by time, not by arrival")
        #expect(reports.last?.step.values[room]?.mean == 22)
        building.index += 2
    }

    @Test func readingOfAClosedStepIsLateAndChangesNothing() throws {
        var (model, building) = warmModel()
        let closedStepTime = building.time(ofStep: building.index - 3) + 5
        let before = try encoded(model)
        let outcome = model.ingest(Reading(zone: "room", quantity: .temperature, time: closedStepTime, value: 35))
        #expect(outcome == .late(stepStart: building.time(ofStep: building.index - 3)))
        #expect(try encoded(model) == before)
        #expect(model.advance(to: model.dataTime ?? 0).isEmpty)
    }

    @Test func exactDuplicateInAnOpenStepKeepsTheStepValue() {
        var (model, building) = warmModel()
        let start = building.time(ofStep: building.index)
        let reading = Reading(zone: "room", quantity: .temperature, time: start + 20, value: 21.25)
        #expect(model.ingest(reading) == .accepted)
        #expect(model.ingest(reading) == .accepted)
        let value = model.advance(to: start + 300 + 60).first?.step.values[room]
        #expect(value?.mean == 21.25 && value?.min == 21.25 && value?.max == 21.25 && value?.last == 21.25)
        #expect(value?.count == 2, "a duplicate is counted, not detected: QoS 1 redelivery is harmless")
        // Delivered again after its step closed: late, ignored.
        #expect(model.ingest(reading) == .late(stepStart: start))
    }

    @Test func backwardClockJumpIsLateUntilTheDataClockCatchesUp() throws {
        var (model, building) = warmModel()
        let now = building.time(ofStep: building.index)
        let learned = model.stepsLearned
        let before = try encoded(model)
        for minutes in stride(from: 60, to: 0, by: -10) {
            let reading = Reading(zone: "room", quantity: .temperature, time: now - Double(minutes) * 60, value: 21)
            #expect(model.ingest(reading) != .accepted)
        }
        #expect(try encoded(model) == before, "readings an hour in the past leave the model as it was")
        run(&building, &model, steps: 3)
        #expect(model.stepsLearned == learned + 3, "the correct clock continues as before")
    }

    @Test func forwardClockJumpBeyondMaxGapResetsStateAndKeepsLearning() {
        var (model, building) = warmModel()
        let parameters = model.parameters()
        let index = model.layout.dynamicIndex(room)!
        // Every sensor jumps two hours ahead (more than maxGapSteps = 12 steps of 5 min).
        building.index += 24
        var reports: [StepReport] = []
        run(&building, &model, steps: 3) { reports.append($0) }
        #expect(reports.count == 3)
        #expect(!model.isWarmingUp(zone: "room"), "what was learned is kept")
        #expect(model.parameters().count == parameters.count)
        #expect(model.dynamics[index].levelObserved)
        #expect(reports.last.map { !$0.forecasts.isEmpty } == true, "forecasting again right after the jump")
    }
}
