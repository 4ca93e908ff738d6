import Foundation
import UmweltCore

extension ScenarioAnswer {
    /// The JSON document with sorted keys, written straight into a byte buffer
    /// (`JSONByteWriter`): the same document `JSONEncoder` with `.sortedKeys` gives, about 20
    /// times faster on a 100-zone answer (no intermediate objects; point times encoded once).
    public var json: [UInt8] {
        // Written straight into the array's storage, sized by a tight bound: each point's keys
        // and punctuation, its time and three numbers as long as the longest number written
        // (`JSONByteWriter.number` prints at most 4 decimals). A tight buffer stays within
        // the allocator's reusable heap (an oversized one is a fresh mapping each time, whose
        // pages fault in one by one); should the bound be short, the buffer doubles.
        let labels = TimeLabels(timeLabels)
        let pointCount = trajectories.reduce(0) { $0 + 3 * $1.count }
        // Sign, integer digits, point and four decimals.
        let numberBytes = largestValue < 1e14 ? 7 + Int(log10(max(largestValue, 1)).rounded(.down)) : 32
        let pointBytes = "{\"mean\":,\"p10\":,\"p90\":,\"time\":},".utf8.count + labels.longest + 3 * numberBytes
        let targetBytes = PayloadEncoding.encode(targets)
        let names = (id?.utf8.count ?? 0) + twin.utf8.count + trajectories.reduce(0) { $0 + $1.zone.utf8.count }
        var bound =
            pointCount * pointBytes + (kpis.count + trajectories.count) * 1_024 + 6 * names + targetBytes.count
            + 65_536
        while true {
            var overflowed = false
            let document = [UInt8](unsafeUninitializedCapacity: bound) { buffer, initialized in
                var writer = JSONByteWriter(into: buffer)
                write(to: &writer, labels: labels, targets: targetBytes)
                overflowed = writer.overflowed
                initialized = overflowed ? 0 : writer.count
            }
            if !overflowed { return document }
            bound *= 2
        }
    }

    private func write(to writer: inout JSONByteWriter, labels: TimeLabels, targets targetBytes: [UInt8]) {
        writer.raw("{")
        writer.key("horizon_steps", first: true)
        writer.integer(horizon_steps)
        if let id {
            writer.key("id")
            writer.string(id)
        }
        writer.key("kpis")
        writer.raw("{")
        for (n, zone) in kpis.keys.sorted().enumerated() {
            guard let figures = kpis[zone] else { continue }
            writer.key(zone, first: n == 0)
            writer.raw("{\"baseline\":")
            Self.write(figures.baseline, to: &writer)
            writer.raw(",\"scenario\":")
            Self.write(figures.scenario, to: &writer)
            writer.raw("}")
        }
        writer.raw("}")
        writer.key("start")
        writer.string(start)
        writer.key("step_seconds")
        writer.integer(step_seconds)
        writer.key("targets")
        writer.raw(targetBytes)
        writer.key("twin")
        writer.string(twin)
        writer.key("zones")
        writer.raw("{")
        var zone: String?
        for trajectory in trajectories {
            if trajectory.zone != zone {
                if zone != nil { writer.raw("}") }
                writer.key(trajectory.zone, first: zone == nil)
                writer.raw("{")
                writer.key(trajectory.quantity, first: true)
                zone = trajectory.zone
            } else {
                writer.key(trajectory.quantity)
            }
            writer.raw("{\"baseline\":")
            Self.write(trajectory, .baseline, labels: labels, to: &writer)
            writer.raw(",\"difference\":")
            Self.write(trajectory, .difference, labels: labels, to: &writer)
            writer.raw(",\"scenario\":")
            Self.write(trajectory, .scenario, labels: labels, to: &writer)
            writer.raw("}")
        }
        if zone != nil { writer.raw("}") }
        writer.raw("}}")
    }

    /// The JSON strings of the point times, one after the other (point `n` has time `n`).
    struct TimeLabels {
        var bytes: [UInt8] = []
        /// Label `n` is `bytes[ends[n − 1]..<ends[n]]` (from 0 for the first).
        var ends: [Int] = []
        var longest = 0

        init(_ labels: [String]) {
            for label in labels {
                let encoded = JSONByteWriter.encoded(label)
                bytes += encoded
                ends.append(bytes.count)
                longest = max(longest, encoded.count)
            }
        }
    }

    /// Points `[{"mean","p10","p90","time"}…]` of one part of a trajectory.
    private static func write(
        _ trajectory: TrajectoryValues, _ part: TrajectoryValues.Part, labels: TimeLabels,
        to writer: inout JSONByteWriter
    ) {
        writer.raw("[")
        trajectory.values.withUnsafeBufferPointer { values in
            labels.bytes.withUnsafeBytes { bytes in
                labels.ends.withUnsafeBufferPointer { ends in
                    for n in 0..<trajectory.count {
                        let i = trajectory.index(part, n)
                        writer.raw(n == 0 ? "{\"mean\":" : ",{\"mean\":")
                        writer.number(values[i])
                        writer.raw(",\"p10\":")
                        writer.number(values[i + 1])
                        writer.raw(",\"p90\":")
                        writer.number(values[i + 2])
                        writer.raw(",\"time\":")
                        let label = min(n, ends.count - 1)
                        let from = label == 0 ? 0 : ends[label - 1]
                        writer.raw(UnsafeRawBufferPointer(rebasing: bytes[from..<ends[label]]))
                        writer.raw("}")
                    }
                }
            }
        }
        writer.raw("]")
    }

    private static func write(_ figures: ComfortKPIs, to writer: inout JSONByteWriter) {
        var first = true
        func number(_ name: String, _ value: Double?, _ writer: inout JSONByteWriter) {
            guard let value else { return }
            writer.key(name, first: first)
            writer.number(value)
            first = false
        }
        func text(_ name: String, _ value: String?, _ writer: inout JSONByteWriter) {
            guard let value else { return }
            writer.key(name, first: first)
            writer.string(value)
            first = false
        }
        writer.raw("{")
        number("co2_excess_ppm_hours", figures.co2_excess_ppm_hours, &writer)
        number("discomfort_kelvin_hours", figures.discomfort_kelvin_hours, &writer)
        number("electric_energy_kwh", figures.electric_energy_kwh, &writer)
        text("first_co2_exceedance", figures.first_co2_exceedance, &writer)
        text("first_discomfort", figures.first_discomfort, &writer)
        number("hvac_runtime_hours", figures.hvac_runtime_hours, &writer)
        writer.raw("}")
    }
}
