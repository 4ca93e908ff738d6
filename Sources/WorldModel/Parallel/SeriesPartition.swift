import Synchronization

/// Splits one step's per-series work across the machine's two cores.
///
/// Within one closed step, the work of a series (its RLS update, state, profile, health
/// baselines, calibrator scoring and recording) reads and writes only that series' own state,
/// plus values every series only reads (the step, the layout, the clock). `run` cuts the
/// series into contiguous chunks that the caller and the `PartitionWorker`'s thread claim one
/// at a time until none is left; each series' arithmetic is the serial path's, so the results
/// are identical bit for bit whoever runs it. Anything shared across series (reductions,
/// dictionaries, counts) stays outside, serial.
///
/// Claiming chunks keeps a busy machine from making a step slower: if the worker's thread is
/// not scheduled in time, the caller runs every chunk and withdraws the job.
enum SeriesPartition {
    /// Fewest series for which a step's work is split by default: handing a job to the other
    /// thread and back costs a few microseconds, a series' learn-only work about 0.3 µs.
    static let defaultMinimumSeries = 64
    /// Chunks per parallel region: small enough that the two threads end close together.
    static let chunksPerRegion = 8

    /// Calls `body(c)` exactly once for every chunk `c` in `0..<chunks`: on the caller and, with
    /// a worker, also on its thread; returns when every call has returned.
    static func run(chunks: Int, worker: PartitionWorker?, _ body: @Sendable (Int) -> Void) {
        guard let worker, chunks > 1 else {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        guard chunks <= ChunkClaims.capacity else {
            // More chunks than the claim mask holds: serially (callers use `chunksPerRegion`).
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        let claims = ChunkClaims()
        worker.run { isCaller in claims.claimAll(chunks, fromFront: isCaller, body) }
    }

    /// `chunks + 1` ascending positions cutting `0..<count` into about `chunks` equal ranges,
    /// each cut moved forward to where `zoneIndex` changes (a zone's series stay in one chunk,
    /// so a per-zone flag is set by one thread). Starts with 0, ends with `count`.
    static func boundaries(count: Int, chunks: Int, zoneIndex: ((Int) -> Int)? = nil) -> [Int] {
        var result = [0]
        for c in 1..<max(1, chunks) {
            var cut = max(result[result.count - 1], count * c / chunks)
            if let zoneIndex {
                while cut > 0 && cut < count && zoneIndex(cut) == zoneIndex(cut - 1) { cut += 1 }
            }
            if cut > result[result.count - 1] && cut < count { result.append(cut) }
        }
        result.append(count)
        return result
    }
}

/// The chunks of one `SeriesPartition.run` claimed so far, one bit each. The caller claims
/// from the first chunk on, the worker from the last one back, each until it meets a chunk
/// already claimed: in steady state each thread runs mostly the same series every step (its
/// caches keep them), and a late worker leaves every chunk to the caller.
private final class ChunkClaims: Sendable {
    static let capacity = 64
    private let claimed = Atomic<UInt64>(0)

    func claimAll(_ chunks: Int, fromFront: Bool, _ body: (Int) -> Void) {
        for i in 0..<chunks {
            let chunk = fromFront ? i : chunks - 1 - i
            let bit: UInt64 = 1 << UInt64(chunk)
            guard claimed.bitwiseOr(bit, ordering: .relaxed).oldValue & bit == 0 else { return }
            body(chunk)
        }
    }
}

/// The elements of an array while `SeriesPartition.run` works on them: a base address shared
/// by its two workers.
///
/// `@unchecked Sendable` because each chunk is run by one thread, which reads and writes only
/// the elements of its chunk (chunks are disjoint), and the address is valid only inside the
/// array's `withUnsafeMutableBufferPointer` that made it, which outlives `run`. Never stored.
struct PartitionedBuffer<Element: Sendable>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<Element>?
    let count: Int

    init(_ buffer: UnsafeMutableBufferPointer<Element>) {
        base = buffer.baseAddress
        count = buffer.count
    }

    subscript(index: Int) -> Element {
        unsafeAddress {
            precondition(index >= 0 && index < count)
            return UnsafePointer(base.unsafelyUnwrapped + index)
        }
        nonmutating unsafeMutableAddress {
            precondition(index >= 0 && index < count)
            return base.unsafelyUnwrapped + index
        }
    }
}
