import Foundation
import UmweltCore
import UmweltStore
import WorldModel

/// `umwelt inspect`: the learned parameters of a twin in words a facility manager
/// understands, read from a state file (the newest valid checkpoint plus the stored steps
/// after it, as the daemon restores it).
public enum ModelInspection {
    /// A failure to find a learned model, with what was looked for.
    public struct InspectionError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Restores the model of `twin` from the state file at `databasePath`.
    public static func restore(twin: TwinDefinition, databasePath: String) async throws -> TwinModel {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw InspectionError(description: "\(databasePath): no such state file")
        }
        let store = try StateStore(path: databasePath)
        var model = TwinModel(twin: twin, configuration: ModelConfiguration(twin: twin))
        var after = -Double.infinity
        if let load = try await store.latestCheckpoint(twin: twin.id),
            load.checkpoint.modelVersion == TwinModel.checkpointVersion,
            let decoded = try? JSONDecoder().decode(TwinModel.self, from: Data(load.checkpoint.payload)),
            decoded.twin == twin
        {
            model = decoded
            after = load.checkpoint.lastStep ?? after
        }
        let decoder = JSONDecoder()
        for stored in try await store.steps(twin: twin.id, after: after) {
            if let step = try? decoder.decode(ClosedStep.self, from: Data(stored.payload)) {
                _ = model.learn(step)
            }
        }
        guard model.stepsLearned > 0 else {
            throw InspectionError(description: "\(databasePath): nothing learned yet for twin \(twin.id)")
        }
        return model
    }

    /// A readable report: per zone whether it is warming up and each named parameter.
    public static func describe(_ model: TwinModel) -> String {
        var lines = [
            "twin \(model.twin.id): \(model.stepsLearned) steps learned"
                + (model.lastClosedStep.map { ", latest step \(formatRFC3339($0))" } ?? "")
        ]
        let parameters = Dictionary(model.parameters().map { ($0.zone, $0.parameters) }, uniquingKeysWith: { $1 })
        for zone in model.twin.zones {
            let status =
                zone.kind == .outdoor ? "outdoor" : (model.isWarmingUp(zone: zone.id) ? "warming up" : "learned")
            lines.append("")
            lines.append("\(zone.id) (\(status))")
            for parameter in parameters[zone.id] ?? [] {
                let value = String(format: "%.3g", parameter.value)
                lines.append("  \(parameter.name): \(value) \(parameter.unit) — \(parameter.explanation)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
