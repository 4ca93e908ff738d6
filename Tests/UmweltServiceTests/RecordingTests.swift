import Foundation
import Testing
import UmweltCore
import UmweltService

struct RecordingTests {
    private func temporaryFile(_ name: String, _ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(UUID().uuidString)-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func csvRoundTripKeepsQuotedJSONPayloads() throws {
        let messages = [
            RecordedMessage(time: 1_700_000_000, topic: "a/b", payload: Array(#"{"t":21.5,"s":"x,y"}"#.utf8)),
            RecordedMessage(time: 1_700_000_060.5, topic: "c", payload: Array("42".utf8)),
        ]
        let path = try temporaryFile("rec.csv", Recording.csv(messages))
        #expect(try Recording.read(path: path) == messages)
    }

    @Test func jsonLinesAreRead() throws {
        let text = """
            {"time":"2026-01-12T06:00:00+01:00","topic":"x/y","payload":"21.5"}
            {"time":"2026-01-12T06:01:00+01:00","topic":"x/y","payload":{"temperature":21.6}}
            """
        let messages = try Recording.read(path: try temporaryFile("rec.jsonl", text))
        #expect(messages.count == 2)
        #expect(messages[0].time == 1_768_194_000)
        #expect(String(decoding: messages[1].payload, as: UTF8.self).contains("21.6"))
    }

    @Test func malformedRowsAreRejectedWithLineNumbers() throws {
        let badTime = "time,topic,payload\n2026-01-12T06:00:00Z,a,1\nyesterday,a,2\n"
        #expect {
            try Recording.read(path: try temporaryFile("t.csv", badTime))
        } throws: { ($0 as? RecordingError)?.line == 3 }
        let badFields = "time,topic,payload\n2026-01-12T06:00:00Z,a,1\n2026-01-12T06:01:00Z,a\n"
        #expect {
            try Recording.read(path: try temporaryFile("f.csv", badFields))
        } throws: { ($0 as? RecordingError)?.line == 3 }
        let unterminated = "time,topic,payload\n2026-01-12T06:00:00Z,a,\"{\n"
        #expect {
            try Recording.read(path: try temporaryFile("u.csv", unterminated))
        } throws: { ($0 as? RecordingError)?.line == 2 }
        let badJSON = "{\"time\":\"2026-01-12T06:00:00Z\",\"topic\":\"a\",\"payload\":\"1\"}\nnot json\n"
        #expect {
            try Recording.read(path: try temporaryFile("b.jsonl", badJSON))
        } throws: { ($0 as? RecordingError)?.line == 2 }
    }

    @Test func wideCSVImportHandlesRowNumbersLocalTimeAndOffsets() throws {
        let uci = """
            "date","Temperature","CO2"
            "1","2015-02-04 17:51:00",23.18,721.25
            "2","2015-02-04 17:52:00",,714
            """
        let mapping = try temporaryFile(
            "map.yaml",
            "time_column: date\ntimezone: Europe/Brussels\ncolumns:\n  Temperature: o/t\n  CO2: o/c\n"
        )
        let importer = try WideCSVImport.loadMapping(path: mapping)
        let messages = try importer.convert(path: try temporaryFile("uci.csv", uci))
        #expect(messages.count == 3)  // the empty cell is skipped
        #expect(messages[0].time == 1_423_068_660)  // 17:51 CET = 16:51 UTC
        let robod = "timestamp,air_temperature\n2021-09-07 00:00 +08:00,26.6\n"
        let robodMapping = try temporaryFile("r.yaml", "time_column: timestamp\ncolumns:\n  air_temperature: r/t\n")
        let robodMessages = try WideCSVImport.loadMapping(path: robodMapping).convert(
            path: try temporaryFile("robod.csv", robod)
        )
        #expect(robodMessages.first?.time == 1_630_944_000)  // 2021-09-06T16:00:00Z
    }
}
