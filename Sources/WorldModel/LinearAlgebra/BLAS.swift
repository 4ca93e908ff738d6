import COpenBLAS

/// Named wrappers over the few CBLAS and LAPACKE routines the model uses.
///
/// Every matrix is a flat `[Double]` in row-major order with explicit dimensions; vectors have
/// unit stride. OpenBLAS level-2 routines on the small sizes used here run on the calling
/// thread, so results are deterministic for a given build of the library.
///
/// Small problems (at most `smallWork` multiply-adds, the model's per-series sizes) run as
/// plain Swift loops in a fixed summation order instead: for a 14-feature series a CBLAS call
/// (argument checks, and for `dgemm` the threaded driver's buffer locks) costs more than the
/// arithmetic. The loops are deterministic, and every column of a `gemm` gets the same
/// sequence of operations, so equal columns give equal results bit for bit.
enum BLAS {
    /// Problems up to this many multiply-adds use the Swift loops.
    static let smallWork = 4_096

    /// `x · y` for vectors of equal length.
    static func dot(_ x: [Double], _ y: [Double]) -> Double {
        precondition(x.count == y.count)
        if x.count <= smallWork {
            var sum = 0.0
            x.withUnsafeBufferPointer { x in
                y.withUnsafeBufferPointer { y in
                    for i in 0..<x.count { sum += x[i] * y[i] }
                }
            }
            return sum
        }
        return cblas_ddot(Int32(x.count), x, 1, y, 1)
    }

    /// `y ← α A x + β y` with `A` of size m×n.
    static func gemv(
        m: Int, n: Int, alpha: Double = 1, a: [Double], x: [Double], beta: Double = 0, y: inout [Double]
    ) {
        precondition(a.count == m * n && x.count == n && y.count == m)
        if m * n <= smallWork {
            a.withUnsafeBufferPointer { a in
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeMutableBufferPointer { y in
                        for i in 0..<m {
                            var sum = 0.0
                            for j in 0..<n { sum += a[i * n + j] * x[j] }
                            y[i] = beta == 0 ? alpha * sum : alpha * sum + beta * y[i]
                        }
                    }
                }
            }
            return
        }
        cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(n), x, 1, beta, &y, 1)
    }

    /// `y ← α A x + β y` with `A` symmetric n×n; only the upper triangle is read.
    static func symv(n: Int, alpha: Double = 1, a: [Double], x: [Double], beta: Double = 0, y: inout [Double]) {
        precondition(a.count == n * n && x.count == n && y.count == n)
        if n * n <= smallWork {
            a.withUnsafeBufferPointer { a in
                x.withUnsafeBufferPointer { x in
                    y.withUnsafeMutableBufferPointer { y in
                        for i in 0..<n {
                            var sum = 0.0
                            // Upper triangle only: row i left of the diagonal is column i above it.
                            for j in 0..<i { sum += a[j * n + i] * x[j] }
                            for j in i..<n { sum += a[i * n + j] * x[j] }
                            y[i] = beta == 0 ? alpha * sum : alpha * sum + beta * y[i]
                        }
                    }
                }
            }
            return
        }
        cblas_dsymv(CblasRowMajor, CblasUpper, Int32(n), alpha, a, Int32(n), x, 1, beta, &y, 1)
    }

    /// Symmetric rank-1 update `A ← A + α x xᵀ` of an n×n matrix, written to both triangles.
    ///
    /// BLAS `dsyr` updates the upper triangle; the lower one is mirrored so that `A` stays
    /// exactly symmetric.
    static func syr(n: Int, alpha: Double, x: [Double], a: inout [Double]) {
        precondition(a.count == n * n && x.count == n)
        if n * n <= smallWork {
            x.withUnsafeBufferPointer { x in
                a.withUnsafeMutableBufferPointer { a in
                    for i in 0..<n {
                        let scaled = alpha * x[i]
                        for j in i..<n {
                            let value = a[i * n + j] + scaled * x[j]
                            a[i * n + j] = value
                            a[j * n + i] = value
                        }
                    }
                }
            }
            return
        }
        cblas_dsyr(CblasRowMajor, CblasUpper, Int32(n), alpha, x, 1, &a, Int32(n))
        for i in 0..<n {
            for j in 0..<i { a[i * n + j] = a[j * n + i] }
        }
    }

    /// General rank-1 update `A ← A + α x yᵀ` with `A` of size m×n.
    static func ger(m: Int, n: Int, alpha: Double, x: [Double], y: [Double], a: inout [Double]) {
        precondition(a.count == m * n && x.count == m && y.count == n)
        cblas_dger(CblasRowMajor, Int32(m), Int32(n), alpha, x, 1, y, 1, &a, Int32(n))
    }

    /// `C ← α A B + β C` with `A` m×k, `B` k×n, `C` m×n.
    static func gemm(
        m: Int, n: Int, k: Int, alpha: Double = 1, a: [Double], b: [Double], beta: Double = 0, c: inout [Double]
    ) {
        precondition(a.count == m * k && b.count == k * n && c.count == m * n)
        if m * n * k <= smallWork {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        for i in 0..<m {
                            for j in 0..<n {
                                var sum = 0.0
                                for l in 0..<k { sum += a[i * k + l] * b[l * n + j] }
                                c[i * n + j] = beta == 0 ? alpha * sum : alpha * sum + beta * c[i * n + j]
                            }
                        }
                    }
                }
            }
            return
        }
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(k), b, Int32(n), beta, &c, Int32(n)
        )
    }

    /// Solves `A X = B` for symmetric positive definite `A` (n×n) and `B` (n×nrhs) by Cholesky
    /// factorisation (LAPACKE `dposv`). Returns nil when `A` is not positive definite.
    static func choleskySolve(n: Int, a: [Double], b: [Double], nrhs: Int = 1) -> [Double]? {
        precondition(a.count == n * n && b.count == n * nrhs)
        var factor = a
        var solution = b
        let info = LAPACKE_dposv(
            LAPACK_ROW_MAJOR, Int8(UInt8(ascii: "U")), Int32(n), Int32(nrhs), &factor, Int32(n), &solution, Int32(nrhs)
        )
        return info == 0 ? solution : nil
    }
}
