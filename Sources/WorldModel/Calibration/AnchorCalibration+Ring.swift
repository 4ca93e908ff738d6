import Foundation

extension AnchorCalibration {
    /// How many consecutive origins one recorded forecast at horizon `h` stands for: 1 up to
    /// `denseThrough` steps (`ModelConfiguration.denseCalibrationSteps`, default: all), beyond it
    /// the largest power of two not above `h / 32` (2 at 96 steps, 4 at 144, 8 at 288). A
    /// recorded forecast is scored with that weight. It divides the training path's stride
    /// (`TwinModel.trainingStride`, `h / 8`), so training records into the same slots.
    ///
    /// Forecasts from neighbouring origins at a long horizon share almost all of their target
    /// window, so their errors are nearly the same; recording one in `stride` keeps the ring
    /// at `⌈h / stride⌉` entries instead of `h` (Σ over the standard anchors of a 24 h horizon:
    /// 216 instead of 624 per series), which is most of a zone's memory and checkpoint.
    static func recordingStride(horizon h: Int, denseThrough: Int) -> Int {
        guard h > denseThrough else { return 1 }
        var stride = 1
        while stride * 2 <= h / 32 { stride *= 2 }
        return stride
    }

    /// Ring entries of an anchor at horizon `h` recording every `stride`-th origin: the
    /// recorded origins of the last `h` steps.
    static func ringCapacity(horizon h: Int, stride: Int) -> Int {
        (max(0, h) + stride - 1) / stride
    }

    /// The ring slot of the forecast for step `target`, nil when its origin is not recorded.
    func slot(target: Int) -> Int? {
        guard !ring.isEmpty else { return nil }
        let stride = recordingStride
        let origin = target - horizon
        let offset = ((origin % stride) + stride) % stride
        guard offset == 0 else { return nil }
        let position = origin / stride
        return ((position % ring.count) + ring.count) % ring.count
    }

    /// `h^0.75`, the prior error scale's growth with the horizon (`effectiveScale`), from a
    /// table for horizons up to 1,024 steps: the same value as `pow`, without its cost per score.
    static func horizonPower(_ h: Int) -> Double {
        h >= 0 && h < horizonPowers.count ? horizonPowers[h] : pow(Double(h), 0.75)
    }

    private static let horizonPowers: [Double] = (0...1_024).map { pow(Double($0), 0.75) }
}
