import UmweltCore

extension HomeAssistantService {
    /// After a twin reload: removes the devices of `removed` twins from Home Assistant (an
    /// empty retained payload on each discovery topic deletes it) and publishes the current
    /// twins' documents again (zones or sensors may have changed).
    func twinsReloaded(removed: [TwinDefinition]) {
        for twin in removed {
            for document in discovery.documents(for: twin) {
                client.publish(topic: document.topic, payload: [], qos: 1, retain: true)
            }
        }
        publishAll(reason: "twin files reloaded")
    }
}
