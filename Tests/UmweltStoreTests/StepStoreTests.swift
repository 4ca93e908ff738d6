import Testing
import UmweltStore

@Suite struct StepStoreTests {
    @Test func savingAStepWithTheSameStartReplacesIt() async throws {
        try await withTemporaryStore { store in
            try await store.saveStep(twin: "office", step: StoredStep(start: 600, payload: Array("first".utf8)))
            try await store.saveStep(twin: "office", step: StoredStep(start: 600, payload: Array("second".utf8)))
            let steps = try await store.steps(twin: "office", after: 0)
            #expect(steps == [StoredStep(start: 600, payload: Array("second".utf8))])
        }
    }

    @Test func stepsAfterAreStrictlyLaterAndOrderedByStart() async throws {
        try await withTemporaryStore { store in
            let starts: [Double] = [1_800, 0, 1_200, 600, 2_400]
            try await store.saveSteps(twin: "office", starts.map { StoredStep(start: $0, payload: [UInt8($0 / 600)]) })
            try await store.saveSteps(twin: "lab", [StoredStep(start: 3_000, payload: [9])])

            let after = try await store.steps(twin: "office", after: 600)
            #expect(after.map(\.start) == [1_200, 1_800, 2_400])
            #expect(after.map(\.payload) == [[2], [3], [4]])
            #expect(try await store.steps(twin: "office", after: 2_400).isEmpty)
            #expect(try await store.steps(twin: "office", after: -1).count == 5)
            #expect(try await store.steps(twin: "office", after: -Double.infinity).count == 5)
            #expect(try await store.steps(twin: "office", from: -Double.infinity, to: .infinity).count == 5)
        }
    }

    @Test func stepsFromToIsHalfOpen() async throws {
        try await withTemporaryStore { store in
            try await store.saveSteps(twin: "office", (0..<5).map { StoredStep(start: Double($0 * 600), payload: []) })
            let range = try await store.steps(twin: "office", from: 600, to: 1_800)
            #expect(range.map(\.start) == [600, 1_200])
        }
    }

    @Test func retentionDeletesStepsOlderThanCutoff() async throws {
        try await withTemporaryStore { store in
            try await store.saveSteps(twin: "office", (0..<5).map { StoredStep(start: Double($0 * 600), payload: [1]) })
            #expect(try await store.deleteSteps(olderThan: 1_200) == 2)
            #expect(try await store.steps(twin: "office", after: -1).map(\.start) == [1_200, 1_800, 2_400])
        }
    }
}
