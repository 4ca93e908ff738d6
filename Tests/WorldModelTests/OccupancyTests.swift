import Testing
import UmweltCore

@testable import WorldModel

@Suite struct OccupancyTests {
    @Test func learnsWeekdayOfficeSchedule() {
        let twin = SimulatedBuilding.twin(horizonSteps: 288)
        var configuration = SimulatedBuilding.configuration(twin)
        configuration.horizonSteps = 288
        var chain = OccupancyChain(zone: "room", isCounter: false)
        let clock = LocalClock(timezone: "UTC")
        let step = 300.0
        var previous: Double?
        // Three weeks of a weekday 9-17 schedule.
        for k in 0..<(21 * 288) {
            let time = SimulatedBuilding.start + Double(k) * step
            let occupied = SimulatedBuilding.isWorkHours(time) ? 1.0 : 0.0
            chain.observe(fraction: occupied, count: nil, at: time, transitionFrom: previous, clock: clock)
            previous = time
        }
        // Now Monday 00:00 (state: empty). Forecast the day.
        let origin = SimulatedBuilding.start + Double(21 * 288 - 1) * step
        let forecast = chain.forecast(origin: origin, stepSeconds: step, horizon: 288, clock: clock).probability
        let at10 = forecast[10 * 12]  // step starting 10:00
        let at03 = forecast[3 * 12]
        #expect(at10 > 0.8, "P(occupied at 10:00) = \(at10)")
        #expect(at03 < 0.05, "P(occupied at 03:00) = \(at03)")
        // A Saturday stays empty: propagate from Friday 23:55.
        let friday = SimulatedBuilding.start + Double(4 * 288 + 287) * step
        let weekend = chain.forecast(origin: friday, stepSeconds: step, horizon: 288, clock: clock).probability
        #expect(weekend[10 * 12] < 0.2)
    }

    @Test func modelPublishesOccupancyForecastAndCounts() {
        let twin = TwinDefinition(
            id: "count", stepSeconds: 300, horizonSteps: 24,
            zones: [
                ZoneDefinition(
                    id: "hall",
                    sensors: [SensorBinding(quantity: .occupancy, topic: "h/o", occupancyKind: .count)]
                )
            ]
        )
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        let start = SimulatedBuilding.start
        for k in 0..<(3 * 288) {
            let time = start + Double(k) * 300
            let people = SimulatedBuilding.isWorkHours(time) ? 12.0 : 0
            _ = model.ingest(
                Reading(zone: "hall", quantity: .occupancy, time: time + 5, value: people, occupancyKind: .count))
            _ = model.advance(to: time + 400)
        }
        let forecast = model.forecasts().first { $0.quantity == .occupancy }
        #expect(forecast != nil)
        #expect(forecast?.expectedCount?.count == 24)
        #expect(forecast?.points.allSatisfy { $0.mean >= 0 && $0.mean <= 1 } == true)
        let state = model.zoneStates().first { $0.zone == "hall" }
        #expect(state?.occupancyProbability != nil)
        #expect(state?.expectedOccupants != nil)
    }

    /// A counter's expected count starts at the latest count and fades into the schedule's
    /// typical count while occupied, so the first steps ahead do not jump to the average.
    @Test func expectedCountStartsAtLatestCount() {
        var chain = OccupancyChain(zone: "hall", isCounter: true)
        let clock = LocalClock(timezone: "UTC")
        let step = 300.0
        var previous: Double?
        for k in 0..<(5 * 288) {
            let time = SimulatedBuilding.start + Double(k) * step
            let people: Double = SimulatedBuilding.isWorkHours(time) ? 10 : 0
            chain.observe(
                fraction: people >= 0.5 ? 1 : 0, count: people, at: time, transitionFrom: previous, clock: clock)
            previous = time
        }
        // Saturday 10:00, an unusual crowd of 40.
        let origin = SimulatedBuilding.start + Double(5 * 288 + 120) * step
        chain.observe(fraction: 1, count: 40, at: origin, transitionFrom: previous, clock: clock)
        let counts = chain.forecast(origin: origin, stepSeconds: step, horizon: 48, clock: clock).count ?? []
        let probabilities = chain.forecast(origin: origin, stepSeconds: step, horizon: 48, clock: clock).probability
        let perOccupied = zip(counts, probabilities).map { $1 > 0 ? $0 / $1 : 0 }
        #expect(perOccupied[0] > 35, "count while occupied 5 min ahead: \(perOccupied[0])")
        #expect(perOccupied[47] < perOccupied[0])
        #expect(perOccupied[47] > 10)
        let typical = chain.meanOccupiedCount(at: origin, clock: clock)
        #expect(abs(chain.occupiedCount(at: origin, lead: 1e6, clock: clock) - typical) < 1e-9)
    }
}
