import Foundation
import UmweltCore

/// Which of the twin files one daemon serves, so that several daemons can share a fleet.
///
/// Every daemon loads the same twins directory; each keeps the twins of its partition and
/// subscribes only to their topics. A partition is an explicit list of twin ids
/// (`--twins-only a,b`, config `twins_only`), a shard of a stable hash
/// (`--shard i/n`, config `shard`), or both (a twin must pass both). The hash is the 64-bit
/// FNV-1a of the twin id's UTF-8 bytes modulo `n`: stable across processes, machines and
/// releases (Swift's `Hasher` is seeded per process and cannot be used).
public struct TwinSelection: Sendable, Hashable {
    /// Shard `index` of `count` (0 <= index < count).
    public struct Shard: Sendable, Hashable, CustomStringConvertible {
        public var index: Int
        public var count: Int

        public init(index: Int, count: Int) {
            self.index = index
            self.count = count
        }

        /// Parses `i/n` with 0 <= i < n; nil for anything else.
        public init?(parsing text: String) {
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == 2,
                let index = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                let count = Int(parts[1].trimmingCharacters(in: .whitespaces)),
                count >= 1, (0..<count).contains(index)
            else { return nil }
            self.init(index: index, count: count)
        }

        public var description: String { "\(index)/\(count)" }
    }

    /// Explicit twin ids to serve (nil: no restriction).
    public var only: Set<String>?
    /// Hash partition to serve (nil: no restriction).
    public var shard: Shard?

    public init(only: Set<String>? = nil, shard: Shard? = nil) {
        self.only = only
        self.shard = shard
    }

    /// Whether this daemon has no restriction (serves every twin file).
    public var isAll: Bool { only == nil && shard == nil }

    /// Whether this daemon serves the twin `id`.
    public func includes(_ id: String) -> Bool {
        if let only, !only.contains(id) { return false }
        if let shard, Self.shardIndex(of: id, count: shard.count) != shard.index { return false }
        return true
    }

    /// The shard (0..<count) that owns twin `id`: FNV-1a 64 of its UTF-8 bytes, modulo `count`.
    public static func shardIndex(of id: String, count: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01b3
        }
        return Int(h % UInt64(max(1, count)))
    }

    /// Parses a comma-separated list of twin ids (`a,b, c`); nil when it names none.
    public static func parseList(_ text: String) -> Set<String>? {
        let ids = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return ids.isEmpty ? nil : Set(ids)
    }
}

extension TwinSelection {
    /// The twins of `all` this daemon serves, in their order.
    ///
    /// - Throws: `ConfigurationError` when `only` names a twin that has no file, or when
    ///   the selection keeps none of the twins (a daemon with nothing to do is a mistake
    ///   in the fleet's configuration, not a state to run in).
    func select(_ all: [TwinDefinition], source: String) throws -> [TwinDefinition] {
        guard !isAll else { return all }
        let known = Set(all.map(\.id))
        if let only {
            let unknown = only.subtracting(known)
            guard unknown.isEmpty else {
                throw ConfigurationError(
                    source: source,
                    field: "twins_only",
                    reason: "no twin file for \(unknown.sorted().joined(separator: ", ")); known: "
                        + known.sorted().joined(separator: ", ")
                )
            }
        }
        let selected = all.filter { includes($0.id) }
        guard !selected.isEmpty else {
            throw ConfigurationError(
                source: source,
                field: shard == nil ? "twins_only" : "shard",
                reason: "selects none of the twins \(known.sorted().joined(separator: ", "))"
                    + (shard.map { " (shard \($0))" } ?? "")
            )
        }
        return selected
    }
}
