import ArgumentParser
import Foundation
import Logging
import UmweltCore
import UmweltService

/// `umwelt scenario`: asks a twin "what if" (see README, "What if").
struct ScenarioCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scenario",
        abstract: "Answer a what-if scenario request (JSON) from a state database or a running daemon."
    )

    @Option(help: "Twin file (with --db), or the twin's id or file (with --url).")
    var twin: String

    @Option(help: "The daemon's state database (umwelt.sqlite).")
    var db: String?

    @Option(help: "A running daemon's HTTP address, e.g. http://127.0.0.1:8080.")
    var url: String?

    @Option(help: "Request JSON file ('-' for standard input).")
    var request: String

    @Option(help: "The daemon's forecast horizon, if it overrides the twin's (e.g. 6h).")
    var horizon: String?

    func run() async throws {
        let body: [UInt8]
        if request == "-" {
            body = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            body = Array(try Data(contentsOf: URL(fileURLWithPath: request)))
        }
        if let url {
            let id = FileManager.default.fileExists(atPath: twin) ? try TwinFileParser.load(path: twin).id : twin
            let (status, answer) = try await ScenarioClient.post(url: url, twin: id, request: body)
            print(String(decoding: answer, as: UTF8.self))
            if status != 200 { throw ExitCode(2) }
            return
        }
        guard let db else { throw ValidationError("give --db STATE or --url URL") }
        var logger = Logger(label: "umwelt.scenario")
        logger.logLevel = .warning
        var horizonSeconds: Int?
        if let horizon {
            guard let seconds = DurationParser.seconds(horizon) else {
                throw ValidationError("--horizon: not a duration")
            }
            horizonSeconds = seconds
        }
        let reply = try await ScenarioClient.answer(
            twinPath: twin, databasePath: db, request: body, horizonSeconds: horizonSeconds, logger: logger)
        print(String(decoding: reply.body, as: UTF8.self))
        if !reply.isAnswer { throw ExitCode(2) }
    }
}
