import Foundation

/// The outdoor conditions at one instant, in canonical units.
public struct OutdoorTruth: Sendable, Hashable {
    /// Air temperature, °C.
    public var temperature: Double
    /// Relative humidity, %.
    public var humidity: Double
    /// Global horizontal irradiance, W/m².
    public var solar: Double
    /// CO2, ppm.
    public var co2: Double
    /// Cloud cover in [0, 1].
    public var cloudCover: Double

    /// Humidity ratio W, kg/kg.
    var humidityRatio: Double {
        Psychrometrics.humidityRatio(relativeHumidity: humidity, celsius: temperature)
    }

    /// Daylight illuminance on a horizontal surface, lux (about 120 lm per W of sunlight).
    var illuminance: Double { solar * 120 }
}

/// Outdoor weather: a seasonal mean, a daily cycle and slow random weather.
///
///     T_o(t) = T̄(season) + d(t) + Δ − A · cos(2π (h − 5) / 24)
///
/// with the seasonal mean T̄ = 11 − 7 cos φ °C (4 °C in mid-January, 18 °C in mid-July; φ is
/// `LocalTime.seasonAngle`), the daily amplitude A = (4 + 3 s)(1 − 0.4 c) K (s the
/// summerness, c the cloud cover), the minimum at 05:00 local, a weather drift d that is an
/// AR(1) (Ornstein–Uhlenbeck) process with a 3-day time constant and 2.5 K stationary
/// standard deviation,
///
///     d[k+1] = d[k] e^(−Δt/τ) + σ √(1 − e^(−2Δt/τ)) ε,   ε ~ N(0, 1)
///
/// and Δ the "what if" offset. Clouds c = logistic(0.4 + 1.5 z) with z a unit OU process of
/// 10 h time constant. Solar irradiance is a clipped daily sine between sunrise and sunset
/// (day length 8 h in winter to 16 h in summer), peak 400 W/m² in winter to 850 W/m² in
/// summer, dimmed by clouds to 25 %. Relative humidity falls as the day warms:
/// RH = 80 − 12 s + 10 (c − 0.5) − 2.5 (T_o − T̄ − d − Δ), clamped to 30…100 %.
struct OutdoorWeather: Sendable {
    static let co2PPM = 420.0
    static let driftTimeConstantSeconds = 3 * 86_400.0
    static let driftStandardDeviation = 2.5
    static let cloudTimeConstantSeconds = 10 * 3_600.0

    private var random: SimulationRandom
    private var drift: Double
    private var cloudState: Double
    /// The "what if" offset Δ, K.
    var offsetCelsius = 0.0
    private(set) var conditions: OutdoorTruth

    init(seed: UInt64, local: LocalTime) {
        random = SimulationRandom(seed: seed, stream: "weather")
        drift = Self.driftStandardDeviation * random.normal()
        cloudState = random.normal()
        conditions = OutdoorTruth(temperature: 0, humidity: 80, solar: 0, co2: Self.co2PPM, cloudCover: 0.5)
        conditions = evaluate(local)
    }

    /// Advances the random weather by `seconds` and evaluates the conditions at `local`.
    mutating func advance(seconds: Double, to local: LocalTime) {
        drift = Self.ornsteinUhlenbeck(
            drift,
            seconds: seconds,
            timeConstant: Self.driftTimeConstantSeconds,
            standardDeviation: Self.driftStandardDeviation,
            random: &random
        )
        cloudState = Self.ornsteinUhlenbeck(
            cloudState,
            seconds: seconds,
            timeConstant: Self.cloudTimeConstantSeconds,
            standardDeviation: 1,
            random: &random
        )
        conditions = evaluate(local)
    }

    /// Re-evaluates the conditions at `local` without advancing the random weather (after an override).
    mutating func refresh(at local: LocalTime) {
        conditions = evaluate(local)
    }

    private func evaluate(_ local: LocalTime) -> OutdoorTruth {
        let s = local.summerness
        let cloud = 1 / (1 + exp(-(0.4 + 1.5 * cloudState)))
        let dailyMean = 11 - 7 * cos(local.seasonAngle) + drift + offsetCelsius
        let amplitude = (4 + 3 * s) * (1 - 0.4 * cloud)
        let temperature = dailyMean - amplitude * cos(2 * Double.pi * (local.hour - 5) / 24)
        let dayLength = 8 + 8 * s
        let solarNoon = 12.5 + s  // clock time: daylight saving time shifts the sun by an hour
        let sunPosition = (local.hour - (solarNoon - dayLength / 2)) / dayLength
        let clearSky = (400 + 450 * s) * (sunPosition > 0 && sunPosition < 1 ? sin(Double.pi * sunPosition) : 0)
        let humidity = min(max(80 - 12 * s + 10 * (cloud - 0.5) - 2.5 * (temperature - dailyMean), 30), 100)
        return OutdoorTruth(
            temperature: temperature,
            humidity: humidity,
            solar: clearSky * (1 - 0.75 * cloud),
            co2: Self.co2PPM,
            cloudCover: cloud
        )
    }

    /// One exact step of an Ornstein–Uhlenbeck process with mean zero.
    static func ornsteinUhlenbeck(
        _ x: Double,
        seconds: Double,
        timeConstant: Double,
        standardDeviation: Double,
        random: inout SimulationRandom
    ) -> Double {
        let decay = exp(-seconds / timeConstant)
        return x * decay + standardDeviation * (1 - decay * decay).squareRoot() * random.normal()
    }
}
