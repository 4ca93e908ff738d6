import BuildingSimulator
import Testing
import UmweltCore

/// Overrides move the truth in the physically right direction against the same seed's baseline.
struct SimulatorOverrideTests {
    /// Runs the fixture from Monday 00:00 to `fromHour`, applies `overrides`, runs `hours` more
    /// and returns the truth samples of `zone` after the override.
    private func truth(
        zone: String,
        overrides: [SimulatorOverride],
        fromHour: Double = 8,
        hours: Double = 8,
        unheated: Set<String> = []
    ) -> [ZoneTruth] {
        var configuration = SimulatorFixture.configuration()
        configuration.unheatedZones = unheated
        var run = SimulationRun(twin: SimulatorFixture.office, configuration: configuration, composesMessages: false)
        run.run(hours: fromHour)
        for override in overrides { run.apply(override) }
        run.recordsTruth = true
        run.run(hours: hours)
        return run.truth.filter { $0.zone == zone }.map(\.truth)
    }

    private func mean(_ values: [Double]) -> Double {
        values.reduce(0, +) / Double(max(values.count, 1))
    }

    @Test func higherSetpointMakesTheZoneWarmer() {
        let baseline = truth(zone: "open-office", overrides: [])
        let warmer = truth(zone: "open-office", overrides: [.setpoint(zone: "open-office", celsius: 24)])
        #expect(warmer.allSatisfy { $0.setpoint == 24 })
        #expect(mean(warmer.suffix(240).map(\.temperature)) > mean(baseline.suffix(240).map(\.temperature)) + 2)
        #expect(mean(warmer.map(\.hvacLevel)) > mean(baseline.map(\.hvacLevel)))
    }

    @Test func twiceThePeopleGiveMoreCO2() {
        let baseline = truth(zone: "open-office", overrides: [])
        let crowded = truth(zone: "open-office", overrides: [.occupancyScale(zone: "open-office", factor: 2)])
        #expect(mean(crowded.map { Double($0.occupants) }) > 1.8 * mean(baseline.map { Double($0.occupants) }))
        #expect(mean(crowded.map(\.co2)) > mean(baseline.map(\.co2)) + 50)
    }

    @Test func colderOutdoorsCoolsAnUnheatedZone() {
        let unheated: Set<String> = ["kitchen"]
        let baseline = truth(zone: "kitchen", overrides: [], fromHour: 0, hours: 12, unheated: unheated)
        let colder = truth(
            zone: "kitchen",
            overrides: [.outdoorOffset(celsius: -5)],
            fromHour: 0,
            hours: 12,
            unheated: unheated
        )
        #expect(baseline.allSatisfy { $0.hvacLevel == 0 })
        let difference = mean(baseline.suffix(120).map(\.temperature)) - mean(colder.suffix(120).map(\.temperature))
        #expect(difference > 0.3, "only \(difference) K colder")
        #expect(zip(baseline, colder).allSatisfy { $0.temperature >= $1.temperature })
    }

    @Test func openWindowExchangesAirAndCoolsTheZone() {
        let baseline = truth(zone: "meeting-room", overrides: [], fromHour: 3, hours: 1)
        let aired = truth(
            zone: "meeting-room", overrides: [.windowOpen(zone: "meeting-room", true)], fromHour: 3, hours: 1)
        #expect(aired.allSatisfy { $0.windowOpen })
        #expect(mean(aired.map(\.temperature)) < mean(baseline.map(\.temperature)) - 0.2)
        #expect(mean(aired.map(\.hvacLevel)) > mean(baseline.map(\.hvacLevel)))
    }

    @Test func unknownZonesAreIgnored() {
        var simulator = BuildingSimulator(
            twin: SimulatorFixture.office, configuration: SimulatorFixture.configuration())
        let before = simulator.trueState(zone: "open-office")
        simulator.apply(.setpoint(zone: "attic", celsius: 30))
        #expect(simulator.trueState(zone: "open-office") == before)
        #expect(simulator.trueState(zone: "attic") == nil && simulator.trueState(zone: "outdoor") == nil)
    }
}
