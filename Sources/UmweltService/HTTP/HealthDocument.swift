import Hummingbird

/// What `/healthz` answers: `ok`, or `degraded` with the storage fault of each twin whose
/// state cannot be written (disk full, read-only or failing state directory).
///
/// A storage fault answers 200, not 503: the daemon keeps ingesting, learning and
/// forecasting from memory, buffers what it could not write (bounded) and writes it when
/// the store recovers, so a supervisor that restarts unhealthy services must not restart
/// it (a restart would lose the buffered data and not free any disk). Alerting reads
/// `status` (or `storage`) and `storage_errors` in `/v1/status`.
struct HealthDocument: Codable, Sendable {
    var status: String
    /// `ok` or `fault`.
    var storage: String
    /// Twin id to the last storage error, for twins whose last write failed.
    var storageFaults: [String: String]?

    /// Collects the storage fault of every runtime.
    static func current(runtimes: [String: TwinRuntime]) async -> HealthDocument {
        var faults: [String: String] = [:]
        for (id, runtime) in runtimes {
            if let fault = await runtime.storageFault { faults[id] = fault }
        }
        guard !faults.isEmpty else { return HealthDocument(status: "ok", storage: "ok", storageFaults: nil) }
        return HealthDocument(status: "degraded", storage: "fault", storageFaults: faults)
    }
}
