/// What a zone is used for, guessed from its id; sets its size and how people use it.
///
/// `meeting`/`conference` → meeting room, `kitchen`/`pantry`/`coffee`/`lounge` → kitchen,
/// `focus`/`phone`/`quiet` → focus room, `open` → open office, anything else → office.
enum ZoneRole: String, Sendable, Hashable, CaseIterable {
    case meetingRoom
    case openOffice
    case kitchen
    case focusRoom
    case office

    init(zoneID: String) {
        let id = zoneID.lowercased()
        func has(_ words: String...) -> Bool { words.contains { id.contains($0) } }
        if has("meeting", "conference", "board") {
            self = .meetingRoom
        } else if has("kitchen", "pantry", "coffee", "lounge", "canteen") {
            self = .kitchen
        } else if has("focus", "phone", "quiet", "booth") {
            self = .focusRoom
        } else if has("open") {
            self = .openOffice
        } else {
            self = .office
        }
    }

    /// Floor area, m².
    var floorAreaSquareMetres: Double {
        switch self {
        case .meetingRoom: 30
        case .openOffice: 120
        case .kitchen: 20
        case .focusRoom: 10
        case .office: 40
        }
    }

    /// The most people the zone is planned for (ventilation design).
    var designOccupants: Int {
        switch self {
        case .meetingRoom: 8
        case .openOffice: 12
        case .kitchen: 4
        case .focusRoom: 1
        case .office: 4
        }
    }

    /// Mechanical ventilation at full fan level, air changes per hour.
    var mechanicalAirChangesPerHour: Double {
        switch self {
        case .kitchen: 3
        case .meetingRoom: 2.5
        case .openOffice, .focusRoom, .office: 2
        }
    }

    /// Extra moisture per person present (cooking, kettles, dishes), kg/s.
    var extraMoisturePerPersonKilogramsPerSecond: Double {
        self == .kitchen ? 0.1 / 3600 : 0
    }
}
