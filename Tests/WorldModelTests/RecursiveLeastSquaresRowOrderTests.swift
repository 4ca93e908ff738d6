import Testing

@testable import WorldModel

/// The row-wise RLS update gives, bit for bit, what the triangle-walking loops gave
/// (`BLAS.symv` and `BLAS.syr` order), with `P` exactly symmetric throughout.
@Suite struct RecursiveLeastSquaresRowOrderTests {
    @Test(arguments: [3, 4, 10, 11, 13])
    func rowOrderUpdateMatchesTriangleLoops(dimension n: Int) {
        var generator = SeededGenerator(seed: UInt64(n))
        var rls = RecursiveLeastSquares(dimension: n, forgetting: 0.995)
        var reference = TriangleRLS(dimension: n, forgetting: 0.995, priorVariance: 10)
        for step in 0..<3_000 {
            // Some directions rarely excited, so the covariance cap and floor both act.
            let phi = (0..<n).map { j in j == 0 ? 1 : (j % 3 == 0 && step % 50 != 0 ? 0 : generator.gaussian()) }
            let y = 0.3 * phi[min(1, n - 1)] + 0.1 * generator.gaussian() + (step % 997 == 0 ? 40 : 0)
            let limit = step > 20 ? 2.0 : .infinity
            let innovation = rls.update(phi, target: y, innovationLimit: limit)
            #expect(innovation == reference.update(phi, target: y, innovationLimit: limit))
        }
        #expect(rls.theta == reference.theta)
        #expect(rls.p == reference.p)
        for i in 0..<n { for j in 0..<n { #expect(rls.p[i * n + j] == rls.p[j * n + i]) } }
    }
}

/// The previous `RecursiveLeastSquares.updateSmall` loops: `g` from the upper triangle by
/// columns below the diagonal, the downdate written to both triangles from the upper one.
private struct TriangleRLS {
    var theta: [Double]
    var p: [Double]
    let forgetting: Double
    let priorVariance: Double
    var updates = 0

    init(dimension n: Int, forgetting: Double, priorVariance: Double) {
        theta = Array(repeating: 0, count: n)
        p = Array(repeating: 0, count: n * n)
        for i in 0..<n { p[i * n + i] = priorVariance }
        self.forgetting = forgetting
        self.priorVariance = priorVariance
    }

    mutating func update(_ x: [Double], target y: Double, innovationLimit: Double) -> Double {
        let n = theta.count
        var prediction = 0.0
        for i in 0..<n { prediction += theta[i] * x[i] }
        let innovation = y - prediction
        var g = [Double](repeating: 0, count: n)
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
        for i in 0..<n { theta[i] += g[i] * step }
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
        let floor = 1e-9 * priorVariance
        for i in 0..<n {
            let diagonal = p[i * n + i]
            if diagonal < floor {
                p[i * n + i] = floor
            } else if diagonal > priorVariance {
                let factor = (priorVariance / diagonal).squareRoot()
                for j in 0..<n {
                    p[i * n + j] *= factor
                    p[j * n + i] *= factor
                }
            }
        }
        updates += 1
        return innovation
    }
}
