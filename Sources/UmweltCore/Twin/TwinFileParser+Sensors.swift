import Yams

extension TwinFileParser {
    static let sensorKeys = ["quantity", "topic", "format", "path", "time_path", "unit", "kind"]

    /// Parses one sensor binding; its line is the line of its mapping.
    static func parseSensor(_ node: Node, field: String, reader: YAMLNodeReader) throws(TwinFileError) -> SensorBinding
    {
        let fields = try reader.fields(node, field: field, allowed: sensorKeys)

        guard let quantityNode = fields["quantity"] else {
            throw reader.error(fields.location("quantity"), fields.path("quantity"), "required key is missing")
        }
        let quantityName = try reader.string(quantityNode, field: fields.path("quantity"))
        guard isValidQuantityName(quantityName) else {
            throw reader.error(
                quantityNode,
                fields.path("quantity"),
                "'\(quantityName)' is not a quantity name (a known one such as temperature, "
                    + "or a name without spaces, '/', '+' or '#')"
            )
        }
        let quantity = Quantity(name: quantityName)

        guard let topicNode = fields["topic"] else {
            throw reader.error(fields.location("topic"), fields.path("topic"), "required key is missing")
        }
        let topic = try reader.string(topicNode, field: fields.path("topic"))
        if let problem = TopicFilter.problem(in: topic) {
            throw reader.error(
                topicNode, fields.path("topic"), "'\(topic)' is not a valid MQTT topic filter: \(problem)")
        }

        let path = try optionalPath(fields, "path", reader: reader)
        let timePath = try optionalPath(fields, "time_path", reader: reader)

        var format: SensorBinding.Format = path == nil ? .plain : .json
        if let formatNode = fields["format"] {
            let text = try reader.string(formatNode, field: fields.path("format"))
            guard let parsed = SensorBinding.Format(rawValue: text) else {
                throw reader.error(
                    formatNode, fields.path("format"), "'\(text)' is not a payload format (plain, json or boolean)")
            }
            format = parsed
        }
        if format == .json, path == nil {
            throw reader.error(node, fields.path("path"), "format json needs a path (the dotted key of the value)")
        }
        if format != .json, path != nil {
            throw reader.error(fields["path"], fields.path("path"), "path needs format json, not \(format.rawValue)")
        }
        if format != .json, timePath != nil {
            throw reader.error(
                fields["time_path"], fields.path("time_path"), "time_path needs format json, not \(format.rawValue)")
        }

        var unit: MeasurementUnit?
        if let unitNode = fields["unit"] {
            unit = try parseUnit(unitNode, quantity: quantity, field: fields.path("unit"), reader: reader)
        }

        var occupancyKind: OccupancyKind?
        if let kindNode = fields["kind"] {
            guard quantity == .occupancy else {
                throw reader.error(
                    kindNode, fields.path("kind"), "kind applies only to occupancy sensors (presence or count)")
            }
            let text = try reader.string(kindNode, field: fields.path("kind"))
            guard let kind = OccupancyKind(rawValue: text) else {
                throw reader.error(
                    kindNode, fields.path("kind"), "'\(text)' is not an occupancy kind (presence or count)")
            }
            occupancyKind = kind
        } else if quantity == .occupancy {
            occupancyKind = .presence
        }

        if format == .boolean, !isOnOff(quantity, occupancyKind) {
            throw reader.error(
                fields["format"],
                fields.path("format"),
                "format boolean fits only on/off quantities (occupancy presence, window, hvac, "
                    + "ventilation or a generic series), not \(quantity.name)"
            )
        }

        return SensorBinding(
            quantity: quantity,
            topic: topic,
            format: format,
            path: path,
            timePath: timePath,
            unit: unit,
            occupancyKind: occupancyKind,
            line: node.mark?.line
        )
    }

    private static func optionalPath(_ fields: YAMLFields, _ key: String, reader: YAMLNodeReader) throws(TwinFileError)
        -> String?
    {
        guard let node = fields[key] else { return nil }
        let text = try reader.string(node, field: fields.path(key))
        guard JSONPath(text) != nil else {
            throw reader.error(
                node,
                fields.path(key),
                "'\(text)' is not a JSON path (keys or array indices separated by dots, none empty)"
            )
        }
        return text
    }

    private static func parseUnit(
        _ node: Node,
        quantity: Quantity,
        field: String,
        reader: YAMLNodeReader
    ) throws(TwinFileError) -> MeasurementUnit {
        let text = try reader.string(node, field: field)
        guard let unit = MeasurementUnit(rawValue: text) else {
            let known = MeasurementUnit.allCases.map(\.rawValue).joined(separator: ", ")
            throw reader.error(node, field, "'\(text)' is not a unit (one of \(known))")
        }
        guard unit.isCompatible(with: quantity) else {
            let fitting = MeasurementUnit.allCases.filter { $0.isCompatible(with: quantity) }.map(\.rawValue)
            let advice = fitting.isEmpty ? "\(quantity.name) takes no unit" : "use " + fitting.joined(separator: ", ")
            throw reader.error(node, field, "unit '\(text)' does not fit \(quantity.name) (\(advice))")
        }
        return unit
    }

    /// Known quantities, or generic names usable in MQTT topics and metrics.
    static func isValidQuantityName(_ name: String) -> Bool {
        !name.isEmpty
            && !name.unicodeScalars.contains { scalar in
                scalar.properties.isWhitespace || scalar.value < 0x20 || "/+#".unicodeScalars.contains(scalar)
            }
    }

    private static func isOnOff(_ quantity: Quantity, _ occupancyKind: OccupancyKind?) -> Bool {
        switch quantity {
        case .occupancy: occupancyKind != .count
        case .window, .hvac, .ventilation, .generic: true
        default: false
        }
    }
}
