import Synchronization
import UmweltCore

/// Counters the daemon keeps about its input, safe to update from any thread.
///
/// Read by the HTTP API (`/v1/status`) and the tests; names follow the metrics they feed.
public final class DaemonStatistics: Sendable {
    public struct Snapshot: Sendable, Codable, Hashable {
        public var messagesReceived = 0
        public var readingsAccepted = 0
        public var readingsLate = 0
        /// Readings whose payload time was more than a step ahead of their arrival (a device
        /// clock running fast); they were used at their arrival time.
        public var readingsClockAhead = 0
        public var rejectedByReason: [String: Int] = [:]
        public var readingsByQuantity: [String: Int] = [:]
        public var stepsLearned = 0
        public var anomalyEvents = 0
        /// Anomaly episodes opened, by detector (`deviation`, `stuck`, ...).
        public var anomaliesOpenedByKind: [String: Int] = [:]
        public var storageErrors = 0

        public var rejectedTotal: Int { rejectedByReason.values.reduce(0, +) }
    }

    private let state = Mutex(Snapshot())
    /// The Prometheus side of these counters (and of the runtimes' timings), if any.
    public let metrics: UmweltMetrics?

    public init(metrics: UmweltMetrics? = nil) {
        self.metrics = metrics
    }

    public var snapshot: Snapshot { state.withLock { $0 } }

    func recordReceived(_ count: Int) {
        state.withLock { $0.messagesReceived += count }
        metrics?.messagesReceived(count)
    }

    func recordRejection(_ reason: PayloadRejection.Reason) {
        state.withLock { $0.rejectedByReason[reason.rawValue, default: 0] += 1 }
        metrics?.payloadRejected(reason: reason.rawValue)
    }

    func recordAccepted(_ readings: [Reading]) {
        state.withLock {
            $0.readingsAccepted += readings.count
            for reading in readings { $0.readingsByQuantity[reading.quantity.name, default: 0] += 1 }
        }
        if let metrics {
            var byQuantity: [String: Int] = [:]
            for reading in readings { byQuantity[reading.quantity.name, default: 0] += 1 }
            for (quantity, count) in byQuantity { metrics.readingsAccepted(quantity: quantity, count: count) }
        }
    }

    func recordLate(_ count: Int) {
        state.withLock { $0.readingsLate += count }
        metrics?.readingsLate(count)
    }

    func recordSteps(_ count: Int, anomalyEvents: Int) {
        state.withLock {
            $0.stepsLearned += count
            $0.anomalyEvents += anomalyEvents
        }
    }

    func recordAnomaliesOpened(kinds: [String]) {
        guard !kinds.isEmpty else { return }
        state.withLock {
            for kind in kinds { $0.anomaliesOpenedByKind[kind, default: 0] += 1 }
        }
    }

    func recordClockAhead(_ count: Int) {
        state.withLock { $0.readingsClockAhead += count }
    }

    func recordStorageError() {
        state.withLock { $0.storageErrors += 1 }
        metrics?.storageError()
    }
}
