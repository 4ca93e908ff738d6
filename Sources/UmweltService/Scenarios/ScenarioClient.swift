import Foundation
import Logging
import UmweltCore
import UmweltStore
import WorldModel

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The command-line door of scenarios: answers a request from a daemon's state database
/// (restoring the twin's model as the daemon does at start), or posts it to a running daemon.
public enum ScenarioClient {
    /// An answer, or the error document of a rejected request.
    public struct Reply: Sendable, Hashable {
        /// False when the request was rejected (the body is `{"error", "field", "reason"}`).
        public var isAnswer: Bool
        public var body: [UInt8]
    }

    /// Answers `request` (JSON bytes) with the model the daemon would restore for the twin in
    /// `twinPath` from the database at `databasePath`. The same bytes as the HTTP and MQTT doors.
    /// `horizonSeconds` overrides the twin's horizon as the daemon's `horizon` setting does (the
    /// checkpoint only matches a model of the same horizon).
    ///
    /// - Throws: `TwinFileError`, `ScenarioError` (no database) or a store error when the
    ///   files cannot be read; a rejected request is a `Reply`, not an error.
    public static func answer(
        twinPath: String, databasePath: String, request: [UInt8], horizonSeconds: Int? = nil, logger: Logger
    ) async throws -> Reply {
        var twin = try TwinFileParser.load(path: twinPath)
        if let horizonSeconds { twin.horizonSteps = max(1, horizonSeconds / twin.stepSeconds) }
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw ScenarioError(field: "db", reason: "no state database at \(databasePath)")
        }
        let store = try StateStore(path: databasePath)
        let runtime = await TwinRuntime.restore(
            definition: twin, configuration: ModelConfiguration(twin: twin), store: store, publisher: nil,
            topics: TopicScheme(), statistics: DaemonStatistics(), logger: logger
        )
        do throws(ScenarioError) {
            let decoded = try ScenarioRequest.decode(request)
            return Reply(isAnswer: true, body: try await runtime.scenario(decoded).json)
        } catch {
            return Reply(isAnswer: false, body: ScenarioAnswer.errorDocument(error))
        }
    }

    /// POSTs `request` to `<url>/v1/twins/<twin>/scenarios`; returns the HTTP status and body.
    public static func post(url: String, twin: String, request: [UInt8]) async throws -> (status: Int, body: [UInt8]) {
        let base = url.hasSuffix("/") ? String(url.dropLast()) : url
        guard let endpoint = URL(string: "\(base)/v1/twins/\(twin)/scenarios") else {
            throw ScenarioError(field: "url", reason: "not a URL: \(url)")
        }
        var httpRequest = URLRequest(url: endpoint)
        httpRequest.httpMethod = "POST"
        httpRequest.setValue("application/json", forHTTPHeaderField: "Content-Type")
        httpRequest.httpBody = Data(request)
        let (data, response) = try await URLSession.shared.data(for: httpRequest)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, Array(data))
    }
}
