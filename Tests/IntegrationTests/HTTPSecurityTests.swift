import Foundation
import Testing
import UmweltService

/// Bound beyond loopback, the API needs a bearer token for everything but `/healthz`, and
/// the daemon refuses to start without one.
@Suite(.serialized)
struct HTTPSecurityTests {
    @Test(.timeLimit(.minutes(1)))
    func refusesToListenBeyondLoopbackWithoutAToken() async throws {
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        var configuration = DaemonHarness.configuration(work: work, brokerPort: 1)
        configuration.httpHost = "0.0.0.0"
        let error = await #expect(throws: ConfigurationError.self) {
            _ = try await UmweltApplication.build(
                configuration: configuration,
                logger: DaemonHarness.testLogger(),
                environment: [:]
            )
        }
        #expect(error?.field == "http.token_file")
        #expect(error?.description.contains("0.0.0.0") == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func requiresTheBearerTokenForEverythingButHealthz() async throws {
        let broker = try MosquittoBroker.start()
        defer { broker.stop() }
        let work = try DaemonHarness.makeWorkDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let token = "s3cret-token-\(UUID().uuidString)"
        let tokenFile = work.appendingPathComponent("http-token")
        try (token + "\n").write(to: tokenFile, atomically: true, encoding: .utf8)
        var configuration = DaemonHarness.configuration(work: work, brokerPort: broker.port)
        configuration.httpHost = "0.0.0.0"
        try configuration.applyEnvironment(["CREDENTIALS_DIRECTORY": work.path])
        #expect(configuration.httpTokenFile == tokenFile.path)
        let application = try await UmweltApplication.build(
            configuration: configuration,
            logger: DaemonHarness.testLogger(),
            environment: [:]
        )
        let group = Task { try await application.run() }
        defer { group.cancel() }
        let port = try #require(await application.httpPort())

        #expect(try await PrometheusText.scrape(port: port, path: "/healthz").0 == 200)
        for path in ["/v1/status", "/metrics", "/v1/twins", "/readyz"] {
            #expect(try await PrometheusText.scrape(port: port, path: path).0 == 401, "\(path)")
            #expect(try await PrometheusText.scrape(port: port, path: path, token: "wrong").0 == 401, "\(path)")
        }
        #expect(try await PrometheusText.scrape(port: port, path: "/v1/status", token: token).0 == 200)
        let (status, body) = try await PrometheusText.scrape(port: port, path: "/metrics", token: token)
        #expect(status == 200)
        #expect(body.contains("umwelt_twins 1"))

        await application.shutdown()
        try await group.value
    }
}
