/// An error of the state store: what was being done, on which database, and why it failed.
///
/// `underlying` is usually GRDB's `DatabaseError`, whose description carries SQLite's
/// message and the SQL that failed.
public struct StoreError: Error, CustomStringConvertible {
    /// The stage that failed. Extensible: compare with the static members.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String

        private init(_ name: String) { self.name = name }

        /// Opening or configuring the database file failed.
        public static let open = Code("open")
        /// Running the schema migrations failed.
        public static let migration = Code("migration")
        /// A write transaction failed.
        public static let write = Code("write")
        /// A read failed.
        public static let read = Code("read")
        /// Inspecting the files on disk failed.
        public static let file = Code("file")

        public var description: String { name }
    }

    /// The stage that failed.
    public var code: Code
    /// What the store was doing, e.g. `insert 120 readings of twin "office"`.
    public var operation: String
    /// Path of the database file.
    public var path: String
    /// The error that caused this one, if any.
    public var underlying: (any Error)?

    public init(code: Code, operation: String, path: String, underlying: (any Error)? = nil) {
        self.code = code
        self.operation = operation
        self.path = path
        self.underlying = underlying
    }

    public var description: String {
        var text = "state store (\(code)) could not \(operation) in \(path)"
        if let underlying {
            text += ": \(underlying)"
        }
        return text
    }
}
