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
    ///
    /// `P` is exactly symmetric (every update writes both triangles with one value), so both
    /// passes read it by rows: `g = Pφ` sums row i in the order of `BLAS.symv`'s upper-triangle
    /// walk (the same products, since `P[j][i] == P[i][j]`), four rows at a time; the downdate
    /// computes element (r, c) from the upper triangle's operands, `α g[min] · g[max]`.
    private mutating func updateSmall(_ phi: [Double], target y: Double, innovationLimit: Double) -> Double {
        let n = theta.count
        let forgetting = forgetting
        let innovation = y - predict(phi)
        withUnsafeTemporaryAllocation(of: Double.self, capacity: max(1, 2 * n)) { buffer in
            let g = UnsafeMutableBufferPointer(rebasing: buffer[0..<n])
            let scaled = UnsafeMutableBufferPointer(rebasing: buffer[n..<(2 * n)])
            p.withUnsafeMutableBufferPointer { p in
                phi.withUnsafeBufferPointer { x in
                    // g = P φ (`BLAS.symv`).
                    var i = 0
                    while i + 4 <= n {
                        var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
                        for j in 0..<n {
                            s0 += p[i * n + j] * x[j]
                            s1 += p[(i + 1) * n + j] * x[j]
                            s2 += p[(i + 2) * n + j] * x[j]
                            s3 += p[(i + 3) * n + j] * x[j]
                        }
                        (g[i], g[i + 1], g[i + 2], g[i + 3]) = (s0, s1, s2, s3)
                        i += 4
                    }
                    while i < n {
                        var sum = 0.0
                        for j in 0..<n { sum += p[i * n + j] * x[j] }
                        g[i] = sum
                        i += 1
                    }
                    var leverage = 0.0
                    for i in 0..<n { leverage += x[i] * g[i] }
                    let denominator = forgetting + max(0, leverage)
                    let clipped = max(-innovationLimit, min(innovationLimit, innovation))
                    let step = clipped / denominator
                    theta.withUnsafeMutableBufferPointer { theta in
                        for i in 0..<n { theta[i] += g[i] * step }
                    }
                    // P ← (P − g gᵀ / denominator) / λ, both triangles alike (`BLAS.syr`).
                    let alpha = -1 / denominator
                    let inverseForgetting = 1 / forgetting
                    for i in 0..<n { scaled[i] = alpha * g[i] }
                    for r in 0..<n {
                        let row = r * n
                        let gr = g[r]
                        for c in 0..<r { p[row + c] = (p[row + c] + scaled[c] * gr) * inverseForgetting }
                        let sr = scaled[r]
                        for c in r..<n { p[row + c] = (p[row + c] + sr * g[c]) * inverseForgetting }
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
