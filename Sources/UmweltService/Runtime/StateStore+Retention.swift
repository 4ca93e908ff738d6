import Logging
import UmweltStore

extension StateStore {
    /// Deletes readings and step aggregates older than `time`; failures are logged, not thrown.
    func applyRetention(olderThan time: Double, logger: Logger) async {
        do {
            let readings = try await deleteReadings(olderThan: time)
            let steps = try await deleteSteps(olderThan: time)
            if readings + steps > 0 {
                logger.info("retention applied", metadata: ["readings": "\(readings)", "steps": "\(steps)"])
            }
        } catch {
            logger.error("retention failed", metadata: ["error": "\(error)"])
        }
    }
}
