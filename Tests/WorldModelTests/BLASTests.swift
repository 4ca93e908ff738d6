import Testing

@testable import WorldModel

@Suite struct BLASTests {
    var generator = SeededGenerator(seed: 7)

    mutating func random(_ count: Int) -> [Double] {
        (0..<count).map { _ in generator.uniform() * 2 - 1 }
    }

    static func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-10) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test mutating func gemvMatchesReference() {
        let (m, n) = (5, 7)
        let a = random(m * n)
        let x = random(n)
        var y = random(m)
        var expected = y
        for i in 0..<m {
            var sum = 0.0
            for j in 0..<n { sum += a[i * n + j] * x[j] }
            expected[i] = 2 * sum + 0.5 * expected[i]
        }
        BLAS.gemv(m: m, n: n, alpha: 2, a: a, x: x, beta: 0.5, y: &y)
        #expect(Self.close(y, expected))
    }

    @Test mutating func gemmMatchesReference() {
        let (m, n, k) = (4, 3, 6)
        let a = random(m * k)
        let b = random(k * n)
        var c = random(m * n)
        var expected = c
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0
                for l in 0..<k { sum += a[i * k + l] * b[l * n + j] }
                expected[i * n + j] = sum - expected[i * n + j]
            }
        }
        BLAS.gemm(m: m, n: n, k: k, a: a, b: b, beta: -1, c: &c)
        #expect(Self.close(c, expected))
    }

    @Test mutating func symvSyrAndGerMatchReference() {
        let n = 6
        let base = random(n * n)
        var s = Array(repeating: 0.0, count: n * n)
        for i in 0..<n { for j in 0..<n { s[i * n + j] = base[i * n + j] + base[j * n + i] } }
        let x = random(n)
        var y = Array(repeating: 0.0, count: n)
        BLAS.symv(n: n, a: s, x: x, y: &y)
        let expectedY = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + s[i * n + $1] * x[$1] } }
        #expect(Self.close(y, expectedY))

        var updated = s
        BLAS.syr(n: n, alpha: -0.7, x: x, a: &updated)
        var expected = s
        for i in 0..<n { for j in 0..<n { expected[i * n + j] += -0.7 * x[i] * x[j] } }
        #expect(Self.close(updated, expected))
        for i in 0..<n { for j in 0..<n { #expect(updated[i * n + j] == updated[j * n + i]) } }

        let z = random(n)
        var general = s
        BLAS.ger(m: n, n: n, alpha: 1.5, x: x, y: z, a: &general)
        var expectedGeneral = s
        for i in 0..<n { for j in 0..<n { expectedGeneral[i * n + j] += 1.5 * x[i] * z[j] } }
        #expect(Self.close(general, expectedGeneral))
        #expect(abs(BLAS.dot(x, z) - zip(x, z).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-12)
    }

    @Test mutating func choleskySolveMatchesReference() {
        let n = 5
        let m = random(n * n)
        var spd = Array(repeating: 0.0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                spd[i * n + j] = (0..<n).reduce(0.0) { $0 + m[i * n + $1] * m[j * n + $1] } + (i == j ? 1 : 0)
            }
        }
        let b = random(n)
        let x = BLAS.choleskySolve(n: n, a: spd, b: b)
        #expect(x != nil)
        let product = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + spd[i * n + $1] * x![$1] } }
        #expect(Self.close(product, b, tolerance: 1e-9))
        let indefinite = [1.0, 2, 2, 1]
        #expect(BLAS.choleskySolve(n: 2, a: indefinite, b: [1, 1]) == nil)
    }

    /// Above `BLAS.smallWork` the CBLAS routines run; they agree with the Swift loops' results.
    @Test mutating func largeProblemsUseCBLASAndAgreeWithTheLoops() {
        let n = 70
        #expect(n * n > BLAS.smallWork)
        let base = random(n * n)
        var s = Array(repeating: 0.0, count: n * n)
        for i in 0..<n { for j in 0..<n { s[i * n + j] = base[i * n + j] + base[j * n + i] } }
        let x = random(n)
        var y = Array(repeating: 0.0, count: n)
        BLAS.symv(n: n, a: s, x: x, y: &y)
        let expectedY = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + s[i * n + $1] * x[$1] } }
        #expect(Self.close(y, expectedY))
        var updated = s
        BLAS.syr(n: n, alpha: 0.3, x: x, a: &updated)
        for i in 0..<n {
            for j in 0..<n {
                #expect(abs(updated[i * n + j] - (s[i * n + j] + 0.3 * x[i] * x[j])) <= 1e-12)
                #expect(updated[i * n + j] == updated[j * n + i])
            }
        }
        let (m, k, w) = (20, 20, 20)
        let a = random(m * k)
        let b = random(k * w)
        var c = Array(repeating: 0.0, count: m * w)
        BLAS.gemm(m: m, n: w, k: k, a: a, b: b, c: &c)
        var expected = c
        for i in 0..<m {
            for j in 0..<w { expected[i * w + j] = (0..<k).reduce(0.0) { $0 + a[i * k + $1] * b[$1 * w + j] } }
        }
        #expect(Self.close(c, expected))
    }

    /// Equal columns of a small `gemm` give equal results bit for bit (scenario baselines).
    @Test mutating func smallGemmGivesEqualColumnsEqualResults() {
        let k = 14
        let a = random(k)
        let column = random(k)
        var b = Array(repeating: 0.0, count: k * 3)
        for l in 0..<k { for j in 0..<3 { b[l * 3 + j] = column[l] } }
        var c = Array(repeating: 0.0, count: 3)
        BLAS.gemm(m: 1, n: 3, k: k, a: a, b: b, c: &c)
        #expect(c[0] == c[1] && c[1] == c[2])
        #expect(c[0] == BLAS.dot(a, column))
    }

    @Test func recursiveLeastSquaresRecoversCoefficients() {
        var generator = SeededGenerator(seed: 3)
        var rls = RecursiveLeastSquares(dimension: 3, forgetting: 0.999)
        let truth = [0.5, -1.2, 2.0]
        for _ in 0..<2_000 {
            let phi = [1, generator.gaussian(), generator.gaussian()]
            let y = zip(truth, phi).reduce(0) { $0 + $1.0 * $1.1 } + 0.01 * generator.gaussian()
            rls.update(phi, target: y)
        }
        #expect(Self.close(rls.theta, truth, tolerance: 0.01))
        let n = rls.dimension
        for i in 0..<n { for j in 0..<n { #expect(rls.p[i * n + j] == rls.p[j * n + i]) } }
    }
}
