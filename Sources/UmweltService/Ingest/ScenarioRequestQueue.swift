import Logging
import ServiceLifecycle
import UmweltMQTT
import WorldModel

/// Takes scenario requests out of the ingest loop: ingest hands each request over without
/// waiting, and this service answers them one after another, so a long scenario never
/// delays readings.
///
/// At most `capacity` requests wait; a request beyond that is answered at once with an
/// error (`request: busy`) instead of queueing without bound.
final class ScenarioRequestQueue: Service {
    /// A request message and the twin its topic addresses.
    private struct Request: Sendable {
        var message: Message
        var twin: String
    }

    /// Requests allowed to wait while one is being answered.
    static let capacity = 16

    private let handler: ScenarioRequestHandler
    private let requests: AsyncStream<Request>
    private let continuation: AsyncStream<Request>.Continuation

    init(handler: ScenarioRequestHandler) {
        self.handler = handler
        (requests, continuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingOldest(Self.capacity))
    }

    /// The twin a request topic addresses, nil for any other topic.
    func twin(ofTopic topic: String) -> String? { handler.twin(ofTopic: topic) }

    /// Queues one request (addressed to `twin`); never waits.
    func submit(_ message: Message, twin: String) {
        switch continuation.yield(Request(message: message, twin: twin)) {
        case .enqueued:
            return
        case .dropped, .terminated:
            handler.logger.warning(
                "scenario request refused: queue full", metadata: ["twin": "\(twin)", "capacity": "\(Self.capacity)"])
            let error = ScenarioError(
                field: "request", reason: "busy: \(Self.capacity) scenario requests are waiting; retry later")
            let request = try? ScenarioRequest.decode(message.payload)
            guard let replyTo = message.responseTopic ?? request?.replyTo else { return }
            handler.publish(
                Message(
                    topic: replyTo, payload: ScenarioAnswer.errorDocument(error, id: request?.id), qos: 1,
                    correlationData: message.correlationData))
        @unknown default:
            return
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await request in self.requests {
                await self.handler.handle(request.message, twin: request.twin)
            }
        }
        continuation.finish()
    }
}
