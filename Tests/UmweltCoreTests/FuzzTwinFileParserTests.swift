import Foundation
import Testing
import UmweltCore

/// Seeded fuzzing of the twin file parser: broken variants of the demo twin, alias bombs,
/// deep nesting and a very large building. The parser must return a valid definition or
/// a `TwinFileError` with a field and a reason, never crash or hang.
@Suite struct FuzzTwinFileParserTests {
    static func demoText() throws -> String {
        try String(contentsOfFile: packageRoot() + "/Twins/demo-office.yaml", encoding: .utf8)
    }

    @Test func mutatedDemoTwinFilesParseOrFailWithALocatedError() throws {
        let plan = FuzzPlan(seed: 0x5EED_0101, iterations: 1_500)
        let demo = try Self.demoText()
        let residentBefore = ProcessMemory.residentBytes()
        var accepted = 0
        var fields: Set<String> = []
        for iteration in 0..<plan.iterations {
            var random = FuzzRandom(seed: plan.seed, iteration: iteration)
            let yaml = FuzzTwinFiles.mutatedDemo(demo, using: &random)
            let outcome = Result { () throws(TwinFileError) in
                try TwinFileParser.parse(yaml: yaml, path: "fuzz.yaml")
            }
            let lineCount = yaml.split(separator: "\n", omittingEmptySubsequences: false).count
            var problems = FuzzTwinFiles.violations(of: outcome, path: "fuzz.yaml", lineCount: lineCount)
            let again = Result { () throws(TwinFileError) in
                try TwinFileParser.parse(yaml: yaml, path: "fuzz.yaml")
            }
            if again != outcome { problems.append("parsing the same text twice differs") }
            switch outcome {
            case .success(let twin):
                accepted += 1
                let routed = Router(twins: [twin]).route(
                    topic: twin.zones[0].sensors.first?.topic ?? "x", payload: Array("21.5".utf8),
                    arrivalTime: FuzzRouterTests.arrival)
                if routed.isEmpty { problems.append("a parsed twin's router gives no outcome") }
            case .failure(let error):
                fields.insert(error.field.split(separator: "[").first.map(String.init) ?? error.field)
            }
            if !problems.isEmpty {
                let report =
                    "\(problems.joined(separator: "; "))\n\(yaml)\n\(plan.reproduction(iteration: iteration))"
                Issue.record(Comment(rawValue: report))
                return
            }
        }
        // The mutations must reach both outcomes and errors of many fields.
        #expect(accepted > plan.iterations / 20 && accepted < plan.iterations, "accepted \(accepted)")
        #expect(fields.count >= 5, "error fields reached: \(fields.sorted())")
        let growth = ProcessMemory.residentBytes() - residentBefore
        #expect(growth < ProcessMemory.maxGrowthBytes, "resident memory grew by \(growth) bytes")
    }

