import Foundation

/// RFC 4180 CSV: fields separated by commas (or another delimiter: `;` and tabs are common
/// in spreadsheet and BMS exports), optionally quoted with `"` (doubled inside), quoted
/// fields may span lines. A UTF-8 byte order mark at the start (Excel writes one) is
/// skipped. Every row carries the line it starts on.
enum CSVReader {
    struct Row {
        var line: Int
        var fields: [String]
    }

    static let comma = UInt8(ascii: ",")

    static func rows(_ bytes: [UInt8], file: String, delimiter: UInt8 = comma) throws -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let quote = UInt8(ascii: "\""), newline = UInt8(ascii: "\n")
        let carriageReturn = UInt8(ascii: "\r")
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == quote {
                    if index + 1 < bytes.count && bytes[index + 1] == quote {
                        field.append(quote)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == newline { line += 1 }
                    field.append(byte)
                }
            } else if byte == quote {
                guard field.isEmpty else {
                    throw RecordingError(file: file, line: line, reason: "quote inside an unquoted field")
                }
                inQuotes = true
            } else if byte == delimiter {
                endField()
            } else if byte == newline {
                endField()
                rows.append(Row(line: rowLine, fields: fields))
                fields.removeAll(keepingCapacity: true)
                line += 1
                rowLine = line
            } else if byte != carriageReturn {
                field.append(byte)
            }
            index += 1
        }
        if inQuotes { throw RecordingError(file: file, line: rowLine, reason: "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty {
            endField()
            rows.append(Row(line: rowLine, fields: fields))
        }
        return rows
    }

    /// The delimiter of a file whose first line is `bytes`' first line: whichever of comma,
    /// semicolon and tab occurs most often outside quotes (comma on a tie or none).
    static func guessDelimiter(_ bytes: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [:]
        var inQuotes = false
        for byte in bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes[...] {
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "\"") { inQuotes.toggle() }
            if !inQuotes, [comma, UInt8(ascii: ";"), UInt8(ascii: "\t")].contains(byte) {
                counts[byte, default: 0] += 1
            }
        }
        let best = counts.max { ($0.value, $0.key == comma ? 1 : 0) < ($1.value, $1.key == comma ? 1 : 0) }
        return best?.key ?? comma
    }

    static func quote(_ text: String) -> String {
        if text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r") {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
