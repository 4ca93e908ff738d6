/// One day's presence in one zone: visits, each a group of people between two local times.
///
/// Drawn at local midnight from the zone's role (seeded per zone and day):
/// - open office / office: each of 8–12 (office: 1–4) colleagues arrives around 08:00
///   (σ 30 min) and leaves around 17:15 (σ 35 min), most take a 30–60 min lunch around 12:15
///   and one to three short breaks; weekends: now and then one or two people for a few hours;
/// - meeting room: meetings of 2–8 people, 30–90 min, starting on quarter hours between 08:30
///   and 17:00 with at least a quarter of an hour between them, sometimes with latecomers;
/// - kitchen: short visits (2–10 min, mostly alone) arriving as a Poisson process, busier
///   after arrival, at lunch (longer, larger groups) and in the afternoon;
/// - focus room: one person for 30–120 min sessions;
/// weekends are mostly empty.
struct OccupancyPlan: Sendable, Hashable {
    struct Visit: Sendable, Hashable {
        /// Local seconds since midnight.
        var start: Double
        var end: Double
        var people: Int
    }

    var visits: [Visit]

    /// People present at `secondsOfDay`.
    func occupants(atSecondsOfDay secondsOfDay: Double) -> Int {
        var count = 0
        for visit in visits where visit.start <= secondsOfDay && secondsOfDay < visit.end {
            count += visit.people
        }
        return count
    }

    static func make(role: ZoneRole, isWeekend: Bool, random: inout SimulationRandom) -> OccupancyPlan {
        var visits: [Visit]
        switch (role, isWeekend) {
        case (.openOffice, false): visits = office(staff: random.integer(8...12), random: &random)
        case (.office, false): visits = office(staff: random.integer(1...4), random: &random)
        case (.openOffice, true), (.office, true):
            visits = random.chance(0.2) ? weekendVisit(random: &random) : []
        case (.meetingRoom, false): visits = meetings(random: &random)
        case (.kitchen, false): visits = kitchen(ratePerHour: weekdayKitchenRate, random: &random)
        case (.kitchen, true):
            let isSomeoneIn = random.chance(0.2)
            visits = isSomeoneIn ? kitchen(ratePerHour: { $0 >= 10 && $0 < 14 ? 0.5 : 0 }, random: &random) : []
        case (.focusRoom, false): visits = focusSessions(random: &random)
        case (.meetingRoom, true), (.focusRoom, true): visits = []
        }
        return OccupancyPlan(visits: visits)
    }

    /// Colleagues at their desks: present from arrival to departure except lunch and breaks.
    private static func office(staff: Int, random: inout SimulationRandom) -> [Visit] {
        var visits: [Visit] = []
        for _ in 0..<staff {
            let arrival = min(max(random.normal(mean: 8.0, standardDeviation: 0.5), 7.0), 10.0)
            let departure = min(max(random.normal(mean: 17.25, standardDeviation: 0.6), 15.5), 19.0)
            var absences: [(Double, Double)] = []
            if random.chance(0.75) {
                let lunch = min(max(random.normal(mean: 12.25, standardDeviation: 0.3), 11.5), 13.5)
                absences.append((lunch, lunch + random.uniform(0.5...1.0)))
            }
            for _ in 0..<random.integer(1...3) {
                let start = random.uniform(arrival...departure)
                absences.append((start, start + random.uniform(5...25) / 60))
            }
            absences.sort { $0.0 < $1.0 }
            var from = arrival
            for (start, end) in absences where end > from && start < departure {
                if start > from { visits.append(Visit(start: from * 3600, end: start * 3600, people: 1)) }
                from = max(from, end)
            }
            if departure > from { visits.append(Visit(start: from * 3600, end: departure * 3600, people: 1)) }
        }
        return visits
    }

    private static func weekendVisit(random: inout SimulationRandom) -> [Visit] {
        let start = random.uniform(9.5...12)
        let end = start + random.uniform(2...4)
        return [Visit(start: start * 3600, end: end * 3600, people: random.integer(1...2))]
    }

    /// Meetings on quarter hours: each slot starts one with probability 0.5 when the room is free.
    private static func meetings(random: inout SimulationRandom) -> [Visit] {
        var visits: [Visit] = []
        var slot = 8.5
        while slot <= 17 {
            guard random.chance(0.5) else {
                slot += 0.5
                continue
            }
            let duration = Double(random.integer(2...6)) * 0.25
            let people = random.integer(2...8)
            let late = people > 2 && random.chance(0.3) ? random.integer(1...2) : 0
            let start = slot * 3600 - random.uniform(0...180)
            let end = (slot + duration) * 3600 + random.uniform(0...300)
            visits.append(Visit(start: start, end: end, people: people - late))
            if late > 0 { visits.append(Visit(start: slot * 3600 + random.uniform(240...600), end: end, people: late)) }
            slot += duration + Double(random.integer(1...4)) * 0.25
            slot = (slot * 4).rounded(.up) / 4
        }
        return visits
    }

    private static func weekdayKitchenRate(_ hour: Double) -> Double {
        switch hour {
        case 7.5..<8.5: 3
        case 8.5..<9.5: 8
        case 9.5..<12: 3
        case 12..<13.5: 6
        case 13.5..<15: 3
        case 15..<15.75: 6
        case 15.75..<18: 2.5
        default: 0
        }
    }

    /// Visits as a Poisson process thinned minute by minute; `ratePerHour` of the local hour.
    private static func kitchen(ratePerHour: (Double) -> Double, random: inout SimulationRandom) -> [Visit] {
        var visits: [Visit] = []
        for minute in 0..<1_440 {
            let hour = Double(minute) / 60
            let rate = ratePerHour(hour)
            guard rate > 0, random.chance(rate / 60) else { continue }
            let isLunch = hour >= 12 && hour < 13.5
            let people = isLunch ? random.integer(1...3) : (random.chance(0.7) ? 1 : random.integer(2...3))
            let minutes = isLunch ? random.uniform(10...30) : random.uniform(2...10)
            let start = Double(minute) * 60 + random.uniform(0...59)
            visits.append(Visit(start: start, end: start + minutes * 60, people: people))
        }
        return visits
    }

    /// One person at a time, 30–120 min sessions with 10–45 min gaps.
    private static func focusSessions(random: inout SimulationRandom) -> [Visit] {
        var visits: [Visit] = []
        var hour = 8.5
        while hour < 17.5 {
            guard random.chance(0.45) else {
                hour += 0.5
                continue
            }
            let end = hour + random.uniform(0.5...2)
            visits.append(Visit(start: hour * 3600, end: end * 3600, people: 1))
            hour = end + random.uniform(10...45) / 60
        }
        return visits
    }
}
