import Foundation
import Testing
import UmweltCore
import WorldModel

/// Causal structure of scenario answers, checked on the demo office learned from simulated
/// history (with schedule setpoints, manual changes and random occupancy).
@Suite struct ScenarioPropertyTests {
    static let office = ScenarioDemoOffice.learned(plusHours: 8)
    static let heatedZones = ["meeting-room", "open-office", "focus-room"]

    @Test func noOverridesEqualsBaselineForecastExactly() throws {
        let model = Self.office.model
        let projection = try model.project([])
        let forecasts = model.forecasts()
        #expect(!projection.series.isEmpty)
        for series in projection.series {
            #expect(series.scenario == series.baseline, "\(series.zone) \(series.quantity)")
            #expect(series.difference.allSatisfy { $0.mean == 0 && $0.p10 == 0 && $0.p90 == 0 })
            guard series.quantity != .occupancy else { continue }
            let forecast = try #require(forecasts.first { $0.zone == series.zone && $0.quantity == series.quantity })
            #expect(forecast.points == series.baseline)
        }
    }

    @Test func higherSetpointNeverLowersTemperature() throws {
        let model = Self.office.model
        for zone in Self.heatedZones {
            for change in [0.5, 2, 5] {
                let projection = try model.project([
                    ScenarioOverride(zone: zone, quantity: .setpoint, action: .offset(change))
                ])
                for series in projection.series where series.quantity == .temperature {
                    let lowest = series.difference.map(\.mean).min() ?? 0
                    #expect(lowest >= -1e-9, "\(zone) +\(change) K lowers \(series.zone) by \(lowest)")
                }
                let own = try #require(projection.series(zone: zone, quantity: .temperature))
                #expect((own.difference.last?.mean ?? 0) > 0, "\(zone) does not warm at all")
            }
        }
    }

    @Test func moreOccupantsNeverLowerCO2() throws {
        let model = Self.office.model
        for zone in ["meeting-room", "open-office", "focus-room", "kitchen"] {
            let projection = try model.project([ScenarioOverride(zone: zone, quantity: .occupancy, action: .scale(2))])
            for series in projection.series where series.quantity == .co2 {
                let lowest = series.difference.map(\.mean).min() ?? 0
                #expect(lowest >= -1e-9, "2× people in \(zone) lowers CO2 of \(series.zone) by \(lowest)")
            }
        }
        let full = try model.project([ScenarioOverride(zone: "open-office", quantity: .occupancy, action: .value(20))])
        let co2 = try #require(full.series(zone: "open-office", quantity: .co2))
        #expect((co2.difference.last?.mean ?? 0) > 0)
    }

    @Test func colderOutsideNeverWarmsAZone() throws {
        let model = Self.office.model
        let projection = try model.project([
            ScenarioOverride(zone: "outdoor", quantity: .temperature, action: .offset(-5))
        ])
        let outdoor = try #require(projection.series(zone: "outdoor", quantity: .temperature))
        #expect(outdoor.difference.allSatisfy { abs($0.mean + 5) < 1e-9 })
        for series in projection.series where series.quantity == .temperature && series.zone != "outdoor" {
            let highest = series.difference.map(\.mean).max() ?? 0
            #expect(highest <= 1e-9, "5 K colder outside warms \(series.zone) by \(highest)")
        }
        let kitchen = try #require(projection.series(zone: "kitchen", quantity: .temperature))
        #expect((kitchen.difference.last?.mean ?? 0) < 0, "the unheated kitchen does not cool")
    }

    @Test func overrideLeavesEveryStepBeforeItsWindowUntouched() throws {
        let model = Self.office.model
        let first = try #require(model.lastClosedStep) + 300
        let from = first + 7_200
        let projection = try model.project([
            ScenarioOverride(zone: "meeting-room", quantity: .setpoint, action: .value(28), from: from),
            ScenarioOverride(zone: "*", quantity: .window, action: .value(1), from: from, until: from + 3_600),
            ScenarioOverride(zone: "meeting-room", quantity: .occupancy, action: .scale(3), from: from),
        ])
        for series in projection.series {
            // Every step that starts before the window is untouched. (The mean of the window's
            // first step moves already: its inputs change half-way through the interval that
            // drives it, as in the building.)
            for (base, changed) in zip(series.baseline, series.scenario) where base.time < from {
                #expect(base == changed, "\(series.zone) \(series.quantity) at \(base.time)")
            }
        }
        let meeting = try #require(projection.series(zone: "meeting-room", quantity: .temperature))
        #expect(meeting.difference.contains { $0.mean > 0.1 })
    }

    @Test func batchedScenariosMatchSingleOnes() throws {
        let model = Self.office.model
        let a = [ScenarioOverride(zone: "open-office", quantity: .setpoint, action: .value(23))]
        let b = [ScenarioOverride(zone: "outdoor", quantity: .temperature, action: .offset(3))]
        let batch = try model.project(scenarios: [a, b, []])
        for (single, batched) in zip([try model.project(a), try model.project(b), try model.project([])], batch) {
            for (s, t) in zip(single.series, batched.series) {
                for (p, q) in zip(s.scenario, t.scenario) { #expect(abs(p.mean - q.mean) < 1e-9) }
            }
        }
    }

    @Test func rejectsWhatTheTwinCannotServeNamingTheField() throws {
        let model = Self.office.model
        let first = try #require(model.lastClosedStep) + 300
        let cases: [(ScenarioOverride, String)] = [
            (ScenarioOverride(zone: "attic", quantity: .setpoint, action: .value(20)), "overrides[0].zone"),
            (ScenarioOverride(zone: "kitchen", quantity: .setpoint, action: .value(20)), "overrides[0].quantity"),
            (ScenarioOverride(zone: "kitchen", quantity: .temperature, action: .value(20)), "overrides[0].quantity"),
            (ScenarioOverride(zone: "meeting-room", quantity: .setpoint, action: .value(200)), "overrides[0].value"),
            (ScenarioOverride(zone: "kitchen", quantity: .window, action: .value(2)), "overrides[0].value"),
            (ScenarioOverride(zone: "meeting-room", quantity: .occupancy, action: .scale(-1)), "overrides[0].scale"),
            (
                ScenarioOverride(zone: "meeting-room", quantity: .setpoint, action: .value(20), from: first + 86_400),
                "overrides[0].from"
            ),
            (
                ScenarioOverride(
                    zone: "meeting-room", quantity: .setpoint, action: .value(20), from: first + 600, until: first),
                "overrides[0].until"
            ),
        ]
        for (override, field) in cases {
            #expect(throws: ScenarioError.self) { try model.project([override]) }
            do {
                _ = try model.project([override])
            } catch {
                #expect(error.field == field, "\(error)")
            }
        }
    }
}
