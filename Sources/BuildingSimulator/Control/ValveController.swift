/// A proportional-integral valve controller with conditional integration (anti-windup),
/// used for heating (e = T_set − T_air) and for cooling (e = T_air − T_cool).
///
///     u = clamp(K_p e + I, 0, 1)
///     I ← clamp(I + K_p e Δt / T_i, 0, 1)   only while K_p e + I lies inside (0, 1)
///                                           or e pulls the output out of saturation
///
/// `u` is the valve fraction in [0, 1]; the power is u · Φ_max. With K_p = 0.8 /K (full
/// power at 1.25 K of error) and T_i = 30 min, it holds an air node of half an hour's time
/// constant within a few tenths of a kelvin whenever the plant has the power.
struct ValveController: Sendable, Hashable {
    var gainPerKelvin = 0.8
    var integralTimeSeconds = 1_800.0
    /// The integral term I, in [0, 1].
    private(set) var integral = 0.0

    /// The valve fraction for the next interval, updating the integral; `error` in K,
    /// positive when the zone needs this controller's power.
    mutating func update(error: Double, seconds: Double) -> Double {
        let proportional = gainPerKelvin * error
        let unsaturated = proportional + integral
        let saturatedHigh = unsaturated >= 1 && error > 0
        let saturatedLow = unsaturated <= 0 && error < 0
        if !saturatedHigh && !saturatedLow {
            integral = min(max(integral + gainPerKelvin * error * seconds / integralTimeSeconds, 0), 1)
        }
        return min(max(proportional + integral, 0), 1)
    }

    /// Forgets the integral (plant switched off).
    mutating func reset() {
        integral = 0
    }
}
