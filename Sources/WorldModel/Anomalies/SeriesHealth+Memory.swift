extension SeriesHealth {
    /// Detector state beyond the first version's.
    struct Memory: Sendable, Codable, Hashable {
        /// CUSUM statistics of the standardised residual, upwards and downwards.
        var cusumHigh = 0.0
        var cusumLow = 0.0
        /// Mean square of the standardised residual (its variance, learned).
        var residualSquare = 1.5625
        /// Mean product of consecutive standardised residuals (their lag-1 autocovariance).
        var residualLagProduct = 0.0
        /// Standardised signed residuals of the latest and the one before, with the step index.
        var lastResidual: Double?
        /// The latest residual `r` before standardisation (for the autocorrelation).
        var lastRawResidual: Double?
        var previousResidual: Double?
        var residualIndex: Int?
        /// Decaying maximum of the completed runs of identical step values.
        var longestRun = 0.0
        /// Observed steps whose value differed from the step before.
        var changes = 0
        /// Latest observed step value and its index.
        var previousValue: Double?
        var previousIndex: Int?
        /// Recent observed step values (newest last, at most 7), for trends.
        var recentLevels: [Double] = []
        /// Consecutive steps a zone rule held (setpoint deficit, sensor spread, unusual presence).
        var conditionRun = 0
        /// Consecutive steps two sensors of the series disagreed.
        var spreadRun = 0
        /// Lowest value since the zone was last seen empty (CO2 versus occupancy).
        var lowestWhileEmpty: Double?
        /// Steps left of faster adaptation after a drift.
        var adaptationSteps = 0
        /// Typical range (max − min) of the readings inside one step, learned.
        var typicalRange = 0.0
        var rangeSteps = 0
        /// Signed standardised one-step residuals `(y − ŷ) / s₁` of the latest steps (newest
        /// last, at most 3), the last one of step `surpriseIndex`: the zone rules' evidence.
        var surprises: [Double] = []
        var surpriseIndex: Int?
        /// Share of the steps with 2 or more readings whose readings were all identical (learned,
        /// exponentially weighted), and how many such steps taught it.
        var flatShare = 0.0
        var flatSteps = 0

        init() {}

        enum CodingKeys: String, CodingKey {
            case cusumHigh, cusumLow, residualSquare, residualLagProduct, lastResidual, lastRawResidual
            case previousResidual, residualIndex, longestRun, changes, previousValue, previousIndex
            case recentLevels, conditionRun, spreadRun, lowestWhileEmpty, adaptationSteps, typicalRange
            case rangeSteps, surprises, surpriseIndex, flatShare, flatSteps
        }

        /// Reads checkpoints written before a field existed (absent fields keep their defaults).
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
                try container.decodeIfPresent(T.self, forKey: key) ?? fallback
            }
            cusumHigh = try value(.cusumHigh, 0)
            cusumLow = try value(.cusumLow, 0)
            residualSquare = try value(.residualSquare, 1.5625)
            residualLagProduct = try value(.residualLagProduct, 0)
            lastResidual = try container.decodeIfPresent(Double.self, forKey: .lastResidual)
            lastRawResidual = try container.decodeIfPresent(Double.self, forKey: .lastRawResidual)
            previousResidual = try container.decodeIfPresent(Double.self, forKey: .previousResidual)
            residualIndex = try container.decodeIfPresent(Int.self, forKey: .residualIndex)
            longestRun = try value(.longestRun, 0)
            changes = try value(.changes, 0)
            previousValue = try container.decodeIfPresent(Double.self, forKey: .previousValue)
            previousIndex = try container.decodeIfPresent(Int.self, forKey: .previousIndex)
            recentLevels = try value(.recentLevels, [])
            conditionRun = try value(.conditionRun, 0)
            spreadRun = try value(.spreadRun, 0)
            lowestWhileEmpty = try container.decodeIfPresent(Double.self, forKey: .lowestWhileEmpty)
            adaptationSteps = try value(.adaptationSteps, 0)
            typicalRange = try value(.typicalRange, 0)
            rangeSteps = try value(.rangeSteps, 0)
            surprises = try value(.surprises, [])
            surpriseIndex = try container.decodeIfPresent(Int.self, forKey: .surpriseIndex)
            flatShare = try value(.flatShare, 0)
            flatSteps = try value(.flatSteps, 0)
        }

        /// Writes absent values as null, so every checkpoint holds the same number of values.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cusumHigh, forKey: .cusumHigh)
            try container.encode(cusumLow, forKey: .cusumLow)
            try container.encode(residualSquare, forKey: .residualSquare)
            try container.encode(residualLagProduct, forKey: .residualLagProduct)
            try container.encode(lastResidual, forKey: .lastResidual)
            try container.encode(lastRawResidual, forKey: .lastRawResidual)
            try container.encode(previousResidual, forKey: .previousResidual)
            try container.encode(residualIndex, forKey: .residualIndex)
            try container.encode(longestRun, forKey: .longestRun)
            try container.encode(changes, forKey: .changes)
            try container.encode(previousValue, forKey: .previousValue)
            try container.encode(previousIndex, forKey: .previousIndex)
            try container.encode(recentLevels, forKey: .recentLevels)
            try container.encode(conditionRun, forKey: .conditionRun)
            try container.encode(spreadRun, forKey: .spreadRun)
            try container.encode(lowestWhileEmpty, forKey: .lowestWhileEmpty)
            try container.encode(adaptationSteps, forKey: .adaptationSteps)
            try container.encode(typicalRange, forKey: .typicalRange)
            try container.encode(rangeSteps, forKey: .rangeSteps)
            try container.encode(surprises, forKey: .surprises)
            try container.encode(surpriseIndex, forKey: .surpriseIndex)
            try container.encode(flatShare, forKey: .flatShare)
            try container.encode(flatSteps, forKey: .flatSteps)
        }
    }
}
