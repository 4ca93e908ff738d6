import Foundation
import Logging
import UmweltMQTT

/// `umwelt replay`: publishes a recording to a broker, each message on its own topic with
/// its payload byte for byte, keeping the recorded spacing divided by `speed`.
///
/// The payloads are not rewritten: a sensor whose payload carries its time (`time_path`)
/// keeps its recorded time; readings without one take the receiving daemon's arrival time
/// (or its data clock while the twin runs in the past), so replay faster than real time
/// only when the twin's sensors carry their times, or use `umwelt backtest` instead.
public struct RecordingPublisher: Sendable {
    public var messages: [RecordedMessage]
    /// Recorded seconds per wall second (1: real time; 0: as fast as possible).
    public var speed: Double
    public var qos: Int

    public init(messages: [RecordedMessage], speed: Double, qos: Int = 1) {
        self.messages = messages.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }
            .map(\.element)
        self.speed = speed
        self.qos = qos
    }

    /// Publishes every message (or until the task is cancelled) and waits until the broker
    /// has acknowledged them (QoS 1); the number published.
    @discardableResult
    public func run(client: MQTTClient, progress: (@Sendable (Double, Int) -> Void)? = nil) async throws -> Int {
        guard let first = messages.first?.time else { return 0 }
        let clock = ContinuousClock()
        let began = clock.now
        var lastProgress = began
        var published = 0
        for message in messages {
            try Task.checkCancellation()
            if speed > 0 {
                let target = began + .seconds((message.time - first) / speed)
                if target > clock.now { try await Task.sleep(until: target, clock: clock) }
            } else if published % Self.batch == 0, published > 0 {
                // As fast as possible, but never more than a batch ahead of the broker.
                guard await client.waitUntilAcknowledged(timeout: .seconds(30)) else {
                    throw ReplayError(message: "the broker acknowledged nothing for 30 s after \(published) messages")
                }
            }
            try client.publish(Message(topic: message.topic, payload: message.payload, qos: qos, retain: false))
            published += 1
            if let progress, clock.now - lastProgress > .seconds(1) {
                lastProgress = clock.now
                progress(message.time, published)
            }
        }
        guard await client.waitUntilAcknowledged(timeout: .seconds(60)) else {
            throw ReplayError(message: "the broker did not acknowledge all \(published) messages within 60 s")
        }
        return published
    }

    /// Messages published as fast as possible between waits for the broker's acknowledgements.
    static let batch = 2_000
}

/// Why a replay stopped.
public struct ReplayError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
