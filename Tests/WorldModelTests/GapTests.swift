import Testing
import UmweltCore

@testable import WorldModel

@Suite struct GapTests {
    func skipping(_ model: inout TwinModel, _ building: inout SimulatedBuilding, steps: Int) {
        for _ in 0..<steps { _ = building.nextReadings() }
        _ = model.advance(to: building.time(ofStep: building.index) + 60)
    }

    @Test func shortGapIsPredictedThroughAndLongGapResetsState() {
        let twin = SimulatedBuilding.twin(horizonSteps: 12)
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 50))
        var building = SimulatedBuilding()
        run(&building, &model, steps: 300)
        let key = SeriesKey(zone: "room", quantity: .temperature)
        let index = model.layout.dynamicIndex(key)!
        let learnedBefore = model.dynamics[index].rls.theta

        skipping(&model, &building, steps: 5)
        var reports: [StepReport] = []
        run(&building, &model, steps: 1) { reports.append($0) }
        #expect(reports.count == 1)
        #expect(model.stepsLearned == 301)
        // Forecasts issued before the gap and targeting this step were scored: the score exists.
        #expect(reports[0].scores[key] != nil)
        #expect(model.dynamics[index].levelObserved)

        skipping(&model, &building, steps: 30)
        #expect(model.dynamics[index].level != nil)  // reset happens when the next step closes
        run(&building, &model, steps: 1)
        #expect(model.dynamics[index].change == 0)
        #expect(model.dynamics[index].rls.theta != Array(repeating: 0, count: learnedBefore.count))
        #expect(model.forecasts().contains { $0.zone == "room" && $0.quantity == .temperature })
    }

    @Test func sameInputsGiveIdenticalOutputs() {
        let twin = SimulatedBuilding.twin(horizonSteps: 12)
        let configuration = SimulatedBuilding.configuration(twin, warmup: 50)
        var first = TwinModel(twin: twin, configuration: configuration)
        var second = TwinModel(twin: twin, configuration: configuration)
        var a = SimulatedBuilding()
        var b = SimulatedBuilding()
        var firstReports: [[SeriesForecast]] = []
        var secondReports: [[SeriesForecast]] = []
        run(&a, &first, steps: 250) { firstReports.append($0.forecasts) }
        run(&b, &second, steps: 250) { secondReports.append($0.forecasts) }
        #expect(firstReports == secondReports)
    }
}
