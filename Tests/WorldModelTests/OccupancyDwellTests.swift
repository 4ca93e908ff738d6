import Foundation
import Testing
import UmweltCore

@testable import WorldModel

/// The occupancy chain's dwell-time hazards and end-of-step presence evidence.
@Suite struct OccupancyDwellTests {
    static let step = 300.0
    static let clock = LocalClock(timezone: "UTC")

    /// Four weeks of a room booked for two-hour meetings at random quarter hours between
    /// 8:00 and 16:00 (one or two a day, weekdays), so the time of day alone cannot tell how
    /// long a meeting under way will last. Returns the chain and the first step after it.
    static func meetingRoom() -> (chain: OccupancyChain, next: Double) {
        var chain = OccupancyChain(zone: "meeting", isCounter: false)
        var seed: UInt64 = 42
        func uniform() -> Double {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(seed >> 11) / Double(1 << 53)
        }
        var previous: Double?
        let days = 28
        for day in 0..<days {
            var meetings: [(Double, Double)] = []
            if day % 7 < 5 {
                let first = 8 + Double(Int(uniform() * 12)) * 0.25
                meetings.append((first, first + 2))
                if uniform() < 0.6 {
                    let second = first + 2.5 + Double(Int(uniform() * 12)) * 0.25
                    if second + 2 < 19 { meetings.append((second, second + 2)) }
                }
            }
            for k in 0..<288 {
                let time = SimulatedBuilding.start + Double(day * 288 + k) * step
                let hour = Double(k) / 12
                let occupied = meetings.contains { hour >= $0.0 && hour < $0.1 }
                chain.observe(
                    fraction: occupied ? 1 : 0, count: nil, at: time, transitionFrom: previous, clock: clock)
                previous = time
            }
        }
        return (chain, SimulatedBuilding.start + Double(days * 288) * step)
    }

    /// Observes `occupiedSteps` occupied steps from `start` after an empty step, and returns
    /// P(occupied) 30 minutes after the last one.
    static func presenceIn30Minutes(_ chain: OccupancyChain, start: Double, occupiedSteps: Int) -> Double {
        var chain = chain
        chain.observe(fraction: 0, count: nil, at: start - step, transitionFrom: start - 2 * step, clock: clock)
        var time = start
        for _ in 0..<occupiedSteps {
            chain.observe(fraction: 1, count: nil, at: time, transitionFrom: time - step, clock: clock)
            time += step
        }
        let origin = time - step
        return chain.forecast(origin: origin, stepSeconds: step, horizon: 6, clock: clock).probability[5]
    }

    @Test func longMeetingStaysLikelyThenEndsAfterItsTypicalDuration() {
        let (chain, next) = Self.meetingRoom()
        // Monday of the fifth week, 10:00 and 13:00.
        for hour in [10.0, 13.0] {
            let start = next + hour * 3_600
            let early = Self.presenceIn30Minutes(chain, start: start, occupiedSteps: 2)
            let late = Self.presenceIn30Minutes(chain, start: start, occupiedSteps: 25)
            #expect(early > 0.85, "after 10 min occupied at \(hour) h, P(occupied in 30 min) = \(early)")
            #expect(late < 0.5, "after 2 h 5 min occupied at \(hour) h, P(occupied in 30 min) = \(late)")
        }
        // Learned hazards: fewer departures than the time of week expects in the first hour of
        // a meeting, many more at two hours.
        let ratios = (0..<OccupancyDwell.binCount).map { chain.dwell.ratio(occupied: true, bin: $0) }
        #expect(ratios[0..<3].allSatisfy { $0 < 0.8 }, "hazard ratios \(ratios)")
        #expect(ratios[OccupancyDwell.bin(7_200)] > 3, "hazard ratios \(ratios)")
    }

    @Test func meetingThatBeganMidStepStartsAsOccupied() {
        let (chain, next) = Self.meetingRoom()
        var room = chain
        let start = next + 10 * 3_600
        room.observe(fraction: 0, count: nil, at: start - Self.step, transitionFrom: nil, clock: Self.clock)
        // Occupied for the last 40 % of the step: the latest reading says occupied.
        room.observe(
            fraction: 0.4, last: 1, count: nil, at: start, transitionFrom: start - Self.step, clock: Self.clock)
        #expect(room.probability == 1)
        #expect(room.dwell.isOccupied == true)
        #expect(abs(room.dwell.seconds - 0.4 * Self.step) < 1e-9)
        let forecast = room.forecast(origin: start, stepSeconds: Self.step, horizon: 6, clock: Self.clock)
        #expect(forecast.probability[0] > 0.9, "P(occupied next step) = \(forecast.probability[0])")
        #expect(forecast.probability[5] > 0.85, "P(occupied in 30 min) = \(forecast.probability[5])")
    }

    /// Multi-step forecasts agree with stepping the chain through unobserved steps one by one.
    @Test func forecastMatchesPropagationThroughGaps() {
        let (chain, next) = Self.meetingRoom()
        var room = chain
        let start = next + 11 * 3_600
        room.observe(fraction: 1, count: nil, at: start, transitionFrom: nil, clock: Self.clock)
        let forecast = room.forecast(origin: start, stepSeconds: Self.step, horizon: 12, clock: Self.clock)
        #expect(forecast.probability.allSatisfy { $0 >= 0 && $0 <= 1 })
        var stepped = room
        stepped.predictThrough(stepStart: start, clock: Self.clock)
        #expect(abs((stepped.probability ?? -1) - forecast.probability[0]) < 1e-12)
    }

    /// Checkpoints written before the dwell clock existed decode with a fresh clock and the
    /// same schedule.
    @Test func decodesCheckpointWithoutDwellFields() throws {
        let (chain, next) = Self.meetingRoom()
        let data = try JSONEncoder().encode(chain)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["dwellState"] != nil)
        object["dwellState"] = nil
        object["stepSeconds"] = nil
        let old = try JSONDecoder().decode(
            OccupancyChain.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(old.dwell == OccupancyDwell())
        let time = next + 10 * 3_600
        #expect(old.transition(at: time, clock: Self.clock) == chain.transition(at: time, clock: Self.clock))
        let forecast = old.forecast(origin: time, stepSeconds: Self.step, horizon: 12, clock: Self.clock)
        #expect(forecast.probability.count == 12)
    }
}
