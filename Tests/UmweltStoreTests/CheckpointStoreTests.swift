import Testing

@testable import UmweltStore

@Suite struct CheckpointStoreTests {
    /// A payload whose checksum has the top bit set, so it is stored as a negative Int64.
    private static func payloadWithHighChecksumBit() throws -> [UInt8] {
        let candidates = (0..<1_000).lazy.map { Array("model state \($0)".utf8) }
        return try #require(candidates.first { Checkpoint.checksum(of: $0) >= 1 << 63 })
    }

    @Test func checkpointRoundTripsIncludingHighChecksumBit() async throws {
        try await withTemporaryStore { store in
            let payload = try Self.payloadWithHighChecksumBit()
            let checkpoint = Checkpoint.make(
                twin: "office", createdAt: 1_000, modelVersion: 3, lastStep: 900, payload: payload)
            #expect(checkpoint.checksum >= 1 << 63)
            try await store.saveCheckpoint(checkpoint)

            let load = try #require(try await store.latestCheckpoint(twin: "office"))
            #expect(load.checkpoint == checkpoint)
            #expect(load.skippedCorrupt == 0)
            #expect(try await store.latestCheckpoint(twin: "lab") == nil)
        }
    }

    @Test func checkpointWithoutLastStepRoundTrips() async throws {
        try await withTemporaryStore { store in
            let checkpoint = Checkpoint.make(twin: "office", createdAt: 5, modelVersion: 1, lastStep: nil, payload: [])
            try await store.saveCheckpoint(checkpoint)
            #expect(try await store.latestCheckpoint(twin: "office")?.checkpoint == checkpoint)
        }
    }

    @Test func keepsNewestThreeCheckpointsPerTwin() async throws {
        try await withTemporaryStore { store in
            for index in 1...5 {
                try await store.saveCheckpoint(
                    .make(
                        twin: "office", createdAt: Double(index * 100), modelVersion: 1, lastStep: nil,
                        payload: [UInt8(index)])
                )
            }
            for index in 1...2 {
                try await store.saveCheckpoint(
                    .make(
                        twin: "lab", createdAt: Double(index), modelVersion: 1, lastStep: nil, payload: [UInt8(index)])
                )
            }
            #expect(try await store.fetchRawInteger("SELECT count(*) FROM checkpoints WHERE twin = 'office'") == 3)
            #expect(
                try await store.fetchRawInteger("SELECT min(created_at) FROM checkpoints WHERE twin = 'office'") == 300)
            #expect(try await store.fetchRawInteger("SELECT count(*) FROM checkpoints WHERE twin = 'lab'") == 2)
            #expect(try await store.latestCheckpoint(twin: "office")?.checkpoint.payload == [5])
        }
    }

    @Test func corruptNewestCheckpointIsSkippedForThePreviousOne() async throws {
        try await withTemporaryStore { store in
            let older = Checkpoint.make(
                twin: "office", createdAt: 100, modelVersion: 2, lastStep: 60, payload: Array("older".utf8))
            let newer = Checkpoint.make(
                twin: "office", createdAt: 200, modelVersion: 2, lastStep: 180, payload: Array("newer".utf8))
            try await store.saveCheckpoint(older)
            try await store.saveCheckpoint(newer)

            var damaged = newer.payload
            damaged[2] ^= 0x04
            try await store.executeRawSQL(
                "UPDATE checkpoints SET payload = X'\(hexLiteral(damaged))' WHERE twin = 'office' AND created_at = 200"
            )

            let load = try #require(try await store.latestCheckpoint(twin: "office"))
            #expect(load.checkpoint == older)
            #expect(load.skippedCorrupt == 1)
        }
    }

    @Test func everyCheckpointCorruptLoadsNothing() async throws {
        try await withTemporaryStore { store in
            try await store.saveCheckpoint(
                .make(twin: "office", createdAt: 1, modelVersion: 1, lastStep: nil, payload: [1, 2]))
            try await store.executeRawSQL("UPDATE checkpoints SET payload = X'0103'")
            #expect(try await store.latestCheckpoint(twin: "office") == nil)
        }
    }
}
