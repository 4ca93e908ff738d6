/// Home Assistant MQTT discovery settings (`home_assistant:` in the configuration file).
public struct HomeAssistantConfiguration: Sendable, Hashable {
    /// Publish device discovery documents (off by default).
    public var isEnabled = false
    /// HA's discovery prefix (its `discovery_prefix`, default `homeassistant`).
    public var discoveryPrefix = "homeassistant"

    public init(isEnabled: Bool = false, discoveryPrefix: String = "homeassistant") {
        self.isEnabled = isEnabled
        self.discoveryPrefix = discoveryPrefix
    }

    /// HA's birth and last-will topic: `online` there means "send discovery again".
    public var statusTopic: String { discoveryPrefix + "/status" }
}
