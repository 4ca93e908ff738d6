import Testing
import UmweltCore

@testable import WorldModel

@Suite struct AnomalyTests {
    func warmedModel(steps: Int = 600) -> (TwinModel, SimulatedBuilding) {
        let twin = SimulatedBuilding.twin(horizonSteps: 12)
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin))
        var building = SimulatedBuilding()
        run(&building, &model, steps: steps)
        return (model, building)
    }

    /// Runs `steps` steps with readings transformed by `edit`; returns all events.
    func runEdited(
        _ model: inout TwinModel, _ building: inout SimulatedBuilding, steps: Int,
        edit: (Int, Reading) -> Reading?
    ) -> [AnomalyEvent] {
        var events: [AnomalyEvent] = []
        for s in 0..<steps {
            for reading in building.nextReadings() {
                if let edited = edit(s, reading) { _ = model.ingest(edited) }
            }
            for report in model.advance(to: building.time(ofStep: building.index) + 60) { events += report.events }
        }
        return events
    }

    @Test func cleanRunGivesFewEvents() {
        var (model, building) = warmedModel()
        let events = runEdited(&model, &building, steps: 2_016) { $1 }
        let opened = events.filter { $0.phase == .opened }
        #expect(opened.count <= 7, "\(opened.map(\.explanation))")
    }

    @Test func spikeOpensDeviationEvent() {
        var (model, building) = warmedModel()
        let events = runEdited(&model, &building, steps: 10) { s, reading in
            var reading = reading
            if s == 3 && reading.zone == "room" && reading.quantity == .temperature { reading.value += 4 }
            return reading
        }
        let deviation = events.filter { $0.kind == .deviation && $0.quantity == .temperature && $0.zone == "room" }
        #expect(deviation.contains { $0.phase == .opened })
        #expect(deviation.contains { $0.phase == .closed })
        let opened = deviation.first { $0.phase == .opened }
        #expect(opened?.id.hasPrefix("room/temperature/deviation/") == true)
        #expect(opened?.explanation.contains("expected") == true)
    }

    @Test func frozenSensorWhileModelExpectsMovementIsStuck() {
        // 648 steps = 54 h: the freeze starts at 06:00 when the heater switches on.
        var (model, building) = warmedModel(steps: 648)
        var frozen: Double?
        let events = runEdited(&model, &building, steps: 36) { s, reading in
            var reading = reading
            if reading.zone == "room" && reading.quantity == .temperature && s >= 0 {
                frozen = frozen ?? reading.value
                reading.value = frozen!
            }
            return reading
        }
        #expect(events.contains { $0.kind == .stuck && $0.phase == .opened && $0.quantity == .temperature })
    }

    @Test func constantValueExpectedConstantIsNotStuck() {
        let twin = TwinDefinition(
            id: "flat", stepSeconds: 300, horizonSteps: 12,
            zones: [ZoneDefinition(id: "room", sensors: [SensorBinding(quantity: .temperature, topic: "t")])]
        )
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 50))
        var events: [AnomalyEvent] = []
        for k in 0..<400 {
            let time = SimulatedBuilding.start + Double(k) * 300
            _ = model.ingest(Reading(zone: "room", quantity: .temperature, time: time + 1, value: 21.5))
            for report in model.advance(to: time + 400) { events += report.events }
        }
        #expect(!events.contains { $0.kind == .stuck })
        #expect(events.isEmpty)
    }

    @Test func silentSensorGivesDropout() {
        var (model, building) = warmedModel()
        var scores: [AnomalyScore] = []
        var events: [AnomalyEvent] = []
        for s in 0..<12 {
            for reading in building.nextReadings() where !(s >= 2 && reading.quantity == .co2) {
                _ = model.ingest(reading)
            }
            for report in model.advance(to: building.time(ofStep: building.index) + 60) {
                events += report.events
                if let score = report.scores[SeriesKey(zone: "room", quantity: .co2)] { scores.append(score) }
            }
        }
        #expect(events.contains { $0.kind == .dropout && $0.phase == .opened && $0.quantity == .co2 })
        #expect(scores.contains { $0.kind == .dropout })
    }

    @Test func outOfRangeValueIsFlagged() {
        var (model, building) = warmedModel()
        let events = runEdited(&model, &building, steps: 3) { s, reading in
            var reading = reading
            if s == 1 && reading.quantity == .co2 { reading.value = 50_000 }
            return reading
        }
        #expect(events.contains { $0.kind == .outOfRange && $0.severity == .critical })
    }

    @Test func warmingUpZoneGetsNoEvents() {
        let twin = SimulatedBuilding.twin(horizonSteps: 12)
        var model = TwinModel(twin: twin, configuration: SimulatedBuilding.configuration(twin, warmup: 1_000))
        var building = SimulatedBuilding()
        var scored = 0
        var events: [AnomalyEvent] = []
        for s in 0..<200 {
            for reading in building.nextReadings() {
                var reading = reading
                if s % 20 == 10 && reading.quantity == .temperature { reading.value += 10 }
                _ = model.ingest(reading)
            }
            for report in model.advance(to: building.time(ofStep: building.index) + 60) {
                events += report.events
                scored += report.scores.count
            }
        }
        #expect(events.isEmpty)
        #expect(scored > 0)
    }
}
