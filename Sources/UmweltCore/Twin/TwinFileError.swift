/// A problem in a twin file, located precisely enough to fix it.
///
/// `description` reads `<file>:<line>: <field>: <reason>`, like a compiler diagnostic, e.g.
/// `Twins/office.yaml:14: zones[0].sensors[2].unit: 'celsius' is not a unit (...)`.
public struct TwinFileError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Path of the file as given to the parser.
    public var file: String
    /// 1-based line of the offending node; nil when the problem has no single place.
    public var line: Int?
    /// Path of the field: `twin`, `step`, `zones[1].neighbors[0]`, `zones[0].sensors[2].unit`
    /// (indices are 0-based); `yaml` for syntax errors, `file` when the file cannot be read.
    public var field: String
    /// What is wrong and, where possible, what would be right.
    public var reason: String

    /// An error at `line` of `file` (1-based; nil when it has no single place).
    public init(file: String, line: Int?, field: String, reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    /// `<file>:<line>: <field>: <reason>`, or `<file>: <field>: <reason>` without a line.
    public var description: String {
        if let line {
            return "\(file):\(line): \(field): \(reason)"
        }
        return "\(file): \(field): \(reason)"
    }
}
