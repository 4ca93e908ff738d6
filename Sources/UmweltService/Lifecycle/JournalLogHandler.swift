import Foundation
import Logging

/// One line per event on stderr for journald: `<priority>label: message key=value ...`.
///
/// The `<N>` prefix is the syslog priority journald reads from a stream (`SyslogLevelPrefix=`,
/// on by default) so `journalctl -p warning` filters by level; no timestamp, journald adds
/// it. Metadata values are quoted when they contain spaces; newlines are escaped so an
/// event never spans lines.
struct JournalLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        FileHandle.standardError.write(Data(Self.line(event: event, label: label, metadata: metadata).utf8))
    }

    static func line(event: LogEvent, label: String, metadata: Logger.Metadata) -> String {
        var line = "<\(priority(event.level))>\(label): \(escaped(event.message.description))"
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        for key in merged.keys.sorted() {
            let value = escaped("\(merged[key]!)")
            line += value.contains(" ") || value.isEmpty ? " \(key)=\"\(value)\"" : " \(key)=\(value)"
        }
        return line + "\n"
    }

    /// syslog(3) priorities: 7 debug … 2 critical.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
