import BuildingSimulator
import Testing
import UmweltCore

/// A winter week of the fixture office: the truth stays plausible and follows the schedules.
struct SimulatorPhysicsTests {
    static let week: SimulationRun = {
        var run = SimulationRun(
            twin: SimulatorFixture.office,
            configuration: SimulatorFixture.configuration(),
            composesMessages: false,
            recordsTruth: true
        )
        run.run(ticks: 7 * SimulatorFixture.ticksPerDay)
        return run
    }()

    @Test func winterWeekStaysWithinPlausibleIndoorRanges() {
        let truth = Self.week.truth
        #expect(truth.count == 7 * SimulatorFixture.ticksPerDay * 4)
        for sample in truth {
            #expect((15...26).contains(sample.truth.temperature), "\(sample.zone) at \(sample.time)")
            #expect((20...70).contains(sample.truth.humidity), "\(sample.zone) at \(sample.time)")
            #expect((400...2500).contains(sample.truth.co2), "\(sample.zone) at \(sample.time)")
            #expect((0...1).contains(sample.truth.hvacLevel))
        }
    }

    @Test func heatingTracksTheSetpointDuringOfficeHours() {
        for zone in Self.week.simulator.indoorZones {
            let errors = Self.week.truth.filter { sample in
                let local = SimulatorFixture.localHour(sample.time)
                return sample.zone == zone && local.weekday < 5 && local.hour >= 10 && local.hour < 17
            }.map { abs($0.truth.temperature - $0.truth.setpoint) }
            let meanError = errors.reduce(0, +) / Double(errors.count)
            #expect(errors.count == 5 * 7 * 60)
            #expect(meanError < 1, "\(zone): mean |T − setpoint| \(meanError) K")
        }
    }

    @Test func setpointFollowsTheScheduleWithManualChanges() {
        var officeHourSetpoints = Set<Double>()
        for sample in Self.week.truth {
            let local = SimulatorFixture.localHour(sample.time)
            let isOfficeHours = local.weekday < 5 && local.hour >= 7 && local.hour < 18
            if isOfficeHours {
                officeHourSetpoints.insert(sample.truth.setpoint)
            } else {
                #expect(sample.truth.setpoint == 17)
            }
        }
        #expect(officeHourSetpoints.contains(21))
        #expect(officeHourSetpoints.count > 1, "no manual setpoint change in a week")
        #expect(officeHourSetpoints.isSubset(of: [20, 21, 22]))
    }

    @Test func co2RisesWithOccupancyAndReturnsTowardOutdoorAtNight() {
        for zone in ["meeting-room", "open-office", "focus-room"] {
            let samples = Self.week.truth.filter { $0.zone == zone }
            let occupied = samples.filter { $0.truth.occupants > 0 }.map(\.truth.co2)
            let night = samples.filter {
                let hour = SimulatorFixture.localHour($0.time).hour
                return hour >= 4 && hour < 6
            }.map(\.truth.co2)
            let occupiedMean = occupied.reduce(0, +) / Double(occupied.count)
            let nightMean = night.reduce(0, +) / Double(night.count)
            #expect(occupiedMean > nightMean + 100, "\(zone): occupied \(occupiedMean) ppm, night \(nightMean) ppm")
            #expect(nightMean < 470, "\(zone): night \(nightMean) ppm")
        }
    }

    @Test func peopleComeOnWeekdaysAndTheWeekendIsMostlyEmpty() {
        let office = Self.week.truth.filter { $0.zone == "open-office" }
        let core = office.filter {
            let local = SimulatorFixture.localHour($0.time)
            return local.weekday < 5 && local.hour >= 9.5 && local.hour < 11.5
        }.map(\.truth.occupants)
        #expect(core.allSatisfy { (3...12).contains($0) })
        let night = office.filter { SimulatorFixture.localHour($0.time).hour < 6 }
        #expect(night.allSatisfy { $0.truth.occupants == 0 })
        let weekend = Self.week.truth.filter { SimulatorFixture.localHour($0.time).weekday >= 5 }
        let weekendOccupied = weekend.filter { $0.truth.occupants > 0 }.count
        #expect(Double(weekendOccupied) < 0.05 * Double(weekend.count))
        let meetings = Self.week.truth.filter { $0.zone == "meeting-room" }.map(\.truth.occupants)
        #expect(meetings.max() ?? 0 >= 4)
        #expect(meetings.allSatisfy { $0 <= 8 })
        let focus = Self.week.truth.filter { $0.zone == "focus-room" }.map(\.truth.occupants)
        #expect(focus.allSatisfy { $0 <= 1 } && focus.contains(1))
        #expect(Self.week.truth.contains { $0.zone == "kitchen" && $0.truth.windowOpen })
    }

    @Test func outdoorIsColdestBeforeDawnAndDarkAtNight() {
        var simulator = BuildingSimulator(
            twin: SimulatorFixture.office, configuration: SimulatorFixture.configuration())
        var temperatures: [(hour: Double, celsius: Double)] = []
        for _ in 0..<SimulatorFixture.ticksPerDay {
            simulator.advance()
            let hour = SimulatorFixture.localHour(simulator.time).hour
            let outdoor = simulator.outdoorTruth
            temperatures.append((hour, outdoor.temperature))
            if hour < 7 || hour > 18 { #expect(outdoor.solar == 0) }
            #expect((0...450).contains(outdoor.solar))
            #expect((30...100).contains(outdoor.humidity))
            #expect((-15...15).contains(outdoor.temperature))
        }
        let dawn = temperatures.filter { $0.hour >= 4 && $0.hour < 6 }.map(\.celsius)
        let afternoon = temperatures.filter { $0.hour >= 15 && $0.hour < 17 }.map(\.celsius)
        let dawnMean = dawn.reduce(0, +) / Double(dawn.count)
        let afternoonMean = afternoon.reduce(0, +) / Double(afternoon.count)
        #expect(dawnMean < afternoonMean)
    }

    @Test func fiveMinuteTicksStayStableAndPlausible() {
        var configuration = SimulatorFixture.configuration()
        configuration.tickSeconds = 300
        var run = SimulationRun(
            twin: SimulatorFixture.office,
            configuration: configuration,
            composesMessages: false,
            recordsTruth: true
        )
        run.run(hours: 48)
        #expect(run.truth.count == 48 * 12 * 4)
        #expect(run.truth.allSatisfy { (15...26).contains($0.truth.temperature) })
        #expect(run.truth.allSatisfy { (400...2500).contains($0.truth.co2) })
    }

    @Test func summerOfficeIsCooledAndStaysBelowTwentySeven() {
        // Monday 2026-07-13 00:00 in Europe/Berlin (UTC+2).
        var run = SimulationRun(
            twin: SimulatorFixture.office,
            configuration: SimulatorFixture.configuration(start: 1_783_893_600),
            composesMessages: false,
            recordsTruth: true
        )
        run.run(ticks: 3 * SimulatorFixture.ticksPerDay)
        #expect(run.truth.allSatisfy { (16...27).contains($0.truth.temperature) })
        #expect(run.truth.contains { $0.truth.coolingLevel > 0 })
    }
}
