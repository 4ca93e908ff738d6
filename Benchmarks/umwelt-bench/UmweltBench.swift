import ArgumentParser
import Foundation
import UmweltCore

/// `swift run -c release umwelt-bench`: release-build benchmarks, each reported as a ratio
/// against a baseline measured in the same run.
@main
struct UmweltBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umwelt-bench",
        abstract: "Release-build benchmarks of Umwelt, reported against same-run baselines."
    )

    func run() async throws {
        for line in try await PerformanceReport().run() { print(line) }
        if ProcessInfo.processInfo.environment["UMWELT_BENCH_ONLY_ISSUE7"] != nil { return }
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let twin = try TwinFileParser.load(path: "/" + root + "/Twins/demo-office.yaml")
        for line in AnomalyCostBenchmark().run(twin: twin) { print(line) }
        for line in ScenarioBenchmark().run() { print(line) }
    }
}
