import Foundation
import Synchronization

/// A second thread for `SeriesPartition`: claims chunks of a step's per-series work while the
/// caller claims the others.
///
/// Why not `DispatchQueue.concurrentPerform`: called from a Swift concurrency thread (a twin's
/// actor, `umwelt backtest`), it runs every iteration on the calling thread. The thread is
/// started on the first job and ends after `idleSeconds` without one, so an idle model holds
/// none. Copies of a model share their worker; jobs from two copies run one after the other.
final class PartitionWorker: Sendable {
    /// How long the thread waits for the next job before it ends.
    static let idleSeconds = 0.5

    private let channel = PartitionChannel()

    init() {}

    deinit { channel.close() }

    /// Runs `shared(true)` on the calling thread and `shared(false)` on the worker thread at
    /// once, and returns when both have returned; if the worker thread has not started by the
    /// time the caller's call returns, its call is withdrawn instead (`shared(true)` must then
    /// have done all the work).
    func run(_ shared: @Sendable (_ isCaller: Bool) -> Void) {
        withoutActuallyEscaping(shared) { shared in
            channel.exclusive.lock()
            defer { channel.exclusive.unlock() }
            channel.submit { shared(false) }
            shared(true)
            channel.withdrawOrWait()
        }
    }
}

/// The job slot between a `PartitionWorker` and its thread.
///
/// `@unchecked Sendable`: every mutable field is read and written only with `condition`
/// locked; `exclusive` keeps a second job out until the first has finished or been
/// withdrawn, so a submitted closure (which may refer to its caller's stack) never outlives
/// its `run`. Two atomic flags mirror `job != nil` and `isPending` so that both sides first
/// spin briefly (a step hands over several jobs microseconds apart; waking a sleeping thread
/// costs more), then sleep.
private final class PartitionChannel: @unchecked Sendable {
    /// Spins (flag loads) before sleeping: some tens of microseconds, the gaps between the
    /// parallel regions of one training step. (200,000, bridging a learn-only step's serial
    /// aggregation too, burnt the second core for mixed results on a shared machine.)
    static let spins = 20_000

    let exclusive = NSLock()
    private let condition = NSCondition()
    private var job: (@Sendable () -> Void)?
    private var isPending = false
    private var isThreadRunning = false
    private var isClosed = false
    private let hasJob = Atomic<Bool>(false)
    private let isDone = Atomic<Bool>(true)

    func submit(_ work: @escaping @Sendable () -> Void) {
        condition.lock()
        job = work
        isPending = true
        isDone.store(false, ordering: .sequentiallyConsistent)
        hasJob.store(true, ordering: .sequentiallyConsistent)
        if !isThreadRunning {
            isThreadRunning = true
            let thread = Thread { [self] in serve() }
            thread.name = "umwelt-partition"
            thread.start()
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Removes the job if the thread has not taken it, else waits until it has finished.
    func withdrawOrWait() {
        condition.lock()
        if job != nil {
            job = nil
            hasJob.store(false, ordering: .sequentiallyConsistent)
            isPending = false
            isDone.store(true, ordering: .releasing)
            condition.unlock()
            return
        }
        condition.unlock()
        for _ in 0..<Self.spins where isDone.load(ordering: .acquiring) { return }
        condition.lock()
        while isPending { condition.wait() }
        condition.unlock()
    }

    /// Takes the job (`condition` locked), runs it unlocked and locks again. The closure is
    /// released before this returns, so before `waitUntilDone` can: `withoutActuallyEscaping`
    /// checks that nothing still holds it.
    @inline(never)
    private func runJob() {
        guard let work = job else { return }
        job = nil
        hasJob.store(false, ordering: .sequentiallyConsistent)
        condition.unlock()
        work()
        condition.lock()
    }

    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The thread's loop: runs jobs until closed or idle for `PartitionWorker.idleSeconds`.
    private func serve() {
        condition.lock()
        while true {
            if job != nil {
                runJob()
                isPending = false
                isDone.store(true, ordering: .releasing)
                condition.broadcast()
                condition.unlock()
                for _ in 0..<Self.spins where hasJob.load(ordering: .acquiring) { break }
                condition.lock()
                continue
            }
            let deadline = Date(timeIntervalSinceNow: PartitionWorker.idleSeconds)
            if isClosed || (!condition.wait(until: deadline) && job == nil) {
                isThreadRunning = false
                condition.unlock()
                return
            }
        }
    }
}
