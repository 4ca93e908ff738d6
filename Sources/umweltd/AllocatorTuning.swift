#if canImport(Glibc)
    import Glibc
#endif

/// How the daemon sets up the C allocator before it starts.
enum AllocatorTuning {
    /// Blocks of this size and up are mapped on their own and returned to the system when freed.
    static let mmapThresholdBytes: Int32 = 1 << 20
    /// glibc's `M_MMAP_THRESHOLD` (`<malloc.h>`, which the Glibc module does not export).
    static let mmapThresholdParameter: Int32 = -3

    /// Fixes glibc's mmap threshold at `mmapThresholdBytes`; returns whether it was set.
    ///
    /// By default glibc raises the threshold (up to 32 MiB) each time a mapped block is freed, so
    /// after the first checkpoint (a few MB of JSON for a large twin) or scenario answer, such
    /// blocks come from the per-thread heaps and their pages stay resident: RSS rose in one late
    /// jump of about 5 MB in the 50-zone soak (`ReliabilitySoakTests`). A fixed threshold keeps
    /// large, short-lived buffers out of the heaps; they cost one mmap/munmap each. Looked up
    /// at run time, so another C library simply keeps its defaults.
    @discardableResult
    static func apply() -> Bool {
        #if canImport(Glibc)
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            return mallopt(mmapThresholdParameter, mmapThresholdBytes) == 1
        #else
            return false
        #endif
    }
}
