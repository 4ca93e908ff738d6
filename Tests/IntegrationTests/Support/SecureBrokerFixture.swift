import Foundation

/// A mosquitto with a TLS listener that requires a client certificate and a password,
/// plus everything a client needs: a CA, server and client certificates made by `openssl`,
/// an unrelated CA, and a password file made by `mosquitto_passwd -b`.
struct SecureBrokerFixture {
    static let username = "umwelt"
    let password = "pw-\(UUID().uuidString.prefix(12))"
    let directory: URL
    let broker: MosquittoBroker
    let tlsPort: Int

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("umwelt-secure-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        try Self.shell(
            """
            set -e
            cd '\(directory.path)'
            openssl req -x509 \(key) -keyout ca.key -out ca.crt -days 2 -subj /CN=umwelt-secure-ca
            openssl req -x509 \(key) -keyout rogue-ca.key -out rogue-ca.crt -days 2 -subj /CN=umwelt-rogue-ca
            openssl req \(key) -keyout server.key -out server.csr -subj /CN=127.0.0.1
            printf 'subjectAltName=IP:127.0.0.1\\n' > san.cnf
            openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile san.cnf
            openssl req \(key) -keyout client.key -out client.csr -subj /CN=umweltd
            openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.crt -days 2
            openssl req \(key) -keyout rogue-client.key -out rogue-client.csr -subj /CN=intruder
            openssl x509 -req -in rogue-client.csr -CA rogue-ca.crt -CAkey rogue-ca.key -CAcreateserial \
                -out rogue-client.crt -days 2
            mosquitto_passwd -c -b passwords '\(Self.username)' '\(password)'
            chmod 0600 passwords
            """
        )
        tlsPort = try MosquittoBroker.freeLoopbackPort()
        let path = directory.path
        broker = try MosquittoBroker.start(
            extraConfig: """
                listener \(tlsPort) 127.0.0.1
                allow_anonymous false
                password_file \(path)/passwords
                cafile \(path)/ca.crt
                certfile \(path)/server.crt
                keyfile \(path)/server.key
                require_certificate true
                """
        )
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes `password` to a file readable only by its owner and returns its path.
    func passwordFile(_ password: String) throws -> String {
        let file = directory.appendingPathComponent("client-password-\(UUID().uuidString.prefix(6))").path
        try (password + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        return file
    }

    /// How many connections the broker's log shows on the TLS port.
    var connectionAttempts: Int {
        broker.log.components(separatedBy: "New connection from").count - 1
    }

    func stop() {
        broker.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func shell(_ script: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw BrokerError("openssl or mosquitto_passwd failed (status \(process.terminationStatus))")
        }
    }
}