    /// `levels` anchors, each a list of nine aliases of the one before: 9^levels leaves.
    static func aliasBomb(levels: Int, indent: String = "") -> String {
        var lines = [indent + "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
        for level in 1..<levels {
            let aliases = Array(repeating: "*l\(level - 1)", count: 9).joined(separator: ", ")
            lines.append(indent + "l\(level): &l\(level) [\(aliases)]")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func billionLaughsAsValuesIsRejectedWithoutExpanding() throws {
        let bomb = Self.aliasBomb(levels: 10, indent: "      ")
        let documents = [
            "twin: t\nzones:\n  - id: z\n    anomalies:\n"
                + bomb.replacingOccurrences(of: "      l", with: "      x")
                + "    sensors: *l9\n",
            "twin: t\nbomb:\n" + bomb + "zones: *l9\n",
            "twin: t\nzones:\n  - id: z\n    neighbors: &n [*n]\n",
            "twin: t\nzones:\n  - &z { id: z, neighbors: [*z] }\n",
        ]
        let clock = ContinuousClock()
        for yaml in documents {
            let elapsed = clock.measure {
                #expect(throws: TwinFileError.self) {
                    try TwinFileParser.parse(yaml: yaml, path: "bomb.yaml")
                }
            }
            #expect(elapsed < .seconds(1), "took \(elapsed)")
        }
    }

    @Test(arguments: [
        "? *l9\n: 1\n", "*l9 : 1\n", "? [*l9, *l9]\n: 1\n", "x: { *l9 : 1 }\n", "x: [ *l9 : 1 ]\n",
        "? { a: *l9 }\n: 1\n",
    ])
    func billionLaughsAsKeysIsRejectedWithoutExpanding(key: String) throws {
        let yaml =
            "twin: t\nbomb:\n" + Self.aliasBomb(levels: 10, indent: "  ") + key + "zones: [{ id: z }]\n"
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            let error = #expect(throws: TwinFileError.self) {
                try TwinFileParser.parse(yaml: yaml, path: "bomb.yaml")
            }
            #expect(
                error?.field == "yaml" && error?.reason.contains("alias") == true,
                "\(String(describing: error))")
        }
        #expect(elapsed < .seconds(1), "took \(elapsed)")
    }

    @Test func aliasesOfScalarValuesStillWork() throws {
        let yaml = """
            twin: t
            zones:
              - id: a
                comfort: &comfort { low: 19, high: 23 }
                sensors:
                  - { quantity: temperature, topic: &topic site/a/t }
              - { id: b, comfort: *comfort, neighbors: [a] }

            """
        let twin = try TwinFileParser.parse(yaml: yaml, path: "t.yaml")
        #expect(twin.zone("b")?.comfortLowCelsius == 19)
    }

    @Test(arguments: [100, 900, 10_000])
    func deeplyNestedYAMLIsRejectedWithALocatedError(depth: Int) {
        let yaml =
            "twin: t\nzones: " + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "\n"
        let error = #expect(throws: TwinFileError.self) {
            try TwinFileParser.parse(yaml: yaml, path: "deep.yaml")
        }
        #expect(error?.line == 2, "\(String(describing: error))")
    }

    @Test func tenThousandZonesParseAndRouteInBoundedTimeAndMemory() throws {
        var yaml = "twin: campus\ntimezone: Europe/Berlin\nzones:\n"
        for index in 0..<10_000 {
            let neighbor = index > 0 ? "zone-\(index - 1)" : "zone-1"
            yaml += "  - id: zone-\(index)\n    neighbors: [\(neighbor)]\n    sensors:\n"
            yaml +=
                "      - { quantity: temperature, topic: site/zone-\(index)/t, format: json, path: v }\n"
        }
        let residentBefore = ProcessMemory.residentBytes()
        let clock = ContinuousClock()
        var twin: TwinDefinition?
        let parsing = clock.measure {
            twin = try? TwinFileParser.parse(yaml: yaml, path: "campus.yaml")
        }
        let parsed = try #require(twin)
        #expect(parsed.zones.count == 10_000 && parsed.zones[9_999].neighbors == ["zone-9998"])
        // About 3 s in a debug build; the bound is loose for a busy machine and catches a
        // quadratic walk or a hang, not a slowdown.
        #expect(parsing < .seconds(30), "parsing took \(parsing)")

        let router = Router(twins: [parsed])
        let routed = router.route(
            topic: "site/zone-9999/t", payload: Array(#"{"v":21}"#.utf8), arrivalTime: 1e9)
        #expect(routed.first?.result.readings.first?.zone == "zone-9999")
        #expect(router.subscriptions.count == 10_000)

        // A broken neighbour at the end: the error names it and suggests the closest id.
        let broken = yaml + "  - id: last\n    neighbors: [zone-99999]\n"
        let error = #expect(throws: TwinFileError.self) {
            try TwinFileParser.parse(yaml: broken, path: "campus.yaml")
        }
        #expect(error?.field == "zones[10000].neighbors[0]", "\(String(describing: error))")
        let growth = ProcessMemory.residentBytes() - residentBefore
        #expect(growth < ProcessMemory.maxGrowthBytes, "resident memory grew by \(growth) bytes")
    }
}
