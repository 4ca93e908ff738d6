import Testing
import UmweltCore

@Suite struct TopicFilterTests {
    @Test(arguments: [
        ("a/b", "a/b", true), ("a/b", "a/c", false), ("a/b", "a/b/c", false), ("a/b", "a", false),
        ("a/+", "a/b", true), ("a/+", "a/", true), ("a/+", "a", false), ("a/+", "a/b/c", false),
        ("+/+", "a/b", true), ("+", "a", true), ("+/b", "/b", true),
        ("a/#", "a", true), ("a/#", "a/b/c", true), ("a/#", "ab", false), ("#", "a/b", true),
        ("a/+/c/#", "a/x/c", true), ("a/+/c/#", "a/x/d/e", false),
        ("#", "$SYS/broker/load", false), ("+/broker", "$SYS/broker", false),
        ("$SYS/#", "$SYS/broker/load", true), ("$SYS/+", "$SYS/uptime", true),
    ])
    func matchesLikeMQTT(filter: String, topic: String, expected: Bool) throws {
        let parsed = try #require(TopicFilter(filter))
        #expect(parsed.matches(topic) == expected)
    }

    @Test func tellsWhyAFilterIsInvalid() {
        #expect(TopicFilter.problem(in: "") == "a topic filter must not be empty")
        #expect(TopicFilter.problem(in: "a/b+") == "'+' must fill a whole level")
        #expect(TopicFilter.problem(in: "a#") == "'#' must fill a whole level")
        #expect(TopicFilter.problem(in: "a/#/b") == "'#' must be the last level")
        #expect(TopicFilter.problem(in: "a\u{0}b") == "a topic filter must not contain a NUL character")
        #expect(TopicFilter.problem(in: "a/+/#") == nil)
        #expect(TopicFilter("a/#/b") == nil)
    }

    @Test func knowsWhetherItHasWildcards() {
        #expect(TopicFilter("a/b")?.hasWildcards == false)
        #expect(TopicFilter("a/+")?.hasWildcards == true)
        #expect(TopicFilter("#")?.hasWildcards == true)
    }
}
