import Foundation
import Testing

@testable import WorldModel

/// The compact storage of pending calibration forecasts (`PendingForecastRing`) and the
/// optional sparse recording of long anchors (`ModelConfiguration.denseCalibrationSteps`).
@Suite struct TrainingPathStorageTests {
    static func forecast(target: Int, regressors: [Double]) -> PendingForecast {
        var entry = PendingForecast(target: target, model: 21.25, persistence: 21, blended: 21.125)
        entry.regressors = regressors
        entry.weighted = 21.0625
        entry.weight = 4
        return entry
    }

    @Test func ringKeepsForecastsAndRegressors() {
        var ring = PendingForecastRing(capacity: 4)
        #expect(ring.count == 4 && ring[2] == nil)
        ring[1] = PendingForecast(target: 9, model: 400, persistence: 420, blended: 410)
        // A forecast with more regressors than any before widens every slot, keeping the others.
        ring[2] = Self.forecast(target: 10, regressors: [0.25, -0.5])
        ring[3] = Self.forecast(target: 11, regressors: [0.25, -0.5, 0.125, 2])
        #expect(ring[1]?.model == 400 && ring[1]?.blended == 410 && ring[1]?.hasRegressors == false)
        #expect(ring[2]?.regressors == [0.25, -0.5])
        #expect(ring[3]?.regressors == [0.25, -0.5, 0.125, 2])
        #expect(ring[3]?.weight == 4 && ring[3]?.weighted == 21.0625 && ring[3]?.persistence == 21)
        ring[2] = nil
        #expect(ring[2] == nil && ring[3]?.target == 11)
        // A cleared slot leaves nothing behind: the ring equals one that never held it.
        var fresh = PendingForecastRing(capacity: 4)
        fresh[3] = Self.forecast(target: 11, regressors: [0.25, -0.5, 0.125, 2])
        fresh[1] = PendingForecast(target: 9, model: 400, persistence: 420, blended: 410)
        #expect(fresh == ring)
    }

    @Test func joinedRegressorsEqualTheArrayForm() {
        var joined = PendingForecast(target: 3, model: 20.5, persistence: 20, blended: 20.25)
        var array = joined
        joined.setRegressors(modelChange: 0.5, series: [0.1, -0.2, 0.3])
        array.regressors = [0.5, 0.1, -0.2, 0.3]
        #expect(joined == array && joined.hasRegressors)
    }

    @Test func storedValuesAreFloatChangesFromPersistence() {
        let entry = PendingForecast(target: 1, model: 1_000.1, persistence: 1_000, blended: 999.9)
        // Exact level, change to Float precision (relative 6e-8 of the change).
        #expect(entry.persistence == 1_000)
        #expect(abs(entry.model - 1_000.1) < 1e-8)
        #expect(abs(entry.blended - 999.9) < 1e-8)
    }

    @Test func ringRoundTripsThroughJSONAndRejectsInconsistentColumns() throws {
        var ring = PendingForecastRing(capacity: 3)
        ring[0] = Self.forecast(target: 6, regressors: [0.1, 0.2, 0.3])
        ring[2] = PendingForecast(target: 8, model: 0.5, persistence: 0.25, blended: 0.375)
        let data = try JSONEncoder().encode(ring)
        #expect(try JSONDecoder().decode(PendingForecastRing.self, from: data) == ring)
        #expect(try JSONDecoder().decode(PendingForecastRing.self, from: JSONEncoder().encode(ring))[1] == nil)

        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["lanes"] = "AAAAPw=="  // one Float lane where six are due
        let corrupt = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PendingForecastRing.self, from: corrupt) }
    }

    @Test func sparseAnchorRecordsEveryStrideOriginWithItsWeight() {
        let stride = AnchorCalibration.recordingStride(horizon: 288, denseThrough: 48)
        #expect(stride == 8)
        #expect(AnchorCalibration.recordingStride(horizon: 288, denseThrough: .max) == 1)
        #expect(AnchorCalibration.recordingStride(horizon: 48, denseThrough: 48) == 1)
        var anchor = AnchorCalibration(horizon: 288, recordingStride: stride)
        #expect(anchor.ring.count == 36)
        for origin in 0..<300 {
            anchor.store(PendingForecast(target: origin + 288, model: 21, persistence: 20, blended: 20.5))
        }
        #expect(anchor.pending(for: 296 + 288)?.weight == 8)
        #expect(anchor.pending(for: 297 + 288) == nil)
        // Every recorded origin of the last 288 steps is still pending.
        #expect((2...37).allSatisfy { anchor.pending(for: 8 * $0 + 288) != nil })
        #expect(anchor.pending(for: 8 + 288) == nil)
    }

    @Test func denseDefaultAndSparseOptionShareEverythingUpTo48Steps() {
        let twin = SimulatedBuilding.twin(horizonSteps: 96)
        var configuration = SimulatedBuilding.configuration(twin, warmup: 20)
        #expect(configuration.denseCalibrationSteps == .max)
        var dense = TwinModel(twin: twin, configuration: configuration)
        configuration.denseCalibrationSteps = 48
        var sparse = TwinModel(twin: twin, configuration: configuration)
        var building = SimulatedBuilding()
        for _ in 0..<150 {
            let readings = building.nextReadings()
            for reading in readings {
                _ = dense.ingest(reading)
                _ = sparse.ingest(reading)
            }
            let time = building.time(ofStep: building.index) + 60
            for (a, b) in zip(dense.advance(to: time), sparse.advance(to: time)) {
                for (x, y) in zip(a.forecasts, b.forecasts) { #expect(x.points.prefix(48) == y.points.prefix(48)) }
            }
        }
        #expect(dense.dynamics.map(\.rls) == sparse.dynamics.map(\.rls))
        #expect(dense.dynamics[0].calibrator.anchors.last?.ring.count == 96)
        #expect(sparse.dynamics[0].calibrator.anchors.last?.ring.count == 48)
    }
}
