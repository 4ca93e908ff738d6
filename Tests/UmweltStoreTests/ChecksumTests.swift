import Testing

@testable import UmweltStore

@Suite struct ChecksumTests {
    @Test func fnv1a64MatchesPublishedVectors() {
        #expect(FNV1a64.hash([]) == 0xcbf2_9ce4_8422_2325)
        #expect(FNV1a64.hash(Array("a".utf8)) == 0xaf63_dc4c_8601_ec8c)
        #expect(FNV1a64.hash(Array("foobar".utf8)) == 0x8594_4171_f739_67e8)
    }

    @Test func madeCheckpointIsIntactUntilPayloadChanges() {
        var checkpoint = Checkpoint.make(twin: "t", createdAt: 1, modelVersion: 1, lastStep: nil, payload: [1, 2, 3])
        #expect(checkpoint.isIntact)
        checkpoint.payload[1] ^= 0x01
        #expect(!checkpoint.isIntact)
    }
}
