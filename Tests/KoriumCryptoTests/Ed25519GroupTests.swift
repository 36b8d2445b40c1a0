import Foundation
import KoriumCrypto
import Testing

/// Vectors/ed25519/group.json, made by Vectors/generators/ed25519_group.py (RFC 8032 §6
/// reference arithmetic in plain Python, independent of libsodium).
private struct GroupVectors: Decodable {
    struct Multiple: Decodable { let scalar: String; let point: String }
    struct Sum: Decodable { let a: String; let b: String; let sum: String; let difference: String }
    struct ScalarOps: Decodable {
        let a, b, sum, difference, product, negation, inverse, complement: String
    }
    struct Wide: Decodable { let input: String; let reduced: String }
    let base_point: String
    let order: String
    let small_order_points: [String]
    let negative_zero_points: [String]
    let non_canonical_points: [String]
    let off_curve_points: [String]
    let mixed_order_point: String
    let base_multiples: [Multiple]
    let point_sums: [Sum]
    let scalar_ops: [ScalarOps]
    let wide_reductions: [Wide]

    static func load() throws -> GroupVectors {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let data = try Data(contentsOf: root.appendingPathComponent("Vectors/ed25519/group.json"))
        return try JSONDecoder().decode(GroupVectors.self, from: data)
    }
}

/// SplitMix64: a small seeded generator so random properties are reproducible.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Ed25519 group and scalars")
struct Ed25519GroupTests {
    @Test("base point encoding is RFC 8032's B = (x, 4/5)")
    func basePointEncoding() throws {
        let v = try GroupVectors.load()
        #expect(hexString(Ed25519Point.generator.bytes) == v.base_point)
        #expect(Ed25519Point.baseMultiplied(by: .one) == .generator)
        #expect(try Ed25519Point(validating: hexBytes(v.base_point)) == .generator)
    }

    @Test("k·B matches the independent reference for fixed scalars")
    func baseMultiples() throws {
        let v = try GroupVectors.load()
        for m in v.base_multiples {
            let k = try Ed25519Scalar(canonicalBytes: hexBytes(m.scalar))
            let expected = try Ed25519Point(validating: hexBytes(m.point))
            #expect(hexString(Ed25519Point.baseMultiplied(by: k).bytes) == m.point)
            #expect(Ed25519Point.generator.multiplied(by: k) == expected)
        }
    }

    @Test("point sums and differences match the reference")
    func pointSums() throws {
        let v = try GroupVectors.load()
        for s in v.point_sums {
            let a = try Ed25519Point(validating: hexBytes(s.a))
            let b = try Ed25519Point(validating: hexBytes(s.b))
            #expect(hexString((a + b).bytes) == s.sum)
            #expect(hexString((a - b).bytes) == s.difference)
            #expect(a - a == .identity)
            #expect(a + b.negated == a - b)
        }
    }

    @Test("2·B = B + B and (a + b)·B = a·B + b·B")
    func homomorphism() {
        var rng = SplitMix64(state: 0x6b6f_7269_756d)
        let two = Ed25519Scalar(2)
        #expect(Ed25519Point.baseMultiplied(by: two) == .generator + .generator)
        for _ in 0..<16 {
            let a = Ed25519Scalar.random(using: &rng)
            let b = Ed25519Scalar.random(using: &rng)
            let aB = Ed25519Point.baseMultiplied(by: a)
            let bB = Ed25519Point.baseMultiplied(by: b)
            #expect(Ed25519Point.baseMultiplied(by: a + b) == aB + bB)
            #expect(Ed25519Point.baseMultiplied(by: a - b) == aB - bB)
            #expect(aB.multiplied(by: b) == bB.multiplied(by: a))
            #expect(Ed25519Point.baseMultiplied(by: a * b) == aB.multiplied(by: b))
        }
    }

