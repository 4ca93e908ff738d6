extension TwinModel {
    /// How many consecutive origins one training forecast at anchor horizon `h` stands for:
    /// the largest power of two not above `h / 8` (1 up to h = 15; 2 at 24; 4 at 48; 32 at 288).
    ///
    /// Forecasts from neighbouring origins at a long horizon share almost all of their target
    /// window, so their errors are nearly the same; eight origins per horizon length keep the
    /// calibrator's information while rolling out far less. (Measured on the UCI and ROBOD
    /// recordings: a trained warm-up scores within 2 % of a fully forecast one at every horizon;
    /// four origins per horizon length cost up to 8 % at 48 steps on the short UCI recording.) Powers of two nest (each anchor's
    /// stride divides the next one's), so anchor `h` is recorded exactly at the origins that
    /// are multiples of its stride, and scored with that stride as its weight.
    static func trainingStride(horizon h: Int) -> Int {
        var stride = 1
        while stride * 2 <= h / 8 { stride *= 2 }
        return stride
    }

    /// The rollout length the training path needs at origin `k`: the longest calibration
    /// anchor whose stride divides `k` (at least the one-step anchor, every origin).
    func trainingRolloutLength(originIndex k: Int) -> Int {
        let anchors = dynamics.first?.calibrator.anchors ?? occupancyCalibrators.first?.anchors ?? []
        var length = 1
        for anchor in anchors {
            let stride = Self.trainingStride(horizon: anchor.horizon)
            if ((k % stride) + stride) % stride == 0 { length = max(length, anchor.horizon) }
        }
        return min(length, configuration.horizonSteps)
    }

    /// The training path's forecasts at origin `k`: the same calibrated forecasts as
    /// `issueForecasts(originIndex:record:)`, rolled out only to `trainingRolloutLength`, and
    /// recorded in the calibrators with each anchor's stride as the weight of its score.
    ///
    /// Cost: the mean rollout length is Σ over anchors of (h − previous h) / stride, 37.5 steps
    /// for a 288-step horizon and 24 for 48, instead of the whole horizon at every step.
    /// The one-step anchor, which the gap filling and the anomaly scores read, is recorded at
    /// every origin exactly as on the forecast path.
    ///
    /// Only the means at the recorded anchor horizons are computed (`trainingMeans`), with the
    /// forecast path's arithmetic; no forecast points, quantiles or reports are built.
    mutating func recordTrainingForecasts(originIndex k: Int) {
        let length = trainingRolloutLength(originIndex: k)
        let rollout = withRolloutHorizon(length) { $0.rollout(originIndex: k) }
        let context = SeriesStepContext(model: self, index: k)
        let layout = layout
        let worker = partitionWorker()
        // Each series records and weights only its own calibrator: split across two threads.
        withPartitionedDynamics { dynamics in
            let cuts = SeriesPartition.boundaries(
                count: dynamics.count, chunks: worker == nil ? 1 : SeriesPartition.chunksPerRegion)
            SeriesPartition.run(chunks: cuts.count - 1, worker: worker) { chunk in
                for i in cuts[chunk]..<cuts[chunk + 1] {
                    if let path = rollout.paths[i], let persistence = dynamics[i].level {
                        let blended = Self.trainingMeans(
                            dynamics[i], progress: context.progress(zoneIndex: layout.dynamic[i].zoneIndex),
                            path: path, persistence: persistence, originIndex: k, stepSeconds: context.stepSeconds,
                            clock: context.clock)
                        Self.recordSeriesForecast(
                            &dynamics[i], originIndex: k, model: path, persistence: persistence, blended: blended,
                            stepSeconds: context.stepSeconds, clock: context.clock)
                    }
                    dynamics[i].calibrator.weightRecorded(originIndex: k, weight: Self.trainingStride(horizon:))
                }
            }
        }
        for c in chains.indices {
            guard let current = chains[c].probability else { continue }
            let chain = rollout.occupancy[c].probability
            occupancyCalibrators[c].record(
                originIndex: k, model: chain, persistence: current,
                blended: trainingOccupancyMeans(c, chain: chain, current: current)
            )
        }
        for c in occupancyCalibrators.indices {
            occupancyCalibrators[c].weightRecorded(originIndex: k, weight: Self.trainingStride(horizon:))
        }
    }
}
