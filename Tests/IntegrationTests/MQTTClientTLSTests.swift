import Foundation
import Testing
import UmweltMQTT

/// TLS against a real mosquitto with certificates made by `openssl` for the test.
@Suite(.serialized)
struct MQTTClientTLSTests {
    @Test(.timeLimit(.minutes(1)))
    func connectsOverTLSAndRefusesUntrustedBrokerWithoutRetrying() async throws {
        let certificates = try TestCertificates()
        defer { certificates.remove() }
        let tlsPort = try MosquittoBroker.freeLoopbackPort()
        let broker = try MosquittoBroker.start(
            extraConfig: """
                listener \(tlsPort) 127.0.0.1
                cafile \(certificates.path("ca.crt"))
                certfile \(certificates.path("server.crt"))
                keyfile \(certificates.path("server.key"))
                """
        )
        defer { broker.stop() }

        let trusting = try MQTTTestSupport.client("tls", port: tlsPort) { $0.caFile = certificates.path("ca.crt") }
        try trusting.subscribe(["secure/#"])
        try await trusting.connect(timeout: .seconds(10))
        try trusting.publish(Message(topic: "secure/a", payload: Array("sealed".utf8), qos: 1))
        let received = await MQTTTestSupport.collect(trusting, count: 1, timeout: .seconds(5)).messages
        #expect(received.map(\.payload) == [Array("sealed".utf8)])
        await trusting.disconnect()

        let doubting = try MQTTTestSupport.client("tls-wrong-ca", port: tlsPort) {
            $0.caFile = certificates.path("other-ca.crt")
        }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: MQTTError.self) {
            try await doubting.connect(timeout: .seconds(10))
        }
        #expect(clock.now - start < .seconds(2), "retried a TLS failure")
        #expect(error?.isPermanent == true)
        #expect(error?.message.contains("TLS") == true, "\(String(describing: error))")
        #expect(error?.message.contains("certificate verify failed") == true, "\(String(describing: error))")
        await doubting.disconnect()
    }

    @Test
    func missingCAFileIsRejectedAtInit() throws {
        let error = #expect(throws: MQTTError.self) {
            _ = try MQTTTestSupport.client("tls-missing", port: 8883) { $0.caFile = "/nonexistent/ca.crt" }
        }
        #expect(error?.isPermanent == true)
        #expect(error?.message.contains("/nonexistent/ca.crt") == true, "\(String(describing: error))")
    }
}

/// A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated second CA.
struct TestCertificates {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("mqtt-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        let script = """
            set -e
            cd '\(directory.path)'
            openssl req -x509 \(key) -keyout ca.key -out ca.crt -days 2 -subj /CN=umwelt-test-ca
            openssl req -x509 \(key) -keyout other-ca.key -out other-ca.crt -days 2 -subj /CN=umwelt-other-ca
            openssl req \(key) -keyout server.key -out server.csr -subj /CN=127.0.0.1
            printf 'subjectAltName=IP:127.0.0.1\\n' > san.cnf
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt \
                -days 2 -extfile san.cnf
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BrokerError("openssl could not make test certificates (status \(process.terminationStatus))")
        }
    }

    func path(_ name: String) -> String {
        directory.appendingPathComponent(name).path
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
