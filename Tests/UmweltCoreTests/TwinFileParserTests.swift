import Foundation
import Testing
import UmweltCore

/// The package root, found from this file's path (Tests/UmweltCoreTests/<file>).
func packageRoot(_ filePath: String = #filePath) -> String {
    URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}

@Suite struct TwinFileParserTests {
    @Test func parsesTheDemoTwin() throws {
        let twin = try TwinFileParser.load(path: packageRoot() + "/Twins/demo-office.yaml")
        #expect(twin.id == "demo-office")
        #expect(twin.timezone == "Europe/Berlin")
        #expect(twin.stepSeconds == 300)
        #expect(twin.horizonSteps == 288)
        #expect(twin.zones.count == 5)
        #expect(twin.zones.map(\.id) == ["meeting-room", "open-office", "kitchen", "focus-room", "outdoor"])
        #expect(twin.outdoorZone?.id == "outdoor")
        #expect(twin.zone("open-office")?.neighbors == ["meeting-room", "kitchen", "focus-room"])
        #expect(twin.sourcePath?.hasSuffix("Twins/demo-office.yaml") == true)

        let meeting = try #require(twin.zone("meeting-room"))
        #expect(meeting.comfortLowCelsius == 20 && meeting.comfortHighCelsius == 24 && meeting.co2LimitPPM == 1000)
        #expect(meeting.sensors[0].line == 14)
        #expect(meeting.sensors[0].timePath == "last_seen")
        #expect(meeting.sensors[4].unit == .degF)
        #expect(meeting.sensors[3].occupancyKind == .presence)

        let tasmota = try #require(twin.zone("open-office")?.sensors[0])
        #expect(tasmota.format == .json && tasmota.path == "SCD30.Temperature" && tasmota.timePath == "Time")
        #expect(twin.zone("open-office")?.occupancyKind == .count)
        #expect(twin.zone("kitchen")?.sensors[2].format == .boolean)
        #expect(twin.zone("focus-room")?.sensors[0].unit == .degF)
    }

    @Test func appliesDefaults() throws {
        let yaml = """
            twin: t
            zones:
              - id: a
                sensors:
                  - { quantity: temperature, topic: a/t }
                  - { quantity: humidity, topic: a/j, path: hum }
                  - { quantity: occupancy, topic: a/o }
                  - { quantity: pm25, topic: a/pm }
            """
        let twin = try TwinFileParser.parse(yaml: yaml, path: "t.yaml")
        #expect(twin.timezone == "UTC" && twin.stepSeconds == 300 && twin.horizonSteps == 288)
        #expect(twin.sourcePath == "t.yaml")
        let zone = twin.zones[0]
        #expect(zone.kind == .indoor && zone.neighbors.isEmpty)
        #expect(zone.comfortLowCelsius == 20 && zone.comfortHighCelsius == 24 && zone.co2LimitPPM == 1000)
        #expect(zone.sensors[0].format == .plain && zone.sensors[0].unit == nil && zone.sensors[0].line == 5)
        #expect(zone.sensors[1].format == .json && zone.sensors[1].path == "hum")
        #expect(zone.sensors[2].occupancyKind == .presence)
        #expect(zone.sensors[3].quantity == .generic("pm25"))
    }

    @Test func readsDurationsAndDerivesHorizonSteps() throws {
        func twin(_ settings: String) throws -> TwinDefinition {
            try TwinFileParser.parse(yaml: settings + "\nzones: [{ id: a }]\n", path: "t.yaml")
        }
        #expect(try twin("twin: t\nstep: 900").stepSeconds == 900)
        #expect(try twin("twin: t\nstep: 900").horizonSteps == 96)
        #expect(try twin("twin: t\nstep: 15m\nhorizon: 1h").horizonSteps == 4)
        #expect(try twin("twin: t\nstep: 1h\nhorizon: 7d").horizonSteps == 168)
    }

    @Test func treatsNullAsAbsentAndDeduplicatesNeighbors() throws {
        let yaml = """
            twin: t
            timezone: ~
            step:
            zones:
              - { id: a, neighbors: [b, b] }
              - { id: b, kind: outdoor, co2_limit: 800, comfort: { high: 26 } }
            """
        let twin = try TwinFileParser.parse(yaml: yaml, path: "t.yaml")
        #expect(twin.timezone == "UTC" && twin.stepSeconds == 300)
        #expect(twin.zones[0].neighbors == ["b"])
        #expect(twin.zones[1].kind == .outdoor && twin.zones[1].co2LimitPPM == 800)
        #expect(twin.zones[1].comfortLowCelsius == 20 && twin.zones[1].comfortHighCelsius == 26)
    }

    @Test func loadsADirectorySortedSkippingOtherFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("twin: second\nzones: [{ id: a }]\n", to: dir + "/b.yml")
        try write("twin: first\nzones: [{ id: a }]\n", to: dir + "/a.yaml")
        try write("not yaml: [", to: dir + "/notes.txt")
        try write("twin: hidden\nzones: [{ id: a }]\n", to: dir + "/.backup.yaml")
        let twins = try TwinFileParser.loadDirectory(dir)
        #expect(twins.map(\.id) == ["first", "second"])
        #expect(twins[0].sourcePath == dir + "/a.yaml")
    }

    @Test func rejectsDuplicateTwinIDsAcrossFiles() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("twin: same\nzones: [{ id: a }]\n", to: dir + "/a.yaml")
        try write("# copy\ntwin: same\nzones: [{ id: b }]\n", to: dir + "/b.yaml")
        let error = #expect(throws: TwinFileError.self) { try TwinFileParser.loadDirectory(dir) }
        #expect(
            error
                == TwinFileError(
                    file: dir + "/b.yaml",
                    line: 2,
                    field: "twin",
                    reason: "duplicate twin id 'same' (also defined in \(dir)/a.yaml)"
                )
        )
    }

    @Test func reportsMissingFilesAndDirectories() {
        let file = #expect(throws: TwinFileError.self) { try TwinFileParser.load(path: "/nonexistent/x.yaml") }
        #expect(file == TwinFileError(file: "/nonexistent/x.yaml", line: nil, field: "file", reason: "no such file"))
        let dir = #expect(throws: TwinFileError.self) { try TwinFileParser.loadDirectory("/nonexistent") }
        #expect(
            dir
                == TwinFileError(
                    file: "/nonexistent", line: nil, field: "directory", reason: "cannot list the directory"))
    }

    @Test func describesErrorsLikeACompiler() {
        let located = TwinFileError(file: "a.yaml", line: 3, field: "zones[0].id", reason: "bad")
        #expect(located.description == "a.yaml:3: zones[0].id: bad")
        let unlocated = TwinFileError(file: "a.yaml", line: nil, field: "file", reason: "no such file")
        #expect(unlocated.description == "a.yaml: file: no such file")
    }

    private func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("umwelt-twins-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    private func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
