import Foundation
import Testing
import UmweltCore

@testable import WorldModel

/// The rollout's compiled features and closed thermostat loops.
@Suite struct ScenarioRolloutTests {
    /// The demo office after two simulated days (fast to learn).
    static let office: ScenarioDemoOffice = {
        var office = try! ScenarioDemoOffice(horizonSteps: 24)
        office.learn(until: ScenarioDemoOffice.monday + 2 * 86_400 + 9 * 3_600)
        return office
    }()

    @Test func compiledFeaturesEqualTheFeatureTerms() throws {
        let model = Self.office.model
        let k = try #require(model.lastStepIndex)
        var snapshot = model.currentSnapshot(index: k)
        // A neighbour without a value and an unknown input take the "missing" paths too.
        snapshot.inputs[0] = nil
        let program = FeatureProgram(terms: model.dynamics.map(\.terms))
        var table = [Double](repeating: 0, count: max(2 * program.harmonics, 1))
        program.trigonometry(dayFraction: snapshot.dayFraction, into: &table)
        let levels = snapshot.levels.map { $0 ?? .nan }
        let inputs = snapshot.inputs.map { $0 ?? .nan }
        let occupancy = snapshot.occupancy.map { $0 ?? .nan } + [.nan]
        var checked = 0
        for (i, series) in model.dynamics.enumerated() {
            let y = snapshot.levels[i] ?? 0
            for (f, term) in series.terms.enumerated() {
                let expected = term.value(
                    y: y, reference: series.reference, scale: series.scale, change: 0.3, snapshot: snapshot)
                let actual = program.value(
                    program.start[i] + f, y: y, reference: series.reference, scale: series.scale, change: 0.3,
                    levels: levels, inputs: inputs, occupancy: occupancy, trigonometry: table)
                #expect(abs(actual - expected) <= 1e-12 * max(1, abs(expected)), "\(series.key) \(term)")
                checked += 1
            }
        }
        #expect(checked > 50)
    }

    @Test func thermostatLoopsAreTheHeatedZonesWithAValveLevel() {
        let model = Self.office.model
        let zones = model.controlLoops().map { model.layout.dynamic[$0.series].key.zone }
        #expect(zones.sorted() == ["meeting-room", "open-office"])
    }

    @Test func aRaisedSetpointOpensTheValveAndALoweredOneClosesIt() throws {
        let model = Self.office.model
        let start = try #require(model.lastClosedStep) + 300
        for (value, opens) in [(25.0, true), (12.0, false)] {
            let projection = try model.project([
                ScenarioOverride(zone: "open-office", quantity: .setpoint, action: .value(value), from: start)
            ])
            let valve = try #require(projection.inputs[SeriesKey(zone: "open-office", quantity: .hvac)])
            let base = valve.baseline.prefix(6).map { $0 ?? 0 }.reduce(0, +)
            let changed = valve.scenario.prefix(6).map { $0 ?? 0 }.reduce(0, +)
            #expect(opens ? changed > base : changed < base || base == 0, "setpoint \(value): \(valve)")
            #expect(valve.scenario.allSatisfy { ($0 ?? 0) >= 0 && ($0 ?? 0) <= 1 })
        }
    }

    /// `level` and `constantDifference` are collinear: moving a wrong-signed one into the other
    /// keeps the function of the level, so clipping afterwards does not change the decay rate.
    @Test func mergingCollinearTermsKeepsTheFunction() {
        let terms: [FeatureTerm] = [.bias, .level, .previousChange, .constantDifference(value: 420)]
        for raw in [[-0.35, -0.196, 0.026, -0.129], [0.083, 0.032, -0.029, 0.168], [0.1, -0.2, 0, 0.3]] {
            var merged = raw
            TwinModel.mergeConstantDifference(&merged, terms: terms, reference: 600, scale: 100)
            #expect(merged[1] <= 0 && merged[3] >= 0)
            for y in [380.0, 420, 600, 1_400] {
                func f(_ theta: [Double]) -> Double {
                    theta[0] + theta[1] * (y - 600) / 100 + theta[3] * (420 - y) / 100
                }
                #expect(abs(f(merged) - f(raw)) < 1e-12)
            }
        }
    }
}
