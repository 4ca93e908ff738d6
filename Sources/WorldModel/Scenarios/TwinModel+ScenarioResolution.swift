import UmweltCore

extension TwinModel {
    /// Resolves overrides to rollout targets, checking zones, quantities, values and windows.
    func resolve(_ overrides: [ScenarioOverride], originIndex k: Int) throws(ScenarioError) -> RolloutColumn {
        let first = Double(k) * stepSeconds
        let last = Double(k + 1 + configuration.horizonSteps) * stepSeconds
        var column = RolloutColumn()
        for (n, override) in overrides.enumerated() {
            let field = "overrides[\(n)]"
            try checkWindow(override, field: field, first: first, last: last)
            let zones: [String]
            if override.zone == "*" {
                zones = layout.zoneIDs
            } else {
                guard layout.zoneIndex(override.zone) != nil else {
                    throw ScenarioError(
                        field: "\(field).zone",
                        reason: "unknown zone \(override.zone); known: \(layout.zoneIDs.joined(separator: ", ")), *")
                }
                zones = [override.zone]
            }
            var targets: [RolloutColumn.Target] = []
            for zone in zones {
                if let target = try target(zone: zone, override: override, field: field, strict: override.zone != "*") {
                    targets.append(target)
                }
            }
            guard !targets.isEmpty else {
                throw ScenarioError(
                    field: "\(field).quantity", reason: "no zone has an overridable \(override.quantity.name)")
            }
            try checkAction(override, field: field)
            column.changes += targets.map { RolloutColumn.Change(target: $0, override: override) }
        }
        return column
    }

    private func target(zone: String, override: ScenarioOverride, field: String, strict: Bool) throws(ScenarioError)
        -> RolloutColumn.Target?
    {
        let key = SeriesKey(zone: zone, quantity: override.quantity)
        if override.quantity == .occupancy, let c = layout.occupancyIndex(zone: zone) { return .occupancy(c) }
        if let j = layout.inputIndex(key) { return .input(j) }
        if let i = layout.dynamicIndex(key), layout.dynamic[i].role == .outdoor { return .series(i) }
        guard strict else { return nil }
        let reason: String
        if layout.dynamicIndex(key) != nil {
            reason = "\(override.quantity.name) of \(zone) is forecast, not an input; override a control instead"
        } else {
            let options = overridableSeries.filter { $0.zone == zone }.map(\.quantity.name)
            reason =
                "\(zone) has no overridable \(override.quantity.name); it has: "
                + (options.isEmpty ? "nothing" : options.joined(separator: ", "))
        }
        throw ScenarioError(field: "\(field).quantity", reason: reason)
    }

    private func checkWindow(_ override: ScenarioOverride, field: String, first: Double, last: Double)
        throws(ScenarioError)
    {
        for (name, time) in [("from", override.from), ("until", override.until)] {
            guard let time else { continue }
            guard time.isFinite, time >= first, time <= last else {
                throw ScenarioError(field: "\(field).\(name)", reason: "outside the forecast horizon")
            }
        }
        if let from = override.from, let until = override.until, until <= from {
            throw ScenarioError(field: "\(field).until", reason: "not after from")
        }
    }

    private func checkAction(_ override: ScenarioOverride, field: String) throws(ScenarioError) {
        var range = override.quantity.possibleRange
        if override.quantity == .occupancy, let zone = twin.zone(override.zone), zone.occupancyKind == .presence {
            range = 0...1
        }
        func check(_ value: Double, _ name: String) throws(ScenarioError) {
            guard value.isFinite, range.contains(value) else {
                throw ScenarioError(
                    field: "\(field).\(name)",
                    reason:
                        "\(value) is impossible for \(override.quantity.name) (\(range.lowerBound)...\(range.upperBound))"
                )
            }
        }
        switch override.action {
        case .value(let value):
            try check(value, "value")
        case .offset(let offset):
            guard offset.isFinite, abs(offset) <= range.upperBound - range.lowerBound else {
                throw ScenarioError(field: "\(field).offset", reason: "\(offset) is not a possible offset")
            }
        case .scale(let factor):
            guard factor.isFinite, factor >= 0, factor <= 1_000 else {
                throw ScenarioError(field: "\(field).scale", reason: "\(factor) is not a factor in 0...1000")
            }
        case .profile(let steps):
            guard !steps.isEmpty else { throw ScenarioError(field: "\(field).profile", reason: "empty") }
            for (m, step) in steps.enumerated() {
                try check(step.value, "profile[\(m)]")
                guard step.time.isFinite, m == 0 || step.time > steps[m - 1].time else {
                    throw ScenarioError(field: "\(field).profile[\(m)]", reason: "times must increase")
                }
            }
        }
    }
}
