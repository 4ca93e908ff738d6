import BuildingSimulator
import Foundation
import Logging
import UmweltCore
import UmweltMQTT

/// Runs the building simulator against a broker: publishes each tick's messages in the
/// twin's own topics and formats, paced at `speed` simulated seconds per wall second.
///
/// The simulated clock starts `startOffsetSeconds` in the past; once it reaches the wall
/// clock it continues in real time, so payload timestamps never lie in the future.
public struct SimulationPublisher: Sendable {
    public var twin: TwinDefinition
    public var speed: Double
    public var startOffsetSeconds: Double
    /// Stop after this many simulated seconds (nil: until cancelled).
    public var durationSeconds: Double?
    public var seed: UInt64

    public init(
        twin: TwinDefinition,
        speed: Double,
        startOffsetSeconds: Double = 7 * 86_400,
        durationSeconds: Double? = nil,
        seed: UInt64 = 1
    ) {
        self.twin = twin
        self.speed = speed
        self.startOffsetSeconds = startOffsetSeconds
        self.durationSeconds = durationSeconds
        self.seed = seed
    }

    /// Publishes until the duration is reached or the task is cancelled; returns the number of messages.
    @discardableResult
    public func run(client: MQTTClient, logger: Logger, progress: (@Sendable (Double, Int) -> Void)? = nil) async throws
        -> Int
    {
        let wallStart = Date().timeIntervalSince1970
        let tick = 60.0
        let simulatedStart = (floor((wallStart - startOffsetSeconds) / tick)) * tick
        var configuration = SimulatorConfiguration(start: simulatedStart)
        configuration.seed = seed
        configuration.tickSeconds = tick
        var simulator = BuildingSimulator(twin: twin, configuration: configuration)
        var published = 0
        let clock = ContinuousClock()
        let began = clock.now
        var lastProgress = began
        while !Task.isCancelled {
            let messages = simulator.step()
            for message in messages {
                try client.publish(Message(topic: message.topic, payload: message.payload, qos: 1, retain: false))
            }
            published += messages.count
            let elapsedSimulated = simulator.time - simulatedStart
            if let durationSeconds, elapsedSimulated >= durationSeconds { break }
            // Pace: `speed` simulated seconds per wall second (0: as fast as possible), and
            // never past the wall clock: from there on, real time.
            if simulator.time >= Date().timeIntervalSince1970 {
                try await Task.sleep(for: .seconds(tick))
            } else if speed > 0 {
                let target = began + .seconds(elapsedSimulated / speed)
                if target > clock.now { try await Task.sleep(until: target, clock: clock) }
            } else {
                await Task.yield()
            }
            if let progress, clock.now - lastProgress > .seconds(1) {
                lastProgress = clock.now
                progress(simulator.time, published)
            }
        }
        logger.info("simulation finished", metadata: ["messages": "\(published)"])
        return published
    }
}
