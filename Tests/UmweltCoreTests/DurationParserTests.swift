import Testing
import UmweltCore

@Suite struct DurationParserTests {
    @Test func readsBareSecondsAndUnits() {
        #expect(DurationParser.seconds("90") == 90)
        #expect(DurationParser.seconds("300s") == 300)
        #expect(DurationParser.seconds("5m") == 300)
        #expect(DurationParser.seconds("1h") == 3_600)
        #expect(DurationParser.seconds("7d") == 604_800)
        #expect(DurationParser.seconds("1h30m") == 5_400)
    }

    @Test(arguments: ["", "5 m", "5min", "m", "-5m", "1.5h", "30m1h", "1h30", "5m5m", "99999999999999999999"])
    func rejectsMalformedDurations(text: String) {
        #expect(DurationParser.seconds(text) == nil)
    }

    @Test func fractionalSecondsAddsOneDecimalWithAUnit() {
        #expect(DurationParser.fractionalSeconds("1.5h") == 5_400)
        #expect(DurationParser.fractionalSeconds("0.5s") == 0.5)
        #expect(DurationParser.fractionalSeconds("1h30m") == 5_400)
        #expect(DurationParser.fractionalSeconds("90") == 90)
    }

    @Test(arguments: ["", "0", "0s", "0.0m", "1.5", "-1.5h", "1.2.3h", "nanh", "infs", "1e3s", ".h", "1.5x"])
    func fractionalSecondsRejects(text: String) {
        #expect(DurationParser.fractionalSeconds(text) == nil)
    }

    @Test func formatsShortest() {
        #expect(DurationParser.format(seconds: 300) == "5m")
        #expect(DurationParser.format(seconds: 5_400) == "1h30m")
        #expect(DurationParser.format(seconds: 45) == "45s")
        #expect(DurationParser.format(seconds: 691_200) == "8d")
    }
}
