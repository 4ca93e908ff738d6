import Logging
import UmweltCore
import UmweltMQTT
import WorldModel

/// The MQTT door of scenarios: answers requests on `<prefix>/<twin>/scenario/request`.
///
/// MQTT 5 requests are answered on their response topic with their correlation data copied;
/// MQTT 3.1.1 clients put `reply_to` (and optionally `id`, echoed in the answer) into the JSON.
/// A rejected request is answered with `{"error", "field", "reason"}`; a request without any
/// reply address is only logged.
struct ScenarioRequestHandler: Sendable {
    let topics: TopicScheme
    let registry: TwinRegistry
    let publish: @Sendable (Message) -> Void
    let logger: Logger

    /// The filter to subscribe: requests for every twin.
    var subscription: String { topics.scenarioRequest(twin: "+") }

    /// The twin a request topic addresses, nil for any other topic.
    func twin(ofTopic topic: String) -> String? { topics.scenarioTwin(ofRequestTopic: topic) }

    /// Answers one request message (addressed to `twin`).
    func handle(_ message: Message, twin: String) async {
        var replyTo = message.responseTopic
        var id: String?
        let bytes: [UInt8]
        do throws(ScenarioError) {
            let request = try ScenarioRequest.decode(message.payload)
            replyTo = replyTo ?? request.replyTo
            id = request.id
            guard let runtime = registry.runtimes[twin] else {
                throw ScenarioError(field: "twin", reason: "no twin \(twin)")
            }
            bytes = try await runtime.scenario(request).json
        } catch {
            logger.notice(
                "scenario request rejected", metadata: ["twin": "\(twin)", "error": "\(error.description)"])
            bytes = ScenarioAnswer.errorDocument(error, id: id)
        }
        guard let replyTo else {
            logger.notice("scenario request without response topic or reply_to", metadata: ["twin": "\(twin)"])
            return
        }
        publish(Message(topic: replyTo, payload: bytes, qos: 1, correlationData: message.correlationData))
    }
}
