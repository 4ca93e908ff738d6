import UmweltCore

/// The aggregate of one series over one step: mean, count, extremes and the latest reading.
public struct StepValue: Sendable, Codable, Hashable {
    public var mean: Double
    public var count: Int
    public var min: Double
    public var max: Double
    public var last: Double

    public init(mean: Double, count: Int, min: Double, max: Double, last: Double) {
        self.mean = mean
        self.count = count
        self.min = min
        self.max = max
        self.last = last
    }

    /// A step value made of one reading.
    public init(single value: Double) {
        self.init(mean: value, count: 1, min: value, max: value, last: value)
    }
}

/// One closed step `[start, start + step)`: the aggregate of every series that reported in it.
public struct ClosedStep: Sendable, Codable, Hashable {
    /// Start of the step, Unix seconds, a multiple of the step length.
    public var start: Double
    public var values: [SeriesKey: StepValue]

    public init(start: Double, values: [SeriesKey: StepValue]) {
        self.start = start
        self.values = values
    }
}
