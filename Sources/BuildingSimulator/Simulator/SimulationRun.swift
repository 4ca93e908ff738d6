import UmweltCore

/// The true state of one zone at one simulated time.
public struct TruthSample: Sendable, Hashable {
    /// Unix seconds.
    public var time: Double
    public var zone: String
    public var truth: ZoneTruth

    public init(time: Double, zone: String, truth: ZoneTruth) {
        self.time = time
        self.zone = zone
        self.truth = truth
    }
}

/// Runs a simulator for a number of ticks and keeps what it published and, when asked,
/// the true state of every indoor zone after each tick (for tests and recordings).
///
/// Memory grows with the run: about 15 messages per tick for the demo office, so a week
/// at one-minute ticks holds some 150 000 messages.
public struct SimulationRun: Sendable {
    public private(set) var simulator: BuildingSimulator
    public private(set) var messages: [SimulatedMessage] = []
    public private(set) var truth: [TruthSample] = []
    /// Write messages each tick (false: physics only, much faster).
    public var composesMessages: Bool
    /// Record every indoor zone's truth after each tick.
    public var recordsTruth: Bool

    public init(
        twin: TwinDefinition,
        configuration: SimulatorConfiguration,
        composesMessages: Bool = true,
        recordsTruth: Bool = false
    ) {
        simulator = BuildingSimulator(twin: twin, configuration: configuration)
        self.composesMessages = composesMessages
        self.recordsTruth = recordsTruth
    }

    /// Runs `ticks` ticks.
    public mutating func run(ticks: Int) {
        for _ in 0..<max(ticks, 0) {
            if composesMessages {
                messages.append(contentsOf: simulator.step())
            } else {
                simulator.advance()
            }
            if recordsTruth {
                for zone in simulator.indoorZones {
                    if let state = simulator.trueState(zone: zone) {
                        truth.append(TruthSample(time: simulator.time, zone: zone, truth: state))
                    }
                }
            }
        }
    }

    /// Runs until the simulated time reaches `time` (Unix seconds).
    public mutating func run(until time: Double) {
        let remaining = (time - simulator.time) / simulator.tickSeconds
        run(ticks: Int(remaining.rounded(.up)))
    }

    /// Runs for `hours` simulated hours.
    public mutating func run(hours: Double) {
        run(until: simulator.time + hours * 3_600)
    }

    /// Applies an override from the current simulated time on.
    public mutating func apply(_ override: SimulatorOverride) {
        simulator.apply(override)
    }

    /// The messages of `ticks` ticks of a fresh simulator.
    public static func messages(twin: TwinDefinition, configuration: SimulatorConfiguration, ticks: Int)
        -> [SimulatedMessage]
    {
        var run = SimulationRun(twin: twin, configuration: configuration)
        run.run(ticks: ticks)
        return run.messages
    }
}
