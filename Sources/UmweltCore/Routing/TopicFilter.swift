/// An MQTT topic filter, with `+` (one level) and `#` (the rest, including none) wildcards.
///
/// As in MQTT 3.1.1 §4.7: a wildcard in the first level never matches a topic starting
/// with `$` (`$SYS/...`), and `sport/#` also matches `sport`.
public struct TopicFilter: Sendable, Hashable, CustomStringConvertible {
    enum Level: Sendable, Hashable {
        case exact([UInt8])
        case single
        case multi
    }

    /// The filter as written.
    public let description: String
    let levels: [Level]

    /// Nil when `filter` is not a valid filter (see `problem(in:)`).
    public init?(_ filter: String) {
        guard Self.problem(in: filter) == nil else { return nil }
        description = filter
        levels = filter.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map { level in
            if level.elementsEqual("+".utf8) { return .single }
            if level.elementsEqual("#".utf8) { return .multi }
            return .exact(Array(level))
        }
    }

    /// Why `filter` is not a valid MQTT topic filter, or nil when it is.
    public static func problem(in filter: String) -> String? {
        if filter.isEmpty { return "a topic filter must not be empty" }
        if filter.utf8.count > 65_535 { return "a topic filter must be at most 65535 bytes" }
        if filter.utf8.contains(0) { return "a topic filter must not contain a NUL character" }
        let levels = filter.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        for (position, level) in levels.enumerated() {
            let hasPlus = level.contains(UInt8(ascii: "+"))
            let hasHash = level.contains(UInt8(ascii: "#"))
            if hasPlus, level.count != 1 { return "'+' must fill a whole level" }
            if hasHash, level.count != 1 { return "'#' must fill a whole level" }
            if hasHash, position != levels.count - 1 { return "'#' must be the last level" }
        }
        return nil
    }

    /// Whether the filter has a `+` or `#`; without one it matches only its own text.
    public var hasWildcards: Bool {
        levels.contains { $0 == .single || $0 == .multi }
    }

    /// Whether a message published on `topic` matches this filter.
    public func matches(_ topic: String) -> Bool {
        var topic = topic
        return topic.withUTF8 { matches($0) }
    }

    /// Byte-level matching; allocation-free.
    func matches(_ topic: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = topic.count
        let isSystemTopic = count > 0 && topic[0] == UInt8(ascii: "$")
        var position = 0
        var isExhausted = false
        for (levelIndex, level) in levels.enumerated() {
            if level == .multi {
                return !(levelIndex == 0 && isSystemTopic)
            }
            if isExhausted { return false }
            var end = position
            while end < count, topic[end] != UInt8(ascii: "/") { end += 1 }
            switch level {
            case .single:
                if levelIndex == 0, isSystemTopic { return false }
            case .exact(let expected):
                guard end - position == expected.count else { return false }
                for offset in 0..<expected.count where topic[position + offset] != expected[offset] {
                    return false
                }
            case .multi:
                break
            }
            if end == count {
                isExhausted = true
            } else {
                position = end + 1
            }
        }
        return isExhausted
    }
}
