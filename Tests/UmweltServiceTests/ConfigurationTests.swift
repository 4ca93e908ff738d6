import Testing
import UmweltService

struct ConfigurationTests {
    @Test func defaultsBindHTTPToLoopback() {
        let configuration = UmweltConfiguration()
        #expect(configuration.httpHost == "127.0.0.1")
        #expect(configuration.broker.port == 1883)
        #expect(configuration.topicPrefix == "umwelt")
    }

    @Test func fileThenEnvironmentThenFlags() throws {
        let yaml = """
            broker:
              host: broker.local
              port: 8883
              client_id: site-a
            topic_prefix: twin
            http:
              listen: 0.0.0.0:9000
            state_dir: /srv/umwelt
            checkpoint_interval: 2m
            log_level: debug
            """
        var configuration = try UmweltConfiguration.parse(yaml: yaml, source: "test.yaml")
        #expect(configuration.broker.host == "broker.local")
        #expect(configuration.broker.port == 8883)
        #expect(configuration.httpHost == "0.0.0.0")
        #expect(configuration.httpPort == 9000)
        #expect(configuration.checkpointIntervalSeconds == 120)
        try configuration.applyEnvironment(["UMWELT_BROKER": "broker.example:1884", "UMWELT_STATE_DIR": "/tmp/x"])
        #expect(configuration.broker.host == "broker.example")
        #expect(configuration.broker.port == 1884)
        #expect(configuration.stateDirectory == "/tmp/x")
    }

    @Test func flagsOverrideEnvironment() throws {
        let configuration = try DaemonConfiguration.resolve(
            configFile: nil,
            broker: "127.0.0.1:2883",
            twins: "/twins",
            stateDirectory: "/state",
            http: "127.0.0.1:0",
            environment: ["UMWELT_BROKER": "broker.example:1884"]
        )
        #expect(configuration.broker.port == 2883)
        #expect(configuration.twinsDirectory == "/twins")
        #expect(configuration.httpPort == 0)
    }

    @Test func durationsShareTheTwinFileSyntaxAndAllowFractions() throws {
        let compound = try UmweltConfiguration.parse(yaml: "checkpoint_interval: 1h30m\n", source: "c.yaml")
        #expect(compound.checkpointIntervalSeconds == 5_400)
        let fraction = try UmweltConfiguration.parse(yaml: "checkpoint_interval: 1.5s\n", source: "f.yaml")
        #expect(fraction.checkpointIntervalSeconds == 1.5)
        #expect {
            try UmweltConfiguration.parse(yaml: "checkpoint_interval: -5m\n", source: "n.yaml")
        } throws: { error in
            (error as? ConfigurationError)?.field == "checkpoint_interval"
        }
    }

    @Test func unknownKeyIsRejectedWithItsName() {
        #expect {
            try UmweltConfiguration.parse(yaml: "brokr:\n  host: x\n", source: "bad.yaml")
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.field == "brokr" && error?.source == "bad.yaml"
        }
    }

    @Test func badPortAndLevelAreRejected() {
        #expect(throws: ConfigurationError.self) {
            try UmweltConfiguration.parse(yaml: "broker:\n  port: 70000\n", source: "p.yaml")
        }
        #expect(throws: ConfigurationError.self) {
            try UmweltConfiguration.parse(yaml: "log_level: loud\n", source: "l.yaml")
        }
        var configuration = UmweltConfiguration()
        #expect(throws: ConfigurationError.self) {
            try configuration.applyEnvironment(["UMWELT_BROKER": "no-port"])
        }
    }

    @Test func shippedConfigurationParses() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let configuration = try UmweltConfiguration.load(path: "/" + root + "/Config/umwelt.yaml")
        #expect(configuration.stateDirectory == "/var/lib/umwelt")
        #expect(configuration.checkpointIntervalSeconds == 300)
    }
}
