import Foundation

extension SeriesHealth {
    /// CUSUM allowance `k` in standard deviations (detects shifts above about 2k).
    static let driftAllowance = 1.0

    /// Two-sided CUSUM (Page 1954) of the standardised signed one-step residual
    /// `u = clip(r / (σ_r f), ±4)`, `r = (y − ŷ) / s₁`, with `σ_r²` the learned mean square of `r`
    /// and `f = √((1 + ρ) / (1 − ρ))` the inflation of a sum of residuals with lag-1
    /// autocorrelation `ρ ∈ [0, 0.95]` (learned), so that smooth series are not taken for drifts:
    ///
    ///     S⁺ ← max(0, S⁺ + u − k),   S⁻ ← max(0, S⁻ − u − k),   k = 1
    ///
    /// A drift fires when `max(S⁺, S⁻) ≥ h` (`driftThreshold`, default 20): residuals that keep
    /// one sign or grow. Statistics are capped at `2h` so that an episode ends within about
    /// `2h / k` steps after the residuals return to zero; `σ_r²` learns only from steps below
    /// `h/2` so a drift does not teach itself. Score `1 − 0.01^{S/h}` (0.99 at `S = h`).
    /// Also keeps the latest two standardised residuals for the zone detectors.
    mutating func updateDrift(residual r: Double, index: Int, threshold h: Double) -> (score: Double, sign: Double) {
        let sigma = memory.residualSquare.squareRoot()
        let rho = max(0, min(0.95, memory.residualLagProduct / max(memory.residualSquare, 1e-12)))
        let inflation = ((1 + rho) / (1 - rho)).squareRoot()
        let u = max(-4, min(4, r / max(sigma * inflation, 1e-6)))
        let previousRaw = memory.residualIndex == index - 1 ? memory.lastRawResidual : nil
        memory.previousResidual = memory.residualIndex == index - 1 ? memory.lastResidual : nil
        memory.lastResidual = u
        memory.residualIndex = index
        memory.cusumHigh = min(2 * h, max(0, memory.cusumHigh + u - Self.driftAllowance))
        memory.cusumLow = min(2 * h, max(0, memory.cusumLow - u - Self.driftAllowance))
        let statistic = max(memory.cusumHigh, memory.cusumLow)
        if statistic < h / 2 {
            let clipped = min(r * r, 16 * memory.residualSquare)
            memory.residualSquare += 0.01 * (clipped - memory.residualSquare)
            if let previousRaw {
                let bound = 16 * memory.residualSquare
                memory.residualLagProduct +=
                    0.01 * (max(-bound, min(bound, r * previousRaw)) - memory.residualLagProduct)
            }
        }
        memory.lastRawResidual = r
        let score = 1 - pow(0.01, statistic / h)
        return (score, memory.cusumHigh >= memory.cusumLow ? 1 : -1)
    }

    /// The standardised residual of step `index`, if this series was scored then.
    func residual(at index: Int) -> Double? {
        memory.residualIndex == index ? memory.lastResidual : nil
    }

    /// The sum of the standardised residuals of steps `index − 1` and `index` (missing count 0).
    func recentResidualSum(at index: Int) -> Double? {
        guard memory.residualIndex == index, let last = memory.lastResidual else { return nil }
        return last + (memory.previousResidual ?? 0)
    }
}
