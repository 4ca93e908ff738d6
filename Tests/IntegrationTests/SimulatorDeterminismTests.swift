import BuildingSimulator
import Testing
import UmweltCore

/// The same seed gives the same bytes; another seed gives another building day.
struct SimulatorDeterminismTests {
    private func run(seed: UInt64, ticks: Int = 6 * 60) -> [SimulatedMessage] {
        SimulationRun.messages(
            twin: SimulatorFixture.office,
            configuration: SimulatorFixture.configuration(seed: seed),
            ticks: ticks
        )
    }

    @Test func sameSeedGivesTheSameBytes() {
        let first = run(seed: 7)
        let second = run(seed: 7)
        #expect(!first.isEmpty)
        #expect(first == second)
    }

    @Test func anotherSeedGivesOtherMessages() {
        #expect(run(seed: 7) != run(seed: 8))
    }

    @Test func withoutNoiseReportsAreTheTruthAtSensorResolution() throws {
        var configuration = SimulatorFixture.configuration()
        configuration.sensorNoise = false
        var simulator = BuildingSimulator(twin: SimulatorFixture.office, configuration: configuration)
        var messages: [SimulatedMessage] = []
        for _ in 0..<600 { messages = simulator.step() }
        let truth = try #require(simulator.trueState(zone: "meeting-room"))
        let co2 = try #require(messages.first { $0.topic == "site/meeting-room/co2" })
        #expect(Double(co2.text) == truth.co2.rounded())
    }

    @Test func randomStreamsAreReproducibleAndIndependent() {
        var a = SimulationRandom(seed: 42, stream: "weather")
        var b = SimulationRandom(seed: 42, stream: "weather")
        var c = SimulationRandom(seed: 42, stream: "occupancy/kitchen")
        let first = (0..<100).map { _ in a.next() }
        #expect(first == (0..<100).map { _ in b.next() })
        #expect(first != (0..<100).map { _ in c.next() })
        let normals = (0..<20_000).map { _ in a.normal() }
        let mean = normals.reduce(0, +) / Double(normals.count)
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(normals.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        #expect((0..<1_000).allSatisfy { _ in (2...8).contains(a.integer(2...8)) })
    }
}
