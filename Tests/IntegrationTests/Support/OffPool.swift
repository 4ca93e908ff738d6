import Foundation

/// Blocking work (waiting for a child process, polling a port) moved off Swift's cooperative
/// thread pool.
///
/// The pool has one thread per core: two on the CI machine. An async test that blocks one of
/// them in `waitUntilExit` or a `usleep` loop for seconds starves every other test running in
/// parallel, whose timers (`Task.sleep`, connect timeouts) then fire tens of seconds late.
/// Each call here gets a thread of its own instead, and the caller suspends until it ends.
enum OffPool {
    /// Runs `body` on a new thread; its result or error.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.start()
        }
    }

    /// Runs `body` on a new thread; its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: body()) }
            thread.start()
        }
    }
}

extension Process {
    /// Waits for the process to end without blocking a cooperative thread; its exit status.
    func exitStatus() async -> Int32 {
        await OffPool.run { [self] in
            waitUntilExit()
            return terminationStatus
        }
    }
}
