import ArgumentParser
import Foundation
import UmweltCore
import UmweltService
import WorldModel

extension UmweltBench {
    /// The scenario latency alone.
    struct Scenario: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scenario", abstract: "Scenario answer latency against the plain forecast of the same twin."
        )

        @Option(help: "Zones of the generated building.") var zones = 100
        @Option(help: "Timed repetitions.") var repetitions = 40

        func run() async throws {
            for line in ScenarioBenchmark(zones: zones, repetitions: repetitions).run() { print(line) }
        }
    }
}

/// Latency of a "what if" answer: a 24-hour scenario at 5-minute steps for a 100-zone twin
/// (target < 50 ms), against the plain baseline forecast (`TwinModel.forecasts()`) of the same
/// model in the same run. The twin: 100 office zones in a row (neighbours left and right), each
/// with temperature, humidity, CO2, presence, setpoint and heating valve; an outdoor zone with
/// temperature, humidity and solar. The model first learns two synthetic days.
struct ScenarioBenchmark {
    var zones = 100
    var learnedSteps = 288
    var repetitions = 40

    func run() -> [String] {
        var model = TwinModel(
            twin: Self.twin(zones: zones), configuration: ModelConfiguration(twin: Self.twin(zones: zones)))
        Self.learn(&model, zones: zones, steps: learnedSteps)
        let first = (model.lastClosedStep ?? 0) + 300
        let request = ScenarioRequest(
            horizonSeconds: 86_400,
            overrides: [
                ScenarioOverride(zone: "zone-1", quantity: .setpoint, action: .value(19), from: first + 12 * 3_600),
                ScenarioOverride(zone: "zone-2", quantity: .occupancy, action: .scale(2)),
                ScenarioOverride(zone: "outdoor", quantity: .temperature, action: .offset(-5)),
            ]
        )
        var baseline: [Double] = []
        var projection: [Double] = []
        var answer: [Double] = []
        var encoding: [Double] = []
        var points = 0
        var bytes = 0
        for _ in 0..<repetitions {
            baseline.append(Self.seconds { points = model.forecasts().count })
            projection.append(Self.seconds { _ = try? model.project(request.overrides) })
            var computed: ScenarioAnswer?
            answer.append(Self.seconds { computed = try? ScenarioAnswer(request: request, model: model) })
            encoding.append(Self.seconds { bytes = computed?.json.count ?? 0 })
        }
        func line(_ name: String, _ samples: [Double]) -> String {
            "  \(name): p50 \(Self.ms(Self.quantile(samples, 0.5))) ms, p95 \(Self.ms(Self.quantile(samples, 0.95))) ms"
        }
        let total = zip(answer, encoding).map { $0 + $1 }
        return [
            "scenario, \(zones) zones, 24 h at 5 min (\(points) series, \(repetitions) runs):",
            line("baseline forecast (forecasts())", baseline),
            line("scenario projection (project)", projection),
            line("scenario answer (projection + baseline + KPIs)", answer),
            line("answer JSON encoding (\(bytes / 1_000) kB)", encoding),
            line("answer end to end (answer + JSON)", total),
            "  ratio end to end / baseline forecast: p50 "
                + String(format: "%.2f", Self.quantile(total, 0.5) / Self.quantile(baseline, 0.5))
                + ", p95 " + String(format: "%.2f", Self.quantile(total, 0.95) / Self.quantile(baseline, 0.95)),
        ]
    }

    static func twin(zones: Int) -> TwinDefinition {
        var definitions: [ZoneDefinition] = []
        for z in 0..<zones {
            let id = "zone-\(z)"
            let neighbours = [z - 1, z + 1].filter { $0 >= 0 && $0 < zones }.map { "zone-\($0)" }
            definitions.append(
                ZoneDefinition(
                    id: id, neighbors: neighbours,
                    sensors: [
                        SensorBinding(quantity: .temperature, topic: "\(id)/t"),
                        SensorBinding(quantity: .humidity, topic: "\(id)/h"),
                        SensorBinding(quantity: .co2, topic: "\(id)/c"),
                        SensorBinding(quantity: .occupancy, topic: "\(id)/o", occupancyKind: .presence),
                        SensorBinding(quantity: .setpoint, topic: "\(id)/s"),
                        SensorBinding(quantity: .hvac, topic: "\(id)/v", unit: .fraction),
                    ]))
        }
        definitions.append(
            ZoneDefinition(
                id: "outdoor", kind: .outdoor,
                sensors: [
                    SensorBinding(quantity: .temperature, topic: "out/t"),
                    SensorBinding(quantity: .humidity, topic: "out/h"),
                    SensorBinding(quantity: .solar, topic: "out/s"),
                ]))
        return TwinDefinition(id: "bench-\(zones)", timezone: "Europe/Berlin", zones: definitions)
    }

    /// Synthetic days: outdoor daily cycle, office hours with people and a 21 °C setpoint.
    static func learn(_ model: inout TwinModel, zones: Int, steps: Int) {
        let start = 1_767_567_600.0
        var temperature = [Double](repeating: 20, count: zones)
        var co2 = [Double](repeating: 450, count: zones)
        for step in 0..<steps {
            let t = start + Double(step) * 300
            let hour = (t - start).truncatingRemainder(dividingBy: 86_400) / 3_600
            let outdoor = 3 - 4 * cos(2 * Double.pi * hour / 24)
            let office = hour >= 8 && hour < 18
            let setpoint = office ? 21.0 : 17.0
            for (quantity, value) in [
                (Quantity.temperature, outdoor), (.humidity, 80),
                (.solar, max(0, 300 * sin(Double.pi * (hour - 7) / 10))),
            ] {
                _ = model.ingest(Reading(zone: "outdoor", quantity: quantity, time: t + 10, value: value))
            }
            for z in 0..<zones {
                let occupied = office && (z + step / 12) % 3 != 0
                let valve = max(0, min(1, 0.8 * (setpoint - temperature[z])))
                let id = "zone-\(z)"
                for (quantity, value) in [
                    (Quantity.temperature, temperature[z]), (.humidity, 40), (.co2, co2[z]), (.setpoint, setpoint),
                    (.hvac, valve),
                ] {
                    _ = model.ingest(Reading(zone: id, quantity: quantity, time: t + 20, value: value))
                }
                _ = model.ingest(
                    Reading(
                        zone: id, quantity: .occupancy, time: t + 30, value: occupied ? 1 : 0, occupancyKind: .presence)
                )
                temperature[z] += 0.02 * (outdoor - temperature[z]) + 0.4 * valve + (occupied ? 0.02 : 0)
                co2[z] += 0.08 * (420 - co2[z]) + (occupied ? 30 : 0)
            }
            _ = model.advance(to: t + 300 + 30)
        }
    }

    static func seconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        body()
        let elapsed = clock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    static func quantile(_ samples: [Double], _ q: Double) -> Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))]
    }

    static func ms(_ seconds: Double) -> String { String(format: "%.2f", seconds * 1_000) }
}
