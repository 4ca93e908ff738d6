import UmweltCore
import UmweltMQTT

extension UmweltApplication {
    /// Reloads the twin files as `SIGHUP` does; false when a file was invalid and the
    /// running twins were kept unchanged.
    @discardableResult
    public func reloadTwins() async -> Bool {
        await reloader.reload() != nil
    }
}

extension UmweltApplication {
    /// Whether `error` needs a person to change the configuration (bad credentials,
    /// untrusted certificates, invalid files) rather than a restart.
    public static func isConfigurationFailure(_ error: any Error) -> Bool {
        switch error {
        case let error as MQTTError: error.isPermanent
        case is ConfigurationError, is TwinFileError: true
        default: false
        }
    }
}
