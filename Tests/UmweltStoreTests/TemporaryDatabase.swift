import Foundation
import UmweltStore

/// Runs `body` with the path of a database file in a fresh temporary directory, removed afterwards.
func withTemporaryDatabasePath(_ body: (String) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("umwelt-store-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory.appendingPathComponent("state.sqlite").path)
}

/// Runs `body` with a store opened on a fresh temporary file, closed and removed afterwards.
func withTemporaryStore(_ body: (StateStore) async throws -> Void) async throws {
    try await withTemporaryDatabasePath { path in
        let store = try StateStore(path: path)
        defer { try? store.close() }
        try await body(store)
    }
}

/// Uppercase hex of `bytes`, for SQL blob literals `X'…'`.
func hexLiteral(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789ABCDEF")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0f)]] })
}
