import Yams

/// Reads typed values out of composed YAML nodes, turning every mismatch into a
/// `TwinFileError` that carries the node's line and the field's path.
struct YAMLNodeReader {
    let file: String

    func error(_ node: Node?, _ field: String, _ reason: String) -> TwinFileError {
        TwinFileError(file: file, line: node?.mark?.line, field: field, reason: reason)
    }

    /// The entries of a mapping, after checking that every key is one of `allowed`.
    func fields(_ node: Node, field: String, allowed: [String]) throws(TwinFileError) -> YAMLFields {
        guard case .mapping(let mapping) = node else {
            throw error(node, field.isEmpty ? "document" : field, "expected a mapping, got \(Self.describe(node))")
        }
        var entries: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            let path = YAMLFields.path(field, key.scalar?.string ?? "?")
            guard case .scalar(let scalar) = key else {
                throw error(key, path, "keys must be plain names, got \(Self.describe(key))")
            }
            guard allowed.contains(scalar.string) else {
                throw error(key, path, Self.unknownKeyReason(scalar.string, allowed: allowed))
            }
            entries[scalar.string] = (key, value)
        }
        return YAMLFields(node: node, field: field, entries: entries)
    }

    /// The text of a scalar.
    func string(_ node: Node, field: String, expected: String = "text") throws(TwinFileError) -> String {
        guard case .scalar(let scalar) = node else {
            throw error(node, field, "expected \(expected), got \(Self.describe(node))")
        }
        return scalar.string
    }

    /// A finite number (`nan`, `inf` and text are errors).
    func number(_ node: Node, field: String) throws(TwinFileError) -> Double {
        let text = try string(node, field: field, expected: "a number")
        let bytes = Array(text.utf8)
        let value = bytes.withUnsafeBufferPointer { PayloadText.number($0, 0..<$0.count, json: false) }
        guard let value, value.isFinite else {
            throw error(node, field, "expected a number, got '\(text)'")
        }
        return value
    }

    /// The items of a sequence.
    func list(_ node: Node, field: String) throws(TwinFileError) -> [Node] {
        guard case .sequence(let sequence) = node else {
            throw error(node, field, "expected a list, got \(Self.describe(node))")
        }
        return Array(sequence)
    }

    /// How a node reads in a message: `a list`, `a mapping`, `'text'`.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): "'\(scalar.string)'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .alias: "an alias"
        }
    }

    /// Whether a node is YAML null (`~`, `null`, or nothing after the colon).
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    static func unknownKeyReason(_ key: String, allowed: [String]) -> String {
        var reason = "unknown key '\(key)'"
        if let closest = allowed.min(by: { editDistance($0, key) < editDistance($1, key) }),
            editDistance(closest, key) <= 2
        {
            reason += " (did you mean '\(closest)'?)"
        }
        return reason + "; allowed: " + allowed.joined(separator: ", ")
    }

    /// Levenshtein distance, for "did you mean" suggestions.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.lowercased())
        let b = Array(rhs.lowercased())
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// The checked entries of one YAML mapping; null values count as absent.
struct YAMLFields {
    let node: Node
    /// Path of the mapping itself (`zones[0]`), empty at the top level.
    let field: String
    let entries: [String: (key: Node, value: Node)]

    /// The value of `key`, or nil when absent or null.
    subscript(key: String) -> Node? {
        guard let value = entries[key]?.value, !YAMLNodeReader.isNull(value) else { return nil }
        return value
    }

    /// The path of `key` in this mapping: `zones[0].id`.
    func path(_ key: String) -> String {
        Self.path(field, key)
    }

    /// The node to blame for a missing `key`: its null value if present, else the mapping.
    func location(_ key: String) -> Node {
        entries[key]?.value ?? node
    }

    static func path(_ parent: String, _ key: String) -> String {
        parent.isEmpty ? key : parent + "." + key
    }
}
