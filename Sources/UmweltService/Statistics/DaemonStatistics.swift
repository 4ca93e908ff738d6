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
        public var rejectedByReason: [String: Int] = [:]
        public var readingsByQuantity: [String: Int] = [:]
        public var stepsLearned = 0
        public var anomalyEvents = 0
        public var storageErrors = 0

        public var rejectedTotal: Int { rejectedByReason.values.reduce(0, +) }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func recordReceived(_ count: Int) {
        state.withLock { $0.messagesReceived += count }
    }

    func recordRejection(_ reason: PayloadRejection.Reason) {
        state.withLock { $0.rejectedByReason[reason.rawValue, default: 0] += 1 }
    }

    func recordAccepted(_ readings: [Reading]) {
        state.withLock {
            $0.readingsAccepted += readings.count
            for reading in readings { $0.readingsByQuantity[reading.quantity.name, default: 0] += 1 }
        }
    }

    func recordLate(_ count: Int) {
        state.withLock { $0.readingsLate += count }
    }

    func recordSteps(_ count: Int, anomalyEvents: Int) {
        state.withLock {
            $0.stepsLearned += count
            $0.anomalyEvents += anomalyEvents
        }
    }

    func recordStorageError() {
        state.withLock { $0.storageErrors += 1 }
    }
}
