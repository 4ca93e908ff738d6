/// A dotted path into a JSON document: `temperature`, `SCD30.Temperature`, `a.0.b`.
///
/// A component matches an object key byte for byte; a component of digits also matches
/// that index of an array.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    struct Component: Sendable, Hashable {
        var key: [UInt8]
        var index: Int?
    }

    let components: [Component]
    /// The path as written.
    public let description: String

    /// Nil when `dotted` is empty or has an empty component (`a..b`, `.a`, `a.`).
    public init?(_ dotted: String) {
        let parts = dotted.split(separator: ".", omittingEmptySubsequences: false)
        guard !dotted.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else { return nil }
        components = parts.map { part in
            let isIndex = part.utf8.count <= 9 && part.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            return Component(key: Array(part.utf8), index: isIndex ? Int(part) : nil)
        }
        description = dotted
    }

    private init(components: [Component], description: String) {
        self.components = components
        self.description = description
    }

    /// A path of one key, taken literally (for a binding whose path is not a valid dotted path).
    init(singleKey key: String) {
        self.init(components: [Component(key: Array(key.utf8), index: nil)], description: key)
    }

    /// The whole document (an empty path): the payload itself is the value.
    static let root = JSONPath(components: [], description: "")

    var count: Int { components.count }
}
