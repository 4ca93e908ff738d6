/// Recursive least squares with exponential forgetting and a bounded covariance.
///
/// Model `y = θᵀφ + e`. With gain `k = Pφ / (λ + φᵀPφ)` and innovation `r = y − θᵀφ`, one update is
///
///     θ ← θ + k r
///     P ← (P − k φᵀ P) / λ = (P − g gᵀ / (λ + φᵀg)) / λ,   g = Pφ
///
/// `λ ∈ (0.9, 1]` is the forgetting factor (memory ≈ 1/(1−λ) observations). The initial
/// `P = δ I` is a ridge prior `θ ~ N(0, δ σ² I)`. Hygiene after every update: `P` is kept exactly
/// symmetric (rank-1 update written to both triangles), its diagonal is floored at `1e-9 δ`
/// and capped at `δ` (a congruence scaling of row and column, which keeps `P` positive
/// definite) so that directions not excited by the data do not wind up under forgetting.
/// Matrices are flat row-major `[Double]`. Cost per update O(n²).
struct RecursiveLeastSquares: Sendable, Codable, Hashable {
    private(set) var theta: [Double]
    private(set) var p: [Double]
    /// λ; lowered for a while after a detected drift (`TwinModel.boostAdaptation`), in (0.9, 1].
    var forgetting: Double
    let priorVariance: Double
    /// Number of updates applied.
    private(set) var updates: Int = 0

    var dimension: Int { theta.count }

    init(dimension: Int, forgetting: Double, priorVariance: Double = 10) {
        theta = Array(repeating: 0, count: dimension)
        p = Array(repeating: 0, count: dimension * dimension)
        for i in 0..<dimension { p[i * dimension + i] = priorVariance }
        self.forgetting = min(1, max(0.9, forgetting))
        self.priorVariance = priorVariance
    }

    /// `θᵀφ`.
    func predict(_ phi: [Double]) -> Double {
        precondition(phi.count >= theta.count)
        var sum = 0.0
        theta.withUnsafeBufferPointer { theta in
            phi.withUnsafeBufferPointer { phi in
                for i in 0..<theta.count { sum += theta[i] * phi[i] }
            }
        }
        return sum
    }

    /// `φᵀPφ`: the prediction's parameter variance in units of the noise variance.
    func leverage(_ phi: [Double]) -> Double {
        var g = Array(repeating: 0.0, count: theta.count)
        BLAS.symv(n: theta.count, a: p, x: phi, y: &g)
        return max(0, BLAS.dot(phi, g))
    }

    /// Applies one observation; `innovationLimit` clips `|r|` (a Huber-like guard against
    /// outliers). Returns the unclipped innovation `r`.
    @discardableResult
    mutating func update(_ phi: [Double], target y: Double, innovationLimit: Double = .infinity) -> Double {
        let n = theta.count
        if n * n <= BLAS.smallWork && phi.count == n {
            return updateSmall(phi, target: y, innovationLimit: innovationLimit)
        }
        var g = Array(repeating: 0.0, count: n)
        BLAS.symv(n: n, a: p, x: phi, y: &g)
        let denominator = forgetting + max(0, BLAS.dot(phi, g))
        let innovation = y - predict(phi)
        let clipped = max(-innovationLimit, min(innovationLimit, innovation))
        let step = clipped / denominator
        theta.withUnsafeMutableBufferPointer { theta in
            for i in 0..<n { theta[i] += g[i] * step }
        }
        BLAS.syr(n: n, alpha: -1 / denominator, x: g, a: &p)
        let inverseForgetting = 1 / forgetting
        p.withUnsafeMutableBufferPointer { p in
            for i in 0..<(n * n) { p[i] *= inverseForgetting }
        }
        boundCovariance()
        updates += 1
        return innovation
    }

    /// `update` for the model's sizes without a heap allocation: the same operations in the
    /// same order as the `BLAS` small-problem loops (so the same result bit for bit), with the
    /// rank-1 downdate and the forgetting fused into one pass over `P`.
    private mutating func updateSmall(_ phi: [Double], target y: Double, innovationLimit: Double) -> Double {
        let n = theta.count
        let forgetting = forgetting
        let innovation = y - predict(phi)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, n)) { g in
            p.withUnsafeMutableBufferPointer { p in
                phi.withUnsafeBufferPointer { x in
                    // g = P φ from the upper triangle (`BLAS.symv`).
                    for i in 0..<n {
                        var sum = 0.0
                        for j in 0..<i { sum += p[j * n + i] * x[j] }
                        for j in i..<n { sum += p[i * n + j] * x[j] }
                        g[i] = sum
                    }
                    var leverage = 0.0
                    for i in 0..<n { leverage += x[i] * g[i] }
                    let denominator = forgetting + max(0, leverage)
                    let clipped = max(-innovationLimit, min(innovationLimit, innovation))
                    let step = clipped / denominator
                    theta.withUnsafeMutableBufferPointer { theta in
                        for i in 0..<n { theta[i] += g[i] * step }
                    }
                    // P ← (P − g gᵀ / denominator) / λ, written to both triangles (`BLAS.syr`).
                    let alpha = -1 / denominator
                    let inverseForgetting = 1 / forgetting
                    for i in 0..<n {
                        let scaled = alpha * g[i]
                        for j in i..<n {
                            let value = (p[i * n + j] + scaled * g[j]) * inverseForgetting
                            p[i * n + j] = value
                            p[j * n + i] = value
                        }
                    }
                }
            }
        }
        boundCovariance()
        updates += 1
        return innovation
    }

    /// Floors and caps the diagonal of `P` (see the type's documentation).
    private mutating func boundCovariance() {
        let n = theta.count
        let floor = 1e-9 * priorVariance
        let cap = priorVariance
        p.withUnsafeMutableBufferPointer { p in
            for i in 0..<n {
                let diagonal = p[i * n + i]
                if diagonal < floor {
                    p[i * n + i] = floor
                } else if diagonal > cap {
                    let factor = (cap / diagonal).squareRoot()
                    for j in 0..<n {
                        p[i * n + j] *= factor
                        p[j * n + i] *= factor
                    }
                }
            }
        }
    }
}
