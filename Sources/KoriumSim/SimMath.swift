/// Math the engine needs, written with basic IEEE-754 operations only (+, −, ×, ÷ are exactly
/// specified), so random samples are the same on every platform and libm version.
public enum SimMath {
    /// ln 2 split into a high part with trailing zero bits and a low correction (fdlibm's split).
    @usableFromInline static let ln2High = 6.93147180369123816490e-01
    @usableFromInline static let ln2Low = 1.90821492927058770002e-10

    /// The natural logarithm of `x` (> 0), accurate to a few ulps.
    ///
    /// x = m·2^e with m in [√½, √2); ln m = 2·atanh(s) with s = (m−1)/(m+1), |s| ≤ 0.1716, summed
    /// as an odd series to s^23 (remainder below 1e-18).
    @inlinable
    public static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return .infinity }
        var e = Int(x.exponent)
        var m = x.significand  // [1, 2)
        if m > 1.4142135623730951 {
            m /= 2
            e += 1
        }
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var term = s
        var sum = 0.0
        var k = 1.0
        for _ in 0..<12 {
            sum += term / k
            term *= s2
            k += 2
        }
        let fe = Double(e)
        return (fe * ln2High + (2 * sum + fe * ln2Low))
    }
}
