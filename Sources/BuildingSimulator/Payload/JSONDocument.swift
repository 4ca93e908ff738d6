/// A JSON value the simulator writes: objects keep their keys in insertion order, numbers
/// are preformatted literals, so the bytes are deterministic and need no Foundation.
indirect enum JSONValue: Sendable, Hashable {
    case number(String)
    case string(String)
    case bool(Bool)
    case object(JSONObject)

    func write(into text: inout String) {
        switch self {
        case .number(let literal): text += literal
        case .string(let string): JSONValue.writeString(string, into: &text)
        case .bool(let flag): text += flag ? "true" : "false"
        case .object(let object): object.write(into: &text)
        }
    }

    static func writeString(_ string: String, into text: inout String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}

/// A JSON object with ordered keys.
struct JSONObject: Sendable, Hashable {
    struct Entry: Sendable, Hashable {
        var key: String
        var value: JSONValue
    }

    private(set) var entries: [Entry] = []

    func contains(_ key: String) -> Bool {
        entries.contains { $0.key == key }
    }

    /// Sets `value` at a dotted path given as components, creating (or replacing
    /// non-object values by) nested objects on the way: `["SCD30", "Temperature"]` gives
    /// `{"SCD30":{"Temperature":…}}`. A component of digits is an object key too (the
    /// router's paths match it either way).
    mutating func set(_ value: JSONValue, at path: ArraySlice<String>) {
        guard let key = path.first else { return }
        let index = entries.firstIndex { $0.key == key }
        if path.count == 1 {
            if let index {
                entries[index].value = value
            } else {
                entries.append(Entry(key: key, value: value))
            }
            return
        }
        var child = JSONObject()
        if let index, case .object(let existing) = entries[index].value { child = existing }
        child.set(value, at: path.dropFirst())
        if let index {
            entries[index].value = .object(child)
        } else {
            entries.append(Entry(key: key, value: .object(child)))
        }
    }

    /// Sets `value` under `key` unless the key exists.
    mutating func add(_ key: String, _ value: JSONValue) {
        if !contains(key) { entries.append(Entry(key: key, value: value)) }
    }

    func write(into text: inout String) {
        text += "{"
        for (offset, entry) in entries.enumerated() {
            if offset > 0 { text += "," }
            JSONValue.writeString(entry.key, into: &text)
            text += ":"
            entry.value.write(into: &text)
        }
        text += "}"
    }

    var serialised: String {
        var text = ""
        write(into: &text)
        return text
    }
}
