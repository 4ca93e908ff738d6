import UmweltCore

extension UmweltApplication {
    /// Loads and validates every twin file of the configured directory and applies the
    /// configured horizon override; used at start and on every `SIGHUP` reload.
    ///
    /// - Throws: `TwinFileError` naming file, line and field, or `ConfigurationError` when
    ///   the directory holds no twin file.
    static func loadTwins(configuration: UmweltConfiguration) throws -> [TwinDefinition] {
        var twins = try TwinFileParser.loadDirectory(configuration.twinsDirectory)
        guard !twins.isEmpty else {
            throw ConfigurationError(
                source: configuration.twinsDirectory,
                field: "twins_dir",
                reason: "no twin files (*.yaml) found"
            )
        }
        if let horizon = configuration.horizonSeconds {
            for index in twins.indices {
                twins[index].horizonSteps = max(1, Int(horizon) / twins[index].stepSeconds)
            }
        }
        return try configuration.twinSelection.select(twins, source: configuration.twinsDirectory)
    }
}
