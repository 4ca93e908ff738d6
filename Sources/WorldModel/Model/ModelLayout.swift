import UmweltCore

/// Which series of a twin the model forecasts with dynamics, which it treats as inputs and
/// which zones have an occupancy chain; and the feature terms of each dynamic series.
///
/// Built once from the twin. Series are sorted (`SeriesKey` order) so that every loop over
/// them, and so every floating-point sum, runs in the same order in every process.
struct ModelLayout: Sendable, Codable, Hashable {
    /// How a dynamic series is modelled.
    enum Role: String, Sendable, Codable, Hashable {
        /// Indoor temperature, humidity or CO2: physics-informed features.
        case indoor
        /// Outdoor climate: its own level, momentum and time of day.
        case outdoor
        /// A generic series: level, momentum and time of day, scale learned from the data.
        case generic
    }

    struct DynamicSeries: Sendable, Codable, Hashable {
        var key: SeriesKey
        var role: Role
        var zoneIndex: Int
        var terms: [FeatureTerm]
    }

    struct OccupancyZone: Sendable, Codable, Hashable {
        var zone: String
        var zoneIndex: Int
        var isCounter: Bool
    }

    var zoneIDs: [String]
    var zoneIsIndoor: [Bool]
    var dynamic: [DynamicSeries] = []
    var inputs: [SeriesKey] = []
    /// Per input: the index of its zone in `zoneIDs`.
    var inputZoneIndex: [Int?] = []
    var occupancy: [OccupancyZone] = []
    /// Every bound series, sorted.
    var bound: [SeriesKey]
    /// Per bound series: the index of its zone in `zoneIDs` (-1 for a zone the twin lacks).
    var boundZoneIndex: [Int] = []
    /// Per bound series: how many of its zone's sensors measure its quantity.
    var boundSensorCount: [Int] = []
    /// Per bound series: the index of its zone's occupancy chain in `occupancy` (-1: none).
    var boundChainIndex: [Int] = []

    static let peoplePerCountUnit = 10.0

    init(twin: TwinDefinition) {
        zoneIDs = twin.zones.map(\.id)
        zoneIsIndoor = twin.zones.map { $0.kind == .indoor }
        bound = twin.boundSeries
        for key in bound {
            guard let zoneIndex = zoneIDs.firstIndex(of: key.zone) else { continue }
            let indoor = zoneIsIndoor[zoneIndex]
            switch key.quantity {
            case .temperature, .humidity, .co2:
                dynamic.append(
                    DynamicSeries(key: key, role: indoor ? .indoor : .outdoor, zoneIndex: zoneIndex, terms: []))
            case .generic:
                dynamic.append(DynamicSeries(key: key, role: .generic, zoneIndex: zoneIndex, terms: []))
            case .occupancy:
                let isCounter = twin.zones[zoneIndex].occupancyKind == .count
                occupancy.append(OccupancyZone(zone: key.zone, zoneIndex: zoneIndex, isCounter: isCounter))
            default:
                inputs.append(key)
            }
        }
        inputZoneIndex = inputs.map { key in zoneIDs.firstIndex(of: key.zone) }
        // By dictionaries: linear in the twin's size (10,000 zones).
        var zoneIndices: [String: Int] = [:]
        for (z, id) in zoneIDs.enumerated() where zoneIndices[id] == nil { zoneIndices[id] = z }
        var chainIndices: [String: Int] = [:]
        for (c, chain) in occupancy.enumerated() where chainIndices[chain.zone] == nil { chainIndices[chain.zone] = c }
        boundZoneIndex = bound.map { zoneIndices[$0.zone] ?? -1 }
        boundChainIndex = bound.map { chainIndices[$0.zone] ?? -1 }
        boundSensorCount = bound.indices.map { s in
            guard boundZoneIndex[s] >= 0 else { return 0 }
            return twin.zones[boundZoneIndex[s]].sensors.filter { $0.quantity == bound[s].quantity }.count
        }
        let outdoorID = twin.outdoorZone?.id
        for i in dynamic.indices {
            dynamic[i].terms = terms(for: dynamic[i], twin: twin, outdoorID: outdoorID)
        }
    }

    /// Whether `key` is a bound series: a binary search of the sorted `bound`, O(log n).
    func isBound(_ key: SeriesKey) -> Bool {
        boundIndex(key) != nil
    }

