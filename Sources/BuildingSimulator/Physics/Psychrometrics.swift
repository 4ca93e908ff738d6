import Foundation

/// Moist-air relations at sea-level pressure, in SI units.
///
/// Saturation vapour pressure by the Magnus formula (Alduchov and Eskridge 1996), good to
/// 0.4 % between −40 °C and 50 °C:
///
///     p_ws(T) = 610.94 Pa · exp(17.625 T / (T + 243.04))        T in °C
///
/// Humidity ratio W (kg water per kg dry air) from the vapour pressure p_w:
///
///     W = 0.622 p_w / (p − p_w),   p_w = p W / (0.622 + W),   RH = 100 p_w / p_ws(T)
enum Psychrometrics {
    /// Standard atmospheric pressure p, Pa.
    static let pressurePascals = 101_325.0
    /// Density of air ρ, kg/m³.
    static let airDensity = 1.2
    /// Specific heat of air c_p, J/(kg·K).
    static let airSpecificHeat = 1005.0
    /// Volumetric heat capacity of air ρ c_p, J/(m³·K).
    static let airVolumetricHeatCapacity = airDensity * airSpecificHeat

    /// p_ws(T), Pa.
    static func saturationPressure(celsius: Double) -> Double {
        610.94 * exp(17.625 * celsius / (celsius + 243.04))
    }

    /// W from relative humidity (%) and temperature (°C).
    static func humidityRatio(relativeHumidity: Double, celsius: Double) -> Double {
        let vapour = min(max(relativeHumidity, 0), 100) / 100 * saturationPressure(celsius: celsius)
        return 0.622 * vapour / (pressurePascals - vapour)
    }

    /// Relative humidity (%, clamped to [0, 100]: surplus vapour condenses) from W and °C.
    static func relativeHumidity(humidityRatio: Double, celsius: Double) -> Double {
        let vapour = pressurePascals * humidityRatio / (0.622 + humidityRatio)
        return min(max(100 * vapour / saturationPressure(celsius: celsius), 0), 100)
    }

    /// Dew point (°C) by inverting the Magnus formula.
    static func dewPoint(celsius: Double, relativeHumidity: Double) -> Double {
        let gamma = log(max(relativeHumidity, 0.1) / 100) + 17.625 * celsius / (celsius + 243.04)
        return 243.04 * gamma / (17.625 - gamma)
    }
}
