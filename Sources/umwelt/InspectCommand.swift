import ArgumentParser
import Foundation
import UmweltCore
import UmweltService

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what the model learned about a twin: time constants, HVAC effect, CO2 per person."
    )

    @Option(help: "Twin file.")
    var twin: String

    @Option(help: "State file (umwelt.sqlite of a daemon, or the --db of a backtest).")
    var db: String

    func run() async throws {
        let definition = try TwinFileParser.load(path: twin)
        let model = try await ModelInspection.restore(twin: definition, databasePath: db)
        print(ModelInspection.describe(model))
    }
}
