import ArgumentParser

/// `swift run -c release umwelt-bench`: release-build benchmarks, each reported as a ratio
/// against a baseline measured in the same run.
@main
struct UmweltBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "umwelt-bench",
        abstract: "Release-build benchmarks of Umwelt, reported against same-run baselines."
    )

    func run() async throws {
        print("no benchmarks yet")
    }
}
