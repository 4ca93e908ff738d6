import BuildingSimulator
import Foundation
import UmweltCore
import WorldModel

/// The demo office (Twins/demo-office.yaml) learned from simulated history, with the
/// simulator standing at the model's origin so that "what if" runs can be checked against it.
struct ScenarioDemoOffice: Sendable {
    /// Monday 2026-01-05 00:00 Europe/Berlin.
    static let monday = 1_767_567_600.0

    static let twinPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Twins/demo-office.yaml").path

    let twin: TwinDefinition
    let router: Router
    var model: TwinModel
    var simulator: BuildingSimulator

    /// A fresh model and a simulator at `start`; forecasts reach `horizonSteps` steps ahead.
    init(horizonSteps: Int, seed: UInt64 = 7, start: Double = monday) throws {
        var twin = try TwinFileParser.load(path: Self.twinPath)
        twin.horizonSteps = horizonSteps
        self.twin = twin
        router = Router(twins: [twin])
        model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        var configuration = SimulatorConfiguration(start: start)
        configuration.seed = seed
        simulator = BuildingSimulator(twin: twin, configuration: configuration)
    }

    /// Simulates up to `time` (a step boundary), feeds every message to the model and closes
    /// every step before `time`: the model's forecasts then start at `time`.
    mutating func learn(until time: Double) {
        let grace = model.configuration.graceSeconds
        var sinceAdvance = 0
        while simulator.time < time {
            for message in simulator.step() {
                for (_, routed) in router.route(
                    topic: message.topic, payload: message.payload, arrivalTime: message.time)
                {
                    for reading in routed.readings { _ = model.ingest(reading) }
                }
            }
            sinceAdvance += 1
            if sinceAdvance >= 5 {
                sinceAdvance = 0
                _ = model.advance(to: simulator.time - Double(twin.stepSeconds) + grace)
            }
        }
        _ = model.advance(to: time + grace)
    }

    /// Step means of the true air temperature and CO2 of `zone` for `steps` steps from the
    /// simulator's current time (advancing a copy).
    static func truth(of simulator: BuildingSimulator, zone: String, steps: Int, stepSeconds: Int)
        -> (temperature: [Double], co2: [Double])
    {
        var simulator = simulator
        var temperature: [Double] = []
        var co2: [Double] = []
        let ticks = max(1, Int((Double(stepSeconds) / simulator.tickSeconds).rounded()))
        for _ in 0..<steps {
            var t = 0.0
            var c = 0.0
            for _ in 0..<ticks {
                let state = simulator.trueState(zone: zone)
                t += state?.temperature ?? .nan
                c += state?.co2 ?? .nan
                simulator.advance()
            }
            temperature.append(t / Double(ticks))
            co2.append(c / Double(ticks))
        }
        return (temperature, co2)
    }

    /// The demo office learned for 10 days (Monday to Thursday 00:00 of the next week), with a
    /// 4-hour horizon to keep the debug-build tests fast; shared by the scenario suites.
    static let learned: ScenarioDemoOffice = {
        var office = try! ScenarioDemoOffice(horizonSteps: 48)
        office.learn(until: monday + 10 * 86_400)
        return office
    }()

    /// The learned office moved on to `hours` after the end of the shared history.
    static func learned(plusHours hours: Double) -> ScenarioDemoOffice {
        var office = learned
        office.learn(until: monday + 10 * 86_400 + hours * 3_600)
        return office
    }
}
