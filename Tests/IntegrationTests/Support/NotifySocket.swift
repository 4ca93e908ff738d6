import Foundation

/// An `AF_UNIX` datagram socket standing in for systemd's notification socket: pass
/// `path` as `NOTIFY_SOCKET` to a child and read what it sends with `next(timeout:)`.
///
/// `@unchecked Sendable`: the descriptor is only read by one test at a time.
final class NotifySocket: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init() throws {
        path = "/tmp/umwelt-notify-\(UUID().uuidString.prefix(8)).sock"
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw HarnessError("socket(AF_UNIX) failed") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            throw HarnessError("cannot bind \(path): \(String(cString: strerror(errno)))")
        }
        var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The next datagram, or nil when none arrives within `timeout`.
    func next(timeout: Duration) -> String? {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var buffer = [UInt8](repeating: 0, count: 4096)
        while clock.now < deadline {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return String(decoding: buffer[..<count], as: UTF8.self) }
        }
        return nil
    }

    /// Reads datagrams until one has a line satisfying `predicate`; returns every datagram read.
    func waitFor(
        timeout: Duration,
        _ predicate: (String) -> Bool
    ) -> (found: Bool, messages: [String]) {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        var messages: [String] = []
        while clock.now < deadline {
            guard let message = next(timeout: deadline - clock.now) else { break }
            messages.append(message)
            if message.split(separator: "\n").contains(where: { predicate(String($0)) }) {
                return (true, messages)
            }
        }
        return (false, messages)
    }
}
