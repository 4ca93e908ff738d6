import Foundation

extension UmweltConfiguration {
    /// Whether `httpHost` only accepts connections from this machine.
    public var isHTTPLoopbackOnly: Bool {
        let host = httpHost.lowercased()
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// The HTTP bearer token from `httpTokenFile` (surrounding whitespace removed), or nil
    /// when no file is configured.
    ///
    /// - Throws: `ConfigurationError` when the file cannot be read or is empty, and when the
    ///   server would listen beyond loopback without a token.
    public func httpBearerToken() throws -> String? {
        guard let file = httpTokenFile else {
            guard isHTTPLoopbackOnly else {
                throw ConfigurationError(
                    source: "http.listen",
                    field: "http.token_file",
                    reason:
                        "listening on \(httpHost) needs a bearer token: set http.token_file, UMWELT_HTTP_TOKEN_FILE or the http-token credential"
                )
            }
            return nil
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ConfigurationError(source: file, field: "http.token_file", reason: "cannot read the token file")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else {
            throw ConfigurationError(
                source: file, field: "http.token_file", reason: "the token must have at least 16 characters")
        }
        return token
    }
}