    @Test("L is not a canonical scalar; (L−1)·B + B = I; identity and zero cases")
    func orderAndIdentity() throws {
        let v = try GroupVectors.load()
        #expect(throws: CryptoError.invalidScalar) { try Ed25519Scalar(canonicalBytes: hexBytes(v.order)) }
        let lMinusOne = Ed25519Scalar.one.negated
        let minusB = Ed25519Point.baseMultiplied(by: lMinusOne)
        #expect(minusB == Ed25519Point.generator.negated)
        #expect((minusB + .generator).isIdentity)
        #expect(Ed25519Point.baseMultiplied(by: .zero) == .identity)
        #expect(Ed25519Point.generator.multiplied(by: .zero) == .identity)
        #expect(Ed25519Point.identity.multiplied(by: lMinusOne) == .identity)
        // libsodium's clamped multiplication refuses the identity and small-order inputs.
        #expect(throws: CryptoError.invalidPoint) {
            try Ed25519Point.identity.multipliedClamped(by: [UInt8](repeating: 7, count: 32))
        }
        #expect(throws: CryptoError.invalidScalar) { try Ed25519Point.generator.multipliedClamped(by: [1, 2, 3]) }
        #expect(throws: CryptoError.invalidScalar) { try Ed25519Point.baseMultipliedClamped(by: [UInt8](repeating: 0, count: 31)) }
    }

    @Test("DeserializeElement rejects identity, small order, torsion, non-canonical and off-curve encodings")
    func validation() throws {
        let v = try GroupVectors.load()
        let bad = v.small_order_points + v.negative_zero_points + v.non_canonical_points + v.off_curve_points
            + [v.mixed_order_point]
        #expect(bad.count >= 20)
        for h in bad {
            #expect(throws: CryptoError.invalidPoint) { try Ed25519Point(validating: hexBytes(h)) }
        }
        #expect(throws: CryptoError.invalidPoint) { try Ed25519Point(validating: [UInt8](repeating: 0x58, count: 31)) }
        #expect(throws: CryptoError.invalidPoint) { try Ed25519Point(validating: hexBytes(v.base_point) + [0]) }
    }

    @Test("scalar add/sub/mul/negate/invert/complement match the reference")
    func scalarOps() throws {
        let v = try GroupVectors.load()
        for o in v.scalar_ops {
            let a = try Ed25519Scalar(canonicalBytes: hexBytes(o.a))
            let b = try Ed25519Scalar(canonicalBytes: hexBytes(o.b))
            #expect(hexString((a + b).bytes) == o.sum)
            #expect(hexString((a - b).bytes) == o.difference)
            #expect(hexString((a * b).bytes) == o.product)
            #expect(hexString(a.negated.bytes) == o.negation)
            #expect(hexString(try a.inverted().bytes) == o.inverse)
            #expect(hexString(a.complement.bytes) == o.complement)
            #expect(try a.inverted() * a == .one)
            #expect(a + a.negated == .zero)
        }
        #expect(throws: CryptoError.invalidScalar) { try Ed25519Scalar.zero.inverted() }
    }

    @Test("64-byte reduction matches the reference (incl. L → 0, L+1 → 1, 2^512−1)")
    func wideReduction() throws {
        let v = try GroupVectors.load()
        for w in v.wide_reductions {
            #expect(hexString(try Ed25519Scalar(reducingWide: hexBytes(w.input)).bytes) == w.reduced)
        }
        #expect(throws: CryptoError.invalidScalar) { try Ed25519Scalar(reducingWide: [UInt8](repeating: 0, count: 63)) }
    }

    @Test("canonical scalar check: L−1 accepted, L and top-bit inputs rejected")
    func canonicalScalars() throws {
        let v = try GroupVectors.load()
        var lMinusOne = hexBytes(v.order)
        lMinusOne[0] -= 1
        #expect(try Ed25519Scalar(canonicalBytes: lMinusOne) == Ed25519Scalar.one.negated)
        var high = [UInt8](repeating: 0, count: 32)
        high[31] = 0x20
        #expect(throws: CryptoError.invalidScalar) { try Ed25519Scalar(canonicalBytes: high) }
        #expect(throws: CryptoError.invalidScalar) { try Ed25519Scalar(canonicalBytes: [UInt8](repeating: 0xff, count: 32)) }
        #expect(throws: CryptoError.invalidScalar) { try Ed25519Scalar(canonicalBytes: [UInt8](repeating: 0, count: 33)) }
        #expect(Ed25519Scalar(3) < Ed25519Scalar(256))
        #expect(!(Ed25519Scalar(256) < Ed25519Scalar(3)))
        #expect(Ed25519Scalar(0x0102).bytes.prefix(3) == [0x02, 0x01, 0x00])
    }

    @Test("random scalars are canonical, non-zero and distinct")
    func randomScalars() throws {
        var seen = Set<Ed25519Scalar>()
        for _ in 0..<32 {
            let s = Ed25519Scalar.random()
            #expect(!s.isZero)
            #expect(try Ed25519Scalar(canonicalBytes: s.bytes) == s)
            seen.insert(s)
        }
        #expect(seen.count == 32)
        var a = SplitMix64(state: 1)
        var b = SplitMix64(state: 1)
        #expect(Ed25519Scalar.random(using: &a) == Ed25519Scalar.random(using: &b))
    }

    @Test("RFC 8032 §7.1 TEST 1: public key = clamp(SHA-512(seed)[0..<32])·B")
    func rfc8032PublicKey() throws {
        let seed = hexBytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
        let h = SHA512.hash(seed)
        let pk = try Ed25519Point.baseMultipliedClamped(by: h[0..<32])
        #expect(hexString(pk.bytes) == "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        #expect(try Ed25519Point(validating: pk.bytes) == pk)
        // Clamped multiplication of B by the same bytes agrees with the base-point form, and
        // equals the unclamped multiplication by the clamped integer reduced mod L.
        #expect(try Ed25519Point.generator.multipliedClamped(by: h[0..<32]) == pk)
        var clamped = Array(h[0..<32])
        clamped[0] &= 248
        clamped[31] &= 127
        clamped[31] |= 64
        let reduced = try Ed25519Scalar(reducingWide: clamped + [UInt8](repeating: 0, count: 32))
        #expect(Ed25519Point.baseMultiplied(by: reduced) == pk)
    }

    @Test("secret scalars: zeroizing storage round-trips, constant-time ==, redacted description")
    func secretScalar() throws {
        let s = Ed25519Scalar.random()
        let secret = Ed25519SecretScalar(s)
        #expect(secret.scalar == s)
        #expect(secret == Ed25519SecretScalar(s))
        #expect(secret != Ed25519SecretScalar.random())
        #expect(secret.publicPoint == Ed25519Point.baseMultiplied(by: s))
        #expect(!secret.description.contains(hexString(s.bytes)))
        #expect(secret.withUnsafeBytes { Array($0) } == s.bytes)
        #expect(throws: CryptoError.invalidScalar) { try Ed25519SecretScalar(canonicalBytes: [UInt8](repeating: 0xff, count: 32)) }
    }
}
