import ArgumentParser
import BuildingSimulator
import UmweltCore
import WorldModel

/// What anomaly scoring costs per step: the same readings of the simulated demo office learned
/// by two models, one with every detector and one with every detector disabled (the twin's
/// `anomalies: { disabled: [...] }`, which skips scoring), timed in the same run.
struct AnomalyCostBenchmark {
    var days = 4.0
    var repetitions = 3

    /// Runs the benchmark and returns the report lines.
    func run(twin: TwinDefinition) -> [String] {
        let readings = Self.readings(twin: twin, days: days)
        var lines: [String] = []
        for horizonSteps in [twin.horizonSteps, 12] {
            var scored = twin
            scored.horizonSteps = horizonSteps
            var unscored = scored
            unscored.anomalies = AnomalySettings(disabled: Set(AnomalySettings.kindNames))
            var best = (with: Double.infinity, without: Double.infinity)
            var steps = 0
            for _ in 0..<repetitions {
                let (withScoring, count) = Self.time(twin: scored, readings: readings)
                let (withoutScoring, _) = Self.time(twin: unscored, readings: readings)
                best = (min(best.with, withScoring), min(best.without, withoutScoring))
                steps = count
            }
            let perStepWith = best.with / Double(max(1, steps)) * 1e6
            let perStepWithout = best.without / Double(max(1, steps)) * 1e6
            lines.append(
                "anomaly scoring, horizon \(horizonSteps) steps: \(Self.text(perStepWith)) µs/step with, "
                    + "\(Self.text(perStepWithout)) µs/step without scoring, ratio "
                    + Self.text(best.with / best.without, 3) + " (\(steps) steps, best of \(repetitions))"
            )
        }
        return lines
    }

    /// Seconds to ingest and learn every reading, and the steps learned.
    static func time(twin: TwinDefinition, readings: [Reading]) -> (Double, Int) {
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        let clock = ContinuousClock()
        let began = clock.now
        var steps = 0
        for reading in readings {
            _ = model.ingest(reading)
            if let time = model.dataTime { steps += model.advance(to: time).count }
        }
        let elapsed = clock.now - began
        return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18, steps)
    }

    /// The readings the simulated building's sensors send over `days`, routed once.
    static func readings(twin: TwinDefinition, days: Double) -> [Reading] {
        let configuration = SimulatorConfiguration(start: 1_767_225_600)
        var simulator = BuildingSimulator(twin: twin, configuration: configuration)
        let router = Router(twins: [twin])
        var readings: [Reading] = []
        while simulator.time < configuration.start + days * 86_400 {
            for message in simulator.step() {
                for (_, result) in router.route(
                    topic: message.topic, payload: message.payload, arrivalTime: message.time)
                {
                    readings += result.readings
                }
            }
        }
        return readings
    }

    static func text(_ x: Double, _ decimals: Int = 1) -> String {
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let rounded = (x * factor).rounded() / factor
        return "\(rounded)"
    }
}

extension UmweltBench {
    /// Anomaly scoring cost alone (issue 5): `swift run -c release umwelt-bench anomaly`.
    struct Anomaly: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "anomaly", abstract: "Anomaly scoring cost against the same model without scoring."
        )

        func run() async throws {
            let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
            let twin = try TwinFileParser.load(path: "/" + root + "/Twins/demo-office.yaml")
            for line in AnomalyCostBenchmark().run(twin: twin) { print(line) }
        }
    }
}
