import Foundation
import Testing
import UmweltCore
import WorldModel

@testable import UmweltService

/// The stored form of a closed step decodes, with `JSONDecoder` as the restart replay does,
/// to exactly the step that was written.
struct StepEncodingTests {
    @Test func storedPayloadDecodesToTheSameStep() throws {
        var generator = SystemRandomNumberGenerator()
        let awkward: [Double] = [0, -0.0, 1e-7, 1e300, -1e-300, 0.1 + 0.2, 1_704_067_200, 21.3, .leastNonzeroMagnitude]
        for round in 0..<50 {
            var values: [SeriesKey: StepValue] = [:]
            for series in 0..<(round % 7) {
                let pick = { (i: Int) in
                    i % 2 == 0
                        ? awkward[(round + series + i) % awkward.count]
                        : Double.random(in: -1e6...1e6, using: &generator)
                }
                values[SeriesKey(zone: "z\(series)", quantity: [.temperature, .co2, .occupancy][series % 3])] =
                    StepValue(
                        mean: pick(0), count: round + series, min: pick(1), max: pick(2), last: pick(3))
            }
            let step = ClosedStep(start: Double(round) * 300 + 1_704_067_200, values: values)
            let payload = try #require(TwinRuntime.storedPayload(step))
            #expect(try JSONDecoder().decode(ClosedStep.self, from: Data(payload)) == step)
        }
    }

    @Test func zoneNamesAreEscaped() throws {
        let zone = "a \"quoted\" \\ zone/é\n\t\u{01}"
        let step = ClosedStep(
            start: 0, values: [SeriesKey(zone: zone, quantity: .humidity): StepValue(single: 40.5)])
        let payload = try #require(TwinRuntime.storedPayload(step))
        #expect(try JSONDecoder().decode(ClosedStep.self, from: Data(payload)) == step)
    }

    @Test func nonFiniteValuesHaveNoStoredForm() {
        let step = ClosedStep(
            start: 0, values: [SeriesKey(zone: "z", quantity: .temperature): StepValue(single: .infinity)])
        #expect(TwinRuntime.storedPayload(step) == nil)
        #expect((try? JSONEncoder().encode(step)) == nil)
    }
}
