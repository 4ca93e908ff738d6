import Foundation
import Testing
import UmweltCore

@testable import WorldModel

/// The step tail (latest reading minus the step mean), a regressor of the direct correction.
@Suite struct StepTailTests {
    @Test func tailIsTheLatestReadingMinusTheMeanAndVanishesWhenUnobserved() {
        let clock = LocalClock(timezone: "UTC")
        let key = SeriesKey(zone: "office", quantity: .co2)
        var series = SeriesDynamics(key: key, terms: [.bias], forgetting: 0.999, horizon: 12)
        series.observe(600, last: 612)
        let index = SeriesDynamics.stepTailIndex
        #expect(series.directRegressors(origin: 0, target: 300, clock: clock)[index] == 12)
        series.observe(610)
        #expect(series.directRegressors(origin: 300, target: 600, clock: clock)[index] == 0)
        series.observe(620, last: 615)
        series.predictThrough(change: 1, maxGapSteps: 6)
        #expect(series.stepTail == nil)
        #expect(series.directRegressors(origin: 600, target: 900, clock: clock)[index] == 0)
    }

    @Test func modelPassesEachStepsLatestReadingToItsSeries() {
        let twin = TwinDefinition(
            id: "tail", stepSeconds: 300, horizonSteps: 12,
            zones: [ZoneDefinition(id: "office", sensors: [SensorBinding(quantity: .co2, topic: "c")])]
        )
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        let start = 1_700_000_100.0
        // Minute readings rising 2 ppm a minute: the mean of a step's five is 4 ppm below its last.
        for minute in 0..<30 {
            let time = start + Double(minute) * 60
            _ = model.ingest(Reading(zone: "office", quantity: .co2, time: time, value: 600 + 2 * Double(minute)))
            _ = model.advance(to: time)
        }
        let tail = model.dynamics.first { $0.key.quantity == .co2 }?.stepTail
        #expect(tail == 4)
    }
}
