internal import GRDB

extension StateStore {
    /// Saves issued forecasts in one transaction, for scoring when the truth arrives.
    ///
    /// Keyed by twin, zone, quantity, issue time and target time: saving the same key again
    /// replaces the forecast but keeps an observation already recorded.
    public func saveForecastIssues(_ forecasts: [StoredForecast]) async throws {
        guard !forecasts.isEmpty else { return }
        try await performWrite("save \(forecasts.count) issued forecasts") { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO forecasts (
                        twin, zone, quantity, issued_at, target_time, mean, lower, upper, level, observed
                    ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (twin, zone, quantity, issued_at, target_time) DO UPDATE SET
                        mean = excluded.mean, lower = excluded.lower, upper = excluded.upper,
                        level = excluded.level, observed = coalesce(excluded.observed, forecasts.observed)
                    """
            )
            for forecast in forecasts {
                try statement.execute(arguments: [
                    forecast.twin, forecast.zone, forecast.quantity, forecast.issuedAt, forecast.targetTime,
                    forecast.mean, forecast.lower, forecast.upper, forecast.level, forecast.observed,
                ])
            }
        }
    }

    /// Records the observed value of a series for every unscored forecast targeting
    /// `targetTime ± tolerance` (seconds). Returns how many forecasts were scored.
    @discardableResult
    public func scoreForecasts(
        twin: String,
        zone: String,
        quantity: String,
        targetTime: Double,
        observed: Double,
        tolerance: Double = 0
    ) async throws -> Int {
        try await performWrite("score forecasts of \(twin)/\(zone)/\(quantity) at \(targetTime)") { db in
            try db.execute(
                sql: """
                    UPDATE forecasts SET observed = ?
                    WHERE twin = ? AND zone = ? AND quantity = ? AND observed IS NULL
                    AND target_time >= ? AND target_time <= ?
                    """,
                arguments: [observed, twin, zone, quantity, targetTime - tolerance, targetTime + tolerance]
            )
            return db.changesCount
        }
    }

    /// Issued forecasts of a twin with `from <= targetTime < to`, ordered by target time, then issue time.
    public func forecastIssues(twin: String, from: Double, to: Double, limit: Int) async throws -> [StoredForecast] {
        guard limit > 0 else { return [] }
        return try await performRead("read issued forecasts of twin \"\(twin)\"") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM forecasts WHERE twin = ? AND target_time >= ? AND target_time < ?
                    ORDER BY target_time, issued_at, zone, quantity LIMIT ?
                    """,
                arguments: [twin, from, to, limit]
            ).map(StoredForecast.init(row:))
        }
    }

    /// Live accuracy of a twin's scored forecasts with `targetTime >= since`, per zone,
    /// quantity and horizon (whole seconds), ordered by zone, quantity, horizon.
    public func forecastAccuracy(twin: String, since: Double) async throws -> [ForecastAccuracy] {
        try await performRead("compute forecast accuracy of twin \"\(twin)\"") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT zone, quantity, round(target_time - issued_at) AS horizon, count(*) AS n,
                        avg(abs(observed - mean)) AS mae,
                        avg((observed - mean) * (observed - mean)) AS mse,
                        avg(observed - mean) AS bias,
                        avg(CASE WHEN observed >= lower AND observed <= upper THEN 1.0 ELSE 0.0 END) AS coverage,
                        avg(level) AS level
                    FROM forecasts WHERE twin = ? AND observed IS NOT NULL AND target_time >= ?
                    GROUP BY zone, quantity, horizon ORDER BY zone, quantity, horizon
                    """,
                arguments: [twin, since]
            ).map { row in
                ForecastAccuracy(
                    zone: try row.decode(String.self, forColumn: "zone"),
                    quantity: try row.decode(String.self, forColumn: "quantity"),
                    horizonSeconds: try row.decode(Double.self, forColumn: "horizon"),
                    count: try row.decode(Int.self, forColumn: "n"),
                    meanAbsoluteError: try row.decode(Double.self, forColumn: "mae"),
                    rootMeanSquareError: try row.decode(Double.self, forColumn: "mse").squareRoot(),
                    bias: try row.decode(Double.self, forColumn: "bias"),
                    coverage: try row.decode(Double.self, forColumn: "coverage"),
                    nominalLevel: try row.decode(Double.self, forColumn: "level")
                )
            }
        }
    }

    /// Deletes every twin's issued forecasts with `targetTime < time` (retention). Returns how many.
    @discardableResult
    public func deleteForecastIssues(olderThan time: Double) async throws -> Int {
        try await performWrite("delete issued forecasts older than \(time)") { db in
            try db.execute(sql: "DELETE FROM forecasts WHERE target_time < ?", arguments: [time])
            return db.changesCount
        }
    }
}

extension StoredForecast {
    fileprivate init(row: Row) throws {
        self.init(
            twin: try row.decode(String.self, forColumn: "twin"),
            zone: try row.decode(String.self, forColumn: "zone"),
            quantity: try row.decode(String.self, forColumn: "quantity"),
            issuedAt: try row.decode(Double.self, forColumn: "issued_at"),
            targetTime: try row.decode(Double.self, forColumn: "target_time"),
            mean: try row.decode(Double.self, forColumn: "mean"),
            lower: try row.decode(Double.self, forColumn: "lower"),
            upper: try row.decode(Double.self, forColumn: "upper"),
            level: try row.decode(Double.self, forColumn: "level"),
            observed: try row.decode(Double?.self, forColumn: "observed")
        )
    }
}
