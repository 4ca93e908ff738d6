import Testing

@testable import UmweltService

/// The spacing of forecast publications while a twin catches up with history.
struct ForecastThrottleTests {
    let start = ContinuousClock.now

    @Test func nothingIsDueUntilAStepIsHeld() {
        var throttle = ForecastThrottle()
        #expect(!throttle.isDue(now: start))
        throttle.hold()
        #expect(throttle.isDue(now: start))
        throttle.published(at: start, cost: .milliseconds(1))
        #expect(!throttle.isPending)
        #expect(!throttle.isDue(now: start + .seconds(5)))
    }

    @Test func cheapForecastsAreSpacedByTheMinimumInterval() {
        var throttle = ForecastThrottle(share: 0.25, minInterval: .milliseconds(100), maxInterval: .seconds(1))
        throttle.hold()
        throttle.published(at: start, cost: .microseconds(500))
        throttle.hold()
        #expect(throttle.interval == .milliseconds(100))
        #expect(!throttle.isDue(now: start + .milliseconds(99)))
        #expect(throttle.isDue(now: start + .milliseconds(100)))
    }

    @Test func byDefaultCheapForecastsGoOutFourTimesASecond() {
        var throttle = ForecastThrottle()
        throttle.published(at: start, cost: .milliseconds(2))
        throttle.hold()
        #expect(throttle.interval == .milliseconds(250))
        #expect(!throttle.isDue(now: start + .milliseconds(249)))
        #expect(throttle.isDue(now: start + .milliseconds(250)))
    }

    @Test func costlyForecastsTakeAtMostTheirShareUpToTheMaximumInterval() {
        var throttle = ForecastThrottle(share: 0.25, minInterval: .milliseconds(100), maxInterval: .seconds(1))
        throttle.published(at: start, cost: .milliseconds(200))
        #expect(throttle.interval == .milliseconds(600))
        throttle.published(at: start, cost: .seconds(2))
        #expect(throttle.interval == .seconds(1))
        // A live publication (no cost measured) keeps the previous estimate.
        throttle.published(at: start, cost: nil)
        #expect(throttle.interval == .seconds(1))
    }
}