    /// The index of `key` in `bound` (and so in the model's `health`): `bound` is sorted by
    /// zone first, so a binary search by zone name, then a scan of that zone's few series by
    /// quantity (no `Quantity` ordering, which looks both quantities up in a list).
    func boundIndex(_ key: SeriesKey) -> Int? {
        var low = 0
        var high = bound.count
        while low < high {
            let middle = (low + high) / 2
            if bound[middle].zone < key.zone { low = middle + 1 } else { high = middle }
        }
        while low < bound.count && bound[low].zone == key.zone {
            if bound[low].quantity == key.quantity { return low }
            low += 1
        }
        return nil
    }

    /// Whether the zone of bound series `s` is indoors (true for an unknown zone).
    func boundIsIndoor(_ s: Int) -> Bool {
        boundZoneIndex[s] >= 0 ? zoneIsIndoor[boundZoneIndex[s]] : true
    }

    func dynamicIndex(_ key: SeriesKey) -> Int? { dynamic.firstIndex { $0.key == key } }
    func inputIndex(_ key: SeriesKey) -> Int? { inputs.firstIndex(of: key) }
    func occupancyIndex(zone: String) -> Int? { occupancy.firstIndex { $0.zone == zone } }
    func zoneIndex(_ zone: String) -> Int? { zoneIDs.firstIndex(of: zone) }

    private static let timeOfDay: [FeatureTerm] = [
        .fourier(harmonic: 1, sine: true), .fourier(harmonic: 1, sine: false),
        .fourier(harmonic: 2, sine: true), .fourier(harmonic: 2, sine: false),
    ]

    private func terms(for series: DynamicSeries, twin: TwinDefinition, outdoorID: String?) -> [FeatureTerm] {
        var terms: [FeatureTerm] = [.bias, .level, .previousChange]
        guard series.role == .indoor else {
            if series.key.quantity == .temperature, let solar = solarInput(zone: series.key.zone, outdoorID: outdoorID)
            {
                terms.append(.input(input: solar, scale: 500))
            }
            return terms + Self.timeOfDay
        }
        let zone = series.key.zone
        let quantity = series.key.quantity
        let outdoor = outdoorID.flatMap { dynamicIndex(SeriesKey(zone: $0, quantity: quantity)) }
        if let outdoor {
            terms.append(.difference(series: outdoor))
        } else if quantity == .co2 {
            terms.append(.constantDifference(value: 420))
        }
        let setpoint = inputIndex(SeriesKey(zone: zone, quantity: .setpoint))
        let hvac = inputIndex(SeriesKey(zone: zone, quantity: .hvac))
        if quantity == .temperature {
            if let setpoint { terms.append(.inputDifference(input: setpoint)) }
            if let setpoint, let hvac { terms.append(.gatedDifference(input: setpoint, gate: hvac)) }
            // The heating level's own heat, with a setpoint too: scenarios close the loop through it (ControlLoop).
            if let hvac { terms.append(.input(input: hvac, scale: 1)) }
            if let solar = solarInput(zone: zone, outdoorID: outdoorID) {
                terms.append(.input(input: solar, scale: 500))
            }
        }
        let neighbours = (twin.zone(zone)?.neighbors ?? []).compactMap {
            dynamicIndex(SeriesKey(zone: $0, quantity: quantity))
        }
        if !neighbours.isEmpty { terms.append(.neighbourMean(series: neighbours)) }
        if let occupancy = occupancyIndex(zone: zone) {
            terms.append(.occupancy(zone: occupancy, countScale: occupancyScale(occupancy)))
        }
        for gateQuantity in [Quantity.window, .ventilation] {
            guard let gate = inputIndex(SeriesKey(zone: zone, quantity: gateQuantity)) else { continue }
            if let outdoor {
                terms.append(.exchange(gate: gate, series: outdoor))
            } else if quantity == .co2 {
                terms.append(.constantExchange(gate: gate, value: 420))
            } else {
                terms.append(.input(input: gate, scale: 1))
            }
        }
        if let light = inputIndex(SeriesKey(zone: zone, quantity: .illuminance)) {
            terms.append(.input(input: light, scale: 500))
        }
        if let power = inputIndex(SeriesKey(zone: zone, quantity: .power)) {
            terms.append(.input(input: power, scale: 1_000))
        }
        return terms + Self.timeOfDay
    }

    private func occupancyScale(_ index: Int) -> Double {
        occupancy[index].isCounter ? Self.peoplePerCountUnit : 1
    }

    private func solarInput(zone: String, outdoorID: String?) -> Int? {
        inputIndex(SeriesKey(zone: zone, quantity: .solar))
            ?? outdoorID.flatMap { inputIndex(SeriesKey(zone: $0, quantity: .solar)) }
    }
}
