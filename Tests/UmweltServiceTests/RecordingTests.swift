import Foundation
import Testing
import UmweltCore

@testable import UmweltService

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

    @Test func wideCSVImportReadsEuropeanBMSExports() throws {
        // Excel's byte order mark, semicolons, decimal commas, German dates in local time.
        let export = "\u{FEFF}Zeitstempel;Raum 1 Temperatur;CO2\n01.02.2026 07:05;21,5;612\n1.2.2026 7:10;21,75;\n"
        let mapping = try temporaryFile(
            "bms.yaml",
            """
            time_column: Zeitstempel
            timezone: Europe/Berlin
            decimal: ","
            time_format: "%d.%m.%Y %H:%M"
            columns:
              Raum 1 Temperatur: bms/r1/t
              CO2: bms/r1/co2
            """
        )
        let messages = try WideCSVImport.loadMapping(path: mapping).convert(path: try temporaryFile("bms.csv", export))
        #expect(messages.map(\.topic) == ["bms/r1/co2", "bms/r1/t", "bms/r1/t"])
        #expect(messages.map { String(decoding: $0.payload, as: UTF8.self) } == ["612", "21.5", "21.75"])
        #expect(messages[0].time == 1_769_925_900)  // 2026-02-01T07:05 CET = 06:05 UTC
        #expect(messages[2].time == 1_769_925_900 + 300)
    }

    @Test func timeFormatsOfCommonExports() throws {
        let utc = TimeZoneOffsets.utc
        #expect(TimeFormat("%m/%d/%Y %I:%M %p")?.parse("02/01/2026 7:05 PM", timeZone: utc) == 1_769_972_700)
        #expect(TimeFormat("%m/%d/%Y %I:%M %p")?.parse("02/01/2026 12:05 am", timeZone: utc) == 1_769_904_300)
        #expect(TimeFormat("%d/%m/%y %H:%M:%S")?.parse("01/02/26 19:05:30.5", timeZone: utc) == 1_769_972_730.5)
        #expect(TimeFormat("%d.%m.%Y %H:%M")?.parse("31.02.2026 10:00", timeZone: utc) == nil)
        #expect(TimeFormat("%d.%m.%Y %H:%M")?.parse("01.02.2026 10:00 extra", timeZone: utc) == nil)
        #expect(TimeFormat("%d.%m.%Y") == nil, "a time needs hours and minutes")
        #expect(TimeFormat("%d.%m.%Y %H:%M %Q") == nil, "unknown directive")
    }

    @Test func mappingWithAnUnknownKeyIsRejectedByName() throws {
        let mapping = try temporaryFile("bad.yaml", "time_column: t\ntimzone: UTC\ncolumns:\n  a: x/a\n")
        #expect {
            try WideCSVImport.loadMapping(path: mapping)
        } throws: { error in
            (error as? RecordingError)?.reason.hasPrefix("timzone: unknown key") == true
        }
    }
}
