import Foundation

/// RFC 4180 CSV: fields separated by commas, optionally quoted with `"` (doubled inside),
/// quoted fields may span lines. Every row carries the line it starts on.
enum CSVReader {
    struct Row {
        var line: Int
        var fields: [String]
    }

    static func rows(_ bytes: [UInt8], file: String) throws -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var line = 1
        var rowLine = 1
        var index = 0
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n")
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
            } else if byte == comma {
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

    static func quote(_ text: String) -> String {
        if text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r") {
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return text
    }
}
