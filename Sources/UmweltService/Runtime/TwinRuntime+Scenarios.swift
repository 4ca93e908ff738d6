import UmweltCore
import WorldModel

extension TwinRuntime {
    /// Answers a "what if" request from the twin's current model (HTTP and MQTT doors).
    ///
    /// - Throws: `ScenarioError` naming the request field at fault.
    public func scenario(_ request: ScenarioRequest) throws(ScenarioError) -> ScenarioAnswer {
        try ScenarioAnswer(request: request, model: model)
    }
}
