import CYaml

extension TwinFileParser {
    /// The 1-based line of the first mapping key that is or contains an alias (`*name`), or
    /// nil when there is none.
    ///
    /// Yams checks each mapping for duplicate keys by hashing them, which walks an alias
    /// key's whole expansion: nine anchors of nine aliases each ("billion laughs") make 9^9
    /// nodes to hash, and the parse never ends. Twin file keys are plain names, so such a
    /// file is rejected from libyaml's event stream (linear in the text, nothing expanded)
    /// before Yams composes it. Syntax errors give nil and are left to Yams to report.
    static func firstAliasInKey(_ yaml: String) -> Int? {
        let bytes = Array(yaml.utf8)
        guard !bytes.isEmpty else { return nil }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var keys = KeyTracker()
            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                let type = event.type
                let line = event.start_mark.line + 1
                yaml_event_delete(&event)
                switch type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_ALIAS_EVENT:
                    if keys.isInKey { return line }
                    keys.endNode()
                case YAML_SCALAR_EVENT:
                    keys.endNode()
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    keys.startCollection(isMapping: type == YAML_MAPPING_START_EVENT)
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    keys.endCollection()
                default:
                    break
                }
            }
            return nil
        }
    }
}

/// Whether the node being read is (part of) a mapping key, from the open collections.
private struct KeyTracker {
    private struct Frame {
        var isMapping: Bool
        var expectsKey: Bool
        var isInKey: Bool
    }

    private var frames: [Frame] = []

    /// Whether the next node is a mapping key or inside one.
    var isInKey: Bool {
        guard let top = frames.last else { return false }
        return top.isInKey || (top.isMapping && top.expectsKey)
    }

    mutating func startCollection(isMapping: Bool) {
        frames.append(Frame(isMapping: isMapping, expectsKey: true, isInKey: isInKey))
    }

    mutating func endCollection() {
        _ = frames.popLast()
        endNode()
    }

    /// A node of the innermost collection is complete: a mapping now expects the other half.
    mutating func endNode() {
        guard let top = frames.last, top.isMapping else { return }
        frames[frames.count - 1].expectsKey.toggle()
    }
}
