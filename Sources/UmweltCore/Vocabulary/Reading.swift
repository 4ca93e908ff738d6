/// One validated value of one quantity in one zone, in canonical units.
///
/// `time` is seconds since the Unix epoch (data time: from the payload when the binding
/// has a `time_path`, else the arrival time).
public struct Reading: Sendable, Hashable, Codable {
    public var zone: String
    public var quantity: Quantity
    public var time: Double
    public var value: Double
    /// For occupancy: whether the sensor is a presence sensor (value 0/1) or a counter.
    public var occupancyKind: OccupancyKind?
    /// Index of the binding in the zone's sensor list that produced this reading.
    public var sensorIndex: Int

    public init(
        zone: String,
        quantity: Quantity,
        time: Double,
        value: Double,
        occupancyKind: OccupancyKind? = nil,
        sensorIndex: Int = 0
    ) {
        self.zone = zone
        self.quantity = quantity
        self.time = time
        self.value = value
        self.occupancyKind = occupancyKind
        self.sensorIndex = sensorIndex
    }
}

/// How an occupancy sensor reports.
public enum OccupancyKind: String, Sendable, Codable {
    /// A boolean sensor (PIR, presence radar): 1 occupied, 0 empty.
    case presence
    /// A people counter: the number of people.
    case count
}

/// Names one forecast or aggregate series: a quantity of a zone.
public struct SeriesKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var zone: String
    public var quantity: Quantity

    public init(zone: String, quantity: Quantity) {
        self.zone = zone
        self.quantity = quantity
    }

    public var description: String { "\(zone)/\(quantity.name)" }

    public static func < (lhs: SeriesKey, rhs: SeriesKey) -> Bool {
        lhs.zone != rhs.zone ? lhs.zone < rhs.zone : lhs.quantity < rhs.quantity
    }
}
