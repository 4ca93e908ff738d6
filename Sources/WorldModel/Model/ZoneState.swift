/// The filtered current estimates of one zone (the `state` topic).
public struct ZoneState: Sendable, Codable, Hashable {
    public var zone: String
    /// End of the latest closed step, Unix seconds.
    public var time: Double
    /// Quantity name → filtered level, in canonical units.
    public var values: [String: Double]
    /// Probability that the zone is occupied now, for zones with an occupancy sensor.
    public var occupancyProbability: Double?
    /// Expected number of people now, for zones with a people counter.
    public var expectedOccupants: Double?
    public var warmingUp: Bool

    public init(
        zone: String,
        time: Double,
        values: [String: Double],
        occupancyProbability: Double? = nil,
        expectedOccupants: Double? = nil,
        warmingUp: Bool
    ) {
        self.zone = zone
        self.time = time
        self.values = values
        self.occupancyProbability = occupancyProbability
        self.expectedOccupants = expectedOccupants
        self.warmingUp = warmingUp
    }
}

/// The learned parameters of one zone in words a facility manager understands.
public struct ZoneParameters: Sendable, Codable, Hashable {
    public var zone: String
    public var parameters: [NamedParameter]

    public init(zone: String, parameters: [NamedParameter]) {
        self.zone = zone
        self.parameters = parameters
    }
}

/// One learned parameter with its unit and a sentence saying what it means.
public struct NamedParameter: Sendable, Codable, Hashable {
    public var name: String
    public var value: Double
    public var unit: String
    public var explanation: String

    public init(name: String, value: Double, unit: String, explanation: String) {
        self.name = name
        self.value = value
        self.unit = unit
        self.explanation = explanation
    }
}
