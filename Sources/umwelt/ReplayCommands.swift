import ArgumentParser
import Foundation
import Logging
import UmweltCore
import UmweltMQTT
import UmweltService

struct BacktestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run a recording through the daemon's router and model; score every forecast."
    )

    @Option(help: "Twin file.")
    var twin: String

    @Option(help: "Recording to stream and score (CSV time,topic,payload or .jsonl).")
    var input: String

    @Option(help: "Recording that only trains, before the input.")
    var warmup: String?

    @Option(help: "Horizons in steps, comma separated.")
    var horizons: String = "1,3,6,12,48"

    @Option(help: "Directory for forecasts.csv, anomalies.csv and metrics.json.")
    var out: String?

    @Option(help: "State file to leave the learned model in (for the daemon or scenarios).")
    var db: String?

    func run() async throws {
        let steps = horizons.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !steps.isEmpty, steps.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--horizons: expected positive step counts like 1,3,6,12,48")
        }
        let definition = try TwinFileParser.load(path: twin)
        let metrics = try await BacktestRunner.run(
            twinPath: twin,
            inputPath: input,
            warmupPath: warmup,
            horizons: steps,
            outputDirectory: out,
            databasePath: db
        )
        print(metrics.table(stepSeconds: definition.stepSeconds))
    }
}

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Publish a recording to a broker with its recorded timing (for a live daemon).",
        discussion: """
            Payloads go out byte for byte on their recorded topics. Sensors whose payload carries \
            its time (time_path) keep their recorded times; others are timed on arrival, so \
            replay faster than real time only when the twin's sensors carry their times (or use \
            `umwelt backtest`, which runs in data time).
            """
    )

    @Option(help: "Recording (CSV time,topic,payload or .jsonl).")
    var input: String

    @Option(help: "Broker as HOST:PORT.")
    var broker: String = "127.0.0.1:1883"

    @Option(help: "Recorded seconds per wall-clock second (1: real time; 0: as fast as possible).")
    var speed: Double = 1

    func run() async throws {
        guard speed >= 0, speed.isFinite else { throw ValidationError("--speed: expected 0 or a positive number") }
        let messages = try Recording.read(path: input)
        let client = try CLIClient.make(broker: broker, command: "replay", logLevel: .info)
        try await client.connect(timeout: .seconds(30))
        let count = try await RecordingPublisher(messages: messages, speed: speed).run(client: client) { time, sent in
            print("replayed up to \(formatRFC3339(time)): \(sent) of \(messages.count) messages")
            fflush(nil)
        }
        await client.disconnect()
        print("done: \(count) messages")
    }
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn a wide CSV (a time column, one column per sensor) into a recording."
    )

    @Option(
        help:
            "Mapping file (time_column, timezone, columns: {column: topic}; optional delimiter, decimal, time_format)."
    )
    var mapping: String

    @Option(help: "Wide CSV file.")
    var input: String

    @Option(help: "Recording to write (.csv or .jsonl).")
    var out: String

    @Option(help: "Only rows at or after this time (RFC 3339).")
    var from: String?

    @Option(help: "Only rows before this time (RFC 3339).")
    var until: String?

    func run() throws {
        let importer = try WideCSVImport.loadMapping(path: mapping)
        var messages = try importer.convert(path: input)
        if let from {
            guard let start = importer.parseTime(from) else { throw ValidationError("--from: not a time: \(from)") }
            messages = messages.filter { $0.time >= start }
        }
        if let until {
            guard let end = importer.parseTime(until) else { throw ValidationError("--until: not a time: \(until)") }
            messages = messages.filter { $0.time < end }
        }
        let text =
            out.hasSuffix(".jsonl")
            ? messages.map(Recording.jsonLine).joined(separator: "\n") + "\n" : Recording.csv(messages)
        try text.write(toFile: out, atomically: true, encoding: .utf8)
        print("wrote \(messages.count) messages to \(out)")
    }
}

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a live broker's messages on the twin's topics to a file, until Ctrl-C."
    )

    @Option(help: "Broker as HOST:PORT.")
    var broker: String = "127.0.0.1:1883"

    @Option(help: "Twin file (its topics are recorded).")
    var twin: String

    @Option(help: "Recording to write (.csv or .jsonl).")
    var out: String

    @Option(help: "Stop after this many messages.")
    var count: Int?

    func run() async throws {
        let definition = try TwinFileParser.load(path: twin)
        let client = try CLIClient.make(broker: broker, command: "record", logLevel: .warning, cleanSession: true)
        try client.subscribe(Router(twins: [definition]).subscriptions, qos: 1)
        try await client.connect(timeout: .seconds(30))
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        guard let handle = FileHandle(forWritingAtPath: out) else {
            throw ValidationError("--out: cannot write \(out)")
        }
        let isJSONLines = out.hasSuffix(".jsonl")
        if !isJSONLines { handle.write(Data("time,topic,payload\n".utf8)) }
        var recorded = 0
        for await batch in client.messages {
            let now = Date().timeIntervalSince1970
            var text = ""
            for message in batch {
                let recordedMessage = RecordedMessage(time: now, topic: message.topic, payload: message.payload)
                if isJSONLines {
                    text += Recording.jsonLine(recordedMessage) + "\n"
                } else {
                    text += Recording.csv([recordedMessage]).dropFirst("time,topic,payload\n".count)
                }
            }
            handle.write(Data(text.utf8))
            recorded += batch.count
            if let count, recorded >= count { break }
        }
        try handle.close()
        await client.disconnect()
        print("recorded \(recorded) messages to \(out)")
    }
}
