import Yams

extension TwinFileParser {
    static let zoneKeys = ["id", "kind", "neighbors", "comfort", "co2_limit", "sensors", "anomalies"]
    static let comfortKeys = ["low", "high"]

    /// Parses `zones`, then resolves the neighbours once every zone id is known.
    static func parseZones(_ node: Node, reader: YAMLNodeReader) throws(TwinFileError) -> [ZoneDefinition] {
        let items = try reader.list(node, field: "zones")
        guard !items.isEmpty else {
            throw reader.error(node, "zones", "at least one zone is required")
        }
        var zones: [ZoneDefinition] = []
        var lineByID: [String: Int?] = [:]
        var outdoor: (id: String, line: Int?)?
        var neighborNodes: [[Node]] = []
        for (index, item) in items.enumerated() {
            let field = "zones[\(index)]"
            let fields = try reader.fields(item, field: field, allowed: zoneKeys)
            var zone = try parseZoneValues(fields, reader: reader)
            let idNode = fields["id"]
            if let firstLine = lineByID[zone.id] {
                let location = firstLine.map { " (first defined at line \($0))" } ?? ""
                throw reader.error(idNode, fields.path("id"), "duplicate zone id '\(zone.id)'\(location)")
            }
            lineByID.updateValue(idNode?.mark?.line, forKey: zone.id)
            if zone.kind == .outdoor {
                if let outdoor {
                    let location = outdoor.line.map { " (line \($0))" } ?? ""
                    throw reader.error(
                        fields["kind"],
                        fields.path("kind"),
                        "only one zone may be outdoor; '\(outdoor.id)'\(location) already is"
                    )
                }
                outdoor = (zone.id, fields["kind"]?.mark?.line)
            }
            var neighbors: [Node] = []
            if let neighborsNode = fields["neighbors"] {
                neighbors = try reader.list(neighborsNode, field: fields.path("neighbors"))
            }
            neighborNodes.append(neighbors)
            if let sensorsNode = fields["sensors"] {
                let sensorItems = try reader.list(sensorsNode, field: fields.path("sensors"))
                for (sensorIndex, sensorItem) in sensorItems.enumerated() {
                    let sensorField = fields.path("sensors[\(sensorIndex)]")
                    zone.sensors.append(try parseSensor(sensorItem, field: sensorField, reader: reader))
                }
            }
            zones.append(zone)
        }
        for (zoneIndex, nodes) in neighborNodes.enumerated() {
            for (position, neighborNode) in nodes.enumerated() {
                let field = "zones[\(zoneIndex)].neighbors[\(position)]"
                let neighbor = try reader.string(neighborNode, field: field, expected: "a zone id")
                guard lineByID[neighbor] != nil else {
                    throw reader.error(neighborNode, field, unknownZoneReason(neighbor, known: zones.map(\.id)))
                }
                guard neighbor != zones[zoneIndex].id else {
                    throw reader.error(neighborNode, field, "a zone cannot be its own neighbor")
                }
                if !zones[zoneIndex].neighbors.contains(neighbor) {
                    zones[zoneIndex].neighbors.append(neighbor)
                }
            }
        }
        return zones
    }

    /// The zone's own values (id, kind, comfort, CO2 limit); sensors and neighbours come later.
    private static func parseZoneValues(_ fields: YAMLFields, reader: YAMLNodeReader) throws(TwinFileError)
        -> ZoneDefinition
    {
        guard let idNode = fields["id"] else {
            throw reader.error(fields.location("id"), fields.path("id"), "required key is missing")
        }
        let id = try reader.string(idNode, field: fields.path("id"))
        guard isValidID(id) else {
            throw reader.error(idNode, fields.path("id"), invalidIDReason(id))
        }
        var zone = ZoneDefinition(id: id)
        if let kindNode = fields["kind"] {
            let text = try reader.string(kindNode, field: fields.path("kind"))
            guard let kind = ZoneDefinition.Kind(rawValue: text) else {
                throw reader.error(kindNode, fields.path("kind"), "'\(text)' is not a zone kind (indoor or outdoor)")
            }
            zone.kind = kind
        }
        if let comfortNode = fields["comfort"] {
            let comfortField = fields.path("comfort")
            let comfort = try reader.fields(comfortNode, field: comfortField, allowed: comfortKeys)
            if let low = comfort["low"] {
                zone.comfortLowCelsius = try reader.number(low, field: comfort.path("low"))
            }
            if let high = comfort["high"] {
                zone.comfortHighCelsius = try reader.number(high, field: comfort.path("high"))
            }
            guard zone.comfortLowCelsius < zone.comfortHighCelsius else {
                throw reader.error(
                    comfortNode,
                    comfortField,
                    "low (\(zone.comfortLowCelsius)) must be below high (\(zone.comfortHighCelsius))"
                )
            }
        }
        if let limitNode = fields["co2_limit"] {
            let limit = try reader.number(limitNode, field: fields.path("co2_limit"))
            guard limit > 0 else {
                throw reader.error(
                    limitNode, fields.path("co2_limit"), "co2_limit must be positive (ppm), got \(limit)")
            }
            zone.co2LimitPPM = limit
        }
        if let node = fields["anomalies"] {
            zone.anomalies = try parseAnomalies(node, field: fields.path("anomalies"), reader: reader)
        }
        return zone
    }

    private static func unknownZoneReason(_ id: String, known: [String]) -> String {
        var reason = "unknown zone '\(id)'"
        if let closest = known.min(by: { YAMLNodeReader.editDistance($0, id) < YAMLNodeReader.editDistance($1, id) }),
            YAMLNodeReader.editDistance(closest, id) <= 2
        {
            reason += " (did you mean '\(closest)'?)"
        }
        return reason
    }
}
