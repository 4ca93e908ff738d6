import COpenBLAS

extension BLAS {
    /// `C = A B` for row-major A (m×k), B (k×n), C (m×n) at pointers: the rollout's per-step
    /// product without array copies. Small products multiply in place, as `gemm` does.
    static func gemm(
        m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>
    ) {
        if m * n * k <= smallWork {
            for i in 0..<m {
                for j in 0..<n {
                    var sum = 0.0
                    for l in 0..<k { sum += a[i * k + l] * b[l * n + j] }
                    c[i * n + j] = sum
                }
            }
            return
        }
        cblas_dgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0,
            c, Int32(n))
    }
}
