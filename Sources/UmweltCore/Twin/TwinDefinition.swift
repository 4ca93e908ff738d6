/// A building or site: its zones and how MQTT topics map to their readings.
///
/// Decoded and validated from a twin file by `TwinFileParser`; a value of this type is
/// always complete and consistent (every neighbour exists, every binding is valid).
public struct TwinDefinition: Sendable, Hashable, Codable {
    /// Id used in topics (`umwelt/<id>/...`): lowercase letters, digits, `-` and `_`.
    public var id: String
    /// IANA time zone name, for time-of-day and time-of-week features.
    public var timezone: String
    /// The model step in seconds (default 300).
    public var stepSeconds: Int
    /// Forecast horizon in steps (default: 24 h worth of steps).
    public var horizonSteps: Int
    public var zones: [ZoneDefinition]
    /// Path of the file this definition came from, when it came from a file.
    public var sourcePath: String?
    /// Anomaly detection settings of the whole twin (`anomalies:`), nil for the defaults.
    public var anomalies: AnomalySettings?

    public init(
        id: String,
        timezone: String = "UTC",
        stepSeconds: Int = 300,
        horizonSteps: Int? = nil,
        zones: [ZoneDefinition],
        sourcePath: String? = nil
    ) {
        self.id = id
        self.timezone = timezone
        self.stepSeconds = stepSeconds
        self.horizonSteps = horizonSteps ?? max(1, 86_400 / stepSeconds)
        self.zones = zones
        self.sourcePath = sourcePath
    }

    public func zone(_ id: String) -> ZoneDefinition? {
        zones.first { $0.id == id }
    }

    /// The zone of kind `outdoor`, if the twin has one.
    public var outdoorZone: ZoneDefinition? {
        zones.first { $0.kind == .outdoor }
    }

    /// Every (zone, quantity) pair some sensor feeds, sorted.
    public var boundSeries: [SeriesKey] {
        var keys = Set<SeriesKey>()
        for zone in zones {
            for sensor in zone.sensors {
                keys.insert(SeriesKey(zone: zone.id, quantity: sensor.quantity))
            }
        }
        return keys.sorted()
    }
}

/// A space with its own climate, or the site's outside.
public struct ZoneDefinition: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable {
        case indoor
        case outdoor
    }

    public var id: String
    public var kind: Kind
    /// Ids of adjacent zones (heat exchange through walls and doors).
    public var neighbors: [String]
    public var sensors: [SensorBinding]
    /// Comfort band for scenario KPIs, °C (default 20...24 when occupied).
    public var comfortLowCelsius: Double
    public var comfortHighCelsius: Double
    /// CO2 limit for scenario KPIs and notices, ppm (default 1000).
    public var co2LimitPPM: Double
    /// Anomaly detection settings of this zone (`anomalies:`), over the twin's; nil for none.
    public var anomalies: AnomalySettings?

    public init(
        id: String,
        kind: Kind = .indoor,
        neighbors: [String] = [],
        sensors: [SensorBinding] = [],
        comfortLowCelsius: Double = 20,
        comfortHighCelsius: Double = 24,
        co2LimitPPM: Double = 1000
    ) {
        self.id = id
        self.kind = kind
        self.neighbors = neighbors
        self.sensors = sensors
        self.comfortLowCelsius = comfortLowCelsius
        self.comfortHighCelsius = comfortHighCelsius
        self.co2LimitPPM = co2LimitPPM
    }

    /// The quantities some sensor of this zone reports.
    public var quantities: Set<Quantity> {
        Set(sensors.map(\.quantity))
    }

    /// The occupancy kind of the zone's occupancy sensors: `.count` if any is a counter.
    public var occupancyKind: OccupancyKind? {
        let kinds = sensors.filter { $0.quantity == .occupancy }.compactMap(\.occupancyKind)
        if kinds.isEmpty { return nil }
        return kinds.contains(.count) ? .count : .presence
    }
}

/// How one MQTT topic's payload becomes readings of one quantity of one zone.
public struct SensorBinding: Sendable, Hashable, Codable {
    public enum Format: String, Sendable, Codable {
        /// A plain number, or a boolean word when the quantity is boolean-like.
        case plain
        /// JSON; `path` selects the value with dots (`a.b.0.c`).
        case json
        /// Boolean words only: ON/OFF, true/false, open/closed, occupied/unoccupied, 1/0.
        case boolean
    }

    public var quantity: Quantity
    /// MQTT topic filter; may contain `+` and `#` wildcards.
    public var topic: String
    public var format: Format
    /// Dotted JSON path of the value (format `json`).
    public var path: String?
    /// Dotted JSON path of the reading's time (RFC 3339 or Unix seconds or milliseconds).
    public var timePath: String?
    /// Unit the sensor reports in; nil means the canonical unit.
    public var unit: MeasurementUnit?
    /// For occupancy: presence (boolean) or count.
    public var occupancyKind: OccupancyKind?
    /// 1-based line of this binding in its twin file, for error messages.
    public var line: Int?

    public init(
        quantity: Quantity,
        topic: String,
        format: Format = .plain,
        path: String? = nil,
        timePath: String? = nil,
        unit: MeasurementUnit? = nil,
        occupancyKind: OccupancyKind? = nil,
        line: Int? = nil
    ) {
        self.quantity = quantity
        self.topic = topic
        self.format = format
        self.path = path
        self.timePath = timePath
        self.unit = unit
        self.occupancyKind = occupancyKind
        self.line = line
    }
}
