import KoriumCrypto

/// Scalar polynomials for secret sharing (RFC 9591 §4.2 and Appendix C.1).
enum Polynomial {
    /// RFC 9591 Appendix C.1 `polynomial_evaluate`: Horner's rule, coefficients constant-first.
    static func evaluate(_ coefficients: [Ed25519Scalar], at x: Ed25519Scalar) -> Ed25519Scalar {
        var value = Ed25519Scalar.zero
        for c in coefficients.reversed() {
            value *= x
            value += c
        }
        return value
    }

    /// Σ_k commitment[k] · x^k: the public image of `evaluate` over a VSS commitment
    /// (RFC 9591 Appendix C.2 `vss_verify` / `derive_group_info`).
    static func evaluate(_ commitment: [Ed25519Point], at x: Ed25519Scalar) -> Ed25519Point {
        // Horner's rule in the group: ((C_{t-1}·x + C_{t-2})·x + …)·x + C_0.
        var value = Ed25519Point.identity
        for c in commitment.reversed() {
            value = value.multiplied(by: x) + c
        }
        return value
    }

    /// RFC 9591 §4.2 `derive_interpolating_value`: the Lagrange coefficient of `x` for the set
    /// `xs` at 0, Π_{j≠i} x_j / (x_j − x_i).
    ///
    /// - Throws: `FROSTError.unknownIdentifier` if `x` is not in `xs`;
    ///   `FROSTError.duplicateIdentifier` if an x-coordinate repeats.
    static func lagrangeCoefficient(
        for x: FROSTIdentifier, in xs: [FROSTIdentifier]
    ) throws(FROSTError) -> Ed25519Scalar {
        // RFC 9591 §4.2: "invalid parameters" if x_i is not in L or any x-coordinate repeats.
        guard xs.contains(x) else { throw .unknownIdentifier(x) }
        var seen = Set<FROSTIdentifier>()
        for xj in xs where !seen.insert(xj).inserted { throw .duplicateIdentifier(xj) }
        var numerator = Ed25519Scalar.one
        var denominator = Ed25519Scalar.one
        for xj in xs where xj != x {
            numerator *= xj.scalar
            denominator *= xj.scalar - x.scalar
        }
        // Distinct non-zero identifiers make every factor non-zero, so the inverse exists.
        guard let inverse = try? denominator.inverted() else { throw .duplicateIdentifier(x) }
        return numerator * inverse
    }

    /// RFC 9591 Appendix C.1 `polynomial_interpolate_constant`: f(0) from distinct points.
    static func interpolateConstant(
        _ points: [(x: FROSTIdentifier, y: Ed25519Scalar)]
    ) throws(FROSTError) -> Ed25519Scalar {
        let xs = points.map(\.x)
        var f0 = Ed25519Scalar.zero
        for (x, y) in points {
            f0 += y * (try lagrangeCoefficient(for: x, in: xs))
        }
        return f0
    }

    /// `count` coefficients drawn from `generator` (RFC 9591 RandomScalar), zero excluded so
    /// every coefficient commitment is serializable.
    static func randomCoefficients(
        count: Int, using generator: inout some RandomNumberGenerator
    ) -> [Ed25519Scalar] {
        var out: [Ed25519Scalar] = []
        out.reserveCapacity(count)
        while out.count < count {
            let c = Ed25519Scalar.random(using: &generator)
            if !c.isZero { out.append(c) }
        }
        return out
    }
}
