import Logging
import Testing

@testable import UmweltService

/// The journald line format: priority prefix, one line per event, sorted metadata.
struct JournalLogHandlerTests {
    private func event(_ level: Logger.Level, _ message: String, _ metadata: Logger.Metadata) -> LogEvent {
        LogEvent(
            level: level, message: "\(message)", metadata: metadata, source: nil, file: #fileID, function: #function,
            line: #line)
    }

    @Test
    func linesCarryTheSyslogPriorityAndStayOnOneLine() {
        let line = JournalLogHandler.line(
            event: event(.error, "cannot connect\nto broker", ["reason": "Not authorized", "broker": "h:1"]),
            label: "umweltd",
            metadata: ["twin": "office"]
        )
        #expect(line == "<3>umweltd: cannot connect\\nto broker broker=h:1 reason=\"Not authorized\" twin=office\n")
        #expect(JournalLogHandler.priority(.warning) == 4)
        #expect(JournalLogHandler.priority(.info) == 6)
        #expect(JournalLogHandler.priority(.debug) == 7)
    }
}
