import Testing
import UmweltCore

/// The optional `anomalies:` section of twin files, at twin and zone level.
@Suite struct TwinFileParserAnomalyTests {
    @Test func parsesTwinAndZoneAnomalySettings() throws {
        let yaml = """
            twin: t
            anomalies: { deviation_threshold: 0.995, stuck_steps: 8, disabled: [dropout] }
            zones:
              - id: a
                anomalies:
                  drift_threshold: 20
                  dropout_intervals: 6
                  disabled: [unusual_occupancy]
                sensors:
                  - { quantity: temperature, topic: a/t }
              - id: b
            """
        let twin = try TwinFileParser.parse(yaml: yaml, path: "t.yaml")
        let settings = try #require(twin.anomalies)
        #expect(settings.deviationThreshold == 0.995)
        #expect(settings.stuckSteps == 8)
        #expect(settings.disabled == ["dropout"])
        let zone = try #require(twin.zone("a")?.anomalies)
        #expect(zone.driftThreshold == 20 && zone.dropoutIntervals == 6)
        let merged = zone.overriding(twin.anomalies)
        #expect(merged.deviationThreshold == 0.995 && merged.stuckSteps == 8 && merged.driftThreshold == 20)
        #expect(merged.disabled == ["dropout", "unusual_occupancy"])
        #expect(twin.zone("b")?.anomalies == nil)
    }

    @Test func anomalySectionIsOptional() throws {
        let twin = try TwinFileParser.parse(yaml: "twin: t\nzones:\n  - id: a\n", path: "t.yaml")
        #expect(twin.anomalies == nil)
        #expect(twin.zones[0].anomalies == nil)
    }

    @Test(arguments: [
        ("anomalies: { deviation_threshold: 1.5 }", "anomalies.deviation_threshold", "score in [0.9, 1)"),
        ("anomalies: { stuck_steps: 2.5 }", "anomalies.stuck_steps", "whole number"),
        ("anomalies: { disabled: [dropuot] }", "anomalies.disabled[0]", "'dropuot' is not a detector"),
        ("anomalies: { threshold: 3 }", "anomalies.threshold", "threshold"),
        ("anomalies: { drift_threshold: 1 }", "anomalies.drift_threshold", "standard deviations"),
    ])
    func rejectsInvalidSettingsWithLineAndField(line: String, field: String, reason: String) {
        let yaml = "twin: t\n\(line)\nzones:\n  - id: a\n"
        do {
            _ = try TwinFileParser.parse(yaml: yaml, path: "t.yaml")
            Issue.record("expected an error for \(line)")
        } catch {
            #expect(error.line == 2)
            #expect(error.field == field)
            #expect(error.reason.contains(reason), "\(error.reason)")
        }
    }

    @Test func zoneLevelErrorNamesTheZoneField() {
        let yaml = "twin: t\nzones:\n  - id: a\n    anomalies: { dropout_intervals: 0 }\n"
        do {
            _ = try TwinFileParser.parse(yaml: yaml, path: "t.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 4)
            #expect(error.field == "zones[0].anomalies.dropout_intervals")
        }
    }
}
