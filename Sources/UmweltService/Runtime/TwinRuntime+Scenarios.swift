import UmweltCore
import WorldModel

extension TwinRuntime {
    /// Answers a "what if" request from the twin's current model (HTTP and MQTT doors).
    ///
    /// - Throws: `ScenarioError` naming the request field at fault.
    public func scenario(_ request: ScenarioRequest) throws(ScenarioError) -> ScenarioAnswer {
        let clock = ContinuousClock()
        let start = clock.now
        defer { statistics.metrics?.scenarioLatency(twin: definition.id, clock.now - start) }
        return try ScenarioAnswer(request: request, model: model)
    }
}
