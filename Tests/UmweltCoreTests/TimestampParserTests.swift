import Foundation
import Testing
import UmweltCore

@Suite struct TimestampParserTests {
    let berlin = TimeZoneOffsets(timeZone: TimeZone(identifier: "Europe/Berlin")!)

    @Test func parsesUTCWithZ() {
        #expect(TimestampParser.parseRFC3339("2026-01-12T06:00:00Z") == 1_768_197_600)
        #expect(TimestampParser.parseRFC3339("2026-01-12t06:00:00z") == 1_768_197_600)
        #expect(TimestampParser.parseRFC3339("2026-01-12 06:00:00Z") == 1_768_197_600)
    }

    @Test func parsesOffsetsAndFractionalSeconds() throws {
        let zigbee = try #require(TimestampParser.parseRFC3339("2026-01-12T06:00:00.123+01:00"))
        #expect(abs(zigbee - 1_768_194_000.123) < 1e-6)
        #expect(TimestampParser.parseRFC3339("2026-01-12T06:00:00+0100") == 1_768_194_000)
        #expect(TimestampParser.parseRFC3339("2026-01-12T06:00:00+01") == 1_768_194_000)
        #expect(TimestampParser.parseRFC3339("2026-01-12T01:00:00-05:00") == 1_768_197_600)
        let nanos = try #require(TimestampParser.parseRFC3339("2026-01-12T06:00:00.123456789Z"))
        #expect(abs(nanos - 1_768_197_600.123456789) < 1e-6)
    }

    @Test func parsesMinutesWithoutSeconds() {
        #expect(TimestampParser.parseRFC3339("2026-01-12T06:00Z") == 1_768_197_600)
    }

    @Test func interpretsTimeWithoutOffsetInTheTwinsZone() {
        // Tasmota: local time without an offset. Berlin is UTC+1 in January, UTC+2 in July.
        #expect(TimestampParser.parseRFC3339("2026-01-12T06:00:00", localTime: berlin) == 1_768_194_000)
        #expect(TimestampParser.parseRFC3339("2026-07-01T12:00:00", localTime: berlin) == 1_782_900_000)
        #expect(TimestampParser.parseRFC3339("2026-01-12T06:00:00") == 1_768_197_600)
    }

    @Test func mapsDaylightSavingGapAndOverlapToOneInstant() {
        // 02:30 on 2026-03-29 does not exist in Berlin: the instant after the gap.
        #expect(TimestampParser.parseRFC3339("2026-03-29T02:30:00", localTime: berlin) == 1_774_747_800)
        // 02:30 on 2026-10-25 happens twice: the later one (01:30Z).
        #expect(TimestampParser.parseRFC3339("2026-10-25T02:30:00", localTime: berlin) == 1_792_891_800)
    }

    @Test func checksCalendarFields() {
        #expect(TimestampParser.parseRFC3339("2024-02-29T00:00:00Z") == 1_709_164_800)
        #expect(TimestampParser.parseRFC3339("2026-02-29T00:00:00Z") == nil)
        #expect(TimestampParser.parseRFC3339("2026-13-01T00:00:00Z") == nil)
        #expect(TimestampParser.parseRFC3339("2026-04-31T00:00:00Z") == nil)
        #expect(TimestampParser.parseRFC3339("2026-01-12T24:00:00Z") == nil)
        #expect(TimestampParser.parseRFC3339("2026-01-12T06:60:00Z") == nil)
        #expect(TimestampParser.parseRFC3339("2026-01-12T06:00:00+25:00") == nil)
    }

    @Test(arguments: [
        "", "2026", "2026-1-12T06:00:00Z", "2026-01-12", "2026-01-12X06:00:00Z", "2026-01-12T06:00:00ZZ",
        "2026-01-12T06:00:00.Z", "2026-01-12T06:00:00 Z", "yesterday", "1768197600", "2026-01-12T06:00:00+1",
    ])
    func rejectsMalformedText(text: String) {
        #expect(TimestampParser.parseRFC3339(text) == nil)
    }

    @Test func readsSecondsOrMillisecondsFromNumbers() {
        #expect(TimestampParser.unixSeconds(fromNumber: 1_768_197_600) == 1_768_197_600)
        #expect(TimestampParser.unixSeconds(fromNumber: 1_768_197_600_123) == 1_768_197_600.123)
    }

    @Test func formatsRFC3339InUTC() {
        #expect(formatRFC3339(1_768_197_600) == "2026-01-12T06:00:00Z")
        #expect(formatRFC3339(1_768_197_600.123, fractional: true) == "2026-01-12T06:00:00.123Z")
        #expect(formatRFC3339(1_768_197_600.999) == "2026-01-12T06:00:00Z")
        #expect(formatRFC3339(0, fractional: true) == "1970-01-01T00:00:00.000Z")
        #expect(formatRFC3339(-1) == "1969-12-31T23:59:59Z")
        #expect(formatRFC3339(951_782_400) == "2000-02-29T00:00:00Z")
        #expect(formatRFC3339(1e300) == "1e+300")
        #expect(formatRFC3339(-.infinity) == "-inf")
    }

    @Test func formatAndParseRoundTripAcrossCenturies() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<2_000 {
            let seconds = Double(generator.next() % 6_000_000_000) - 1_000_000_000
            #expect(TimestampParser.parseRFC3339(formatRFC3339(seconds)) == seconds)
        }
    }

    @Test func offsetsFollowDaylightSavingTime() {
        #expect(berlin.offsetSeconds(atUnixSeconds: 1_768_197_600) == 3_600)
        #expect(berlin.offsetSeconds(atUnixSeconds: 1_782_900_000) == 7_200)
        #expect(TimeZoneOffsets.utc.offsetSeconds(atUnixSeconds: 1_782_900_000) == 0)
        let moscow = TimeZoneOffsets(timeZone: TimeZone(identifier: "Europe/Moscow")!)
        #expect(moscow.offsetSeconds(atUnixSeconds: 1_350_000_000) == 14_400)  // 2012: UTC+4
        #expect(moscow.offsetSeconds(atUnixSeconds: 1_768_197_600) == 10_800)  // since 2014: UTC+3
    }
}

/// A small deterministic generator for tests (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
