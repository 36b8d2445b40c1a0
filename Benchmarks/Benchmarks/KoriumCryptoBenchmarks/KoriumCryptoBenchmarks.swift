// KoriumCrypto micro-benchmarks. Each AEAD is measured through the KoriumCrypto wrapper and,
// where libsodium has the primitive, through libsodium directly in the same run, so the
// wrapper's cost shows up as a ratio (target: ≤ 5 % at 1,200 bytes). Every hot-path benchmark
// also counts mallocs: the in-place APIs must not allocate.
import Benchmark
import CSodiumDirect
import KoriumCrypto

/// Short runs: the suite must stay a couple of minutes on a shared 2-core machine.
var shortRun: Benchmark.Configuration { Benchmark.Configuration(
    metrics: [.wallClock, .throughput, .mallocCountTotal],
    timeUnits: .nanoseconds,
    scalingFactor: .one,
    maxDuration: .seconds(2),
    maxIterations: 1_000_000
) }

/// QUIC's common packet size and a large TLS record / stream chunk.
let payloadSizes = [1_200, 16_384]

let benchmarks: @Sendable () -> Void = {
    precondition(sodium_init() >= 0)
    registerAEAD("ChaCha20Poly1305", makeCipher: { try ChaCha20Poly1305(key: $0) }, direct: .chacha20Poly1305)
    if AES256GCM.isAvailable {
        registerAEAD("AES256GCM", makeCipher: { try AES256GCM(key: $0) }, direct: .aes256gcm)
    }
    // Pure-Swift constant-time AES-128-GCM: libsodium has no counterpart, so no direct variant.
    registerAEAD("AES128GCM", makeCipher: { try AES128GCM(key: $0) }, direct: nil)
    registerHeaderProtection()
    registerSignatures()
}

/// The libsodium entry points the "direct" variants call.
enum DirectAEAD {
    case chacha20Poly1305
    case aes256gcm
}

/// Registers seal/open at each payload size, wrapper and (if given) direct.
func registerAEAD<C: AEADCipher>(_ name: String, makeCipher: @escaping @Sendable ([UInt8]) throws -> C, direct: DirectAEAD?) {
    for size in payloadSizes {
        Benchmark("\(name) seal \(size) B (KoriumCrypto)", configuration: shortRun) { benchmark in
            let cipher = try makeCipher([UInt8](repeating: 0x42, count: C.keyByteCount))
            var message = [UInt8](repeating: 0xa5, count: size)
            var tag = [UInt8](repeating: 0, count: C.tagByteCount)
            let nonce = [UInt8](repeating: 7, count: C.nonceByteCount)
            let aad = [UInt8](repeating: 0x33, count: 20)
            try message.withUnsafeMutableBytes { m in
                try tag.withUnsafeMutableBytes { t in
                    try nonce.withUnsafeBytes { n in
                        try aad.withUnsafeBytes { a in
                            benchmark.startMeasurement()
                            for _ in benchmark.scaledIterations {
                                try cipher.sealInPlace(m, tag: t, nonce: n, aad: a)
                            }
                            benchmark.stopMeasurement()
                        }
                    }
                }
            }
            blackHole(message)
        }

        Benchmark("\(name) open \(size) B (KoriumCrypto)", configuration: shortRun) { benchmark in
            let cipher = try makeCipher([UInt8](repeating: 0x42, count: C.keyByteCount))
            let plaintext = [UInt8](repeating: 0xa5, count: size)
            let nonce = [UInt8](repeating: 7, count: C.nonceByteCount)
            let aad = [UInt8](repeating: 0x33, count: 20)
            let sealed = try cipher.seal(plaintext, nonce: nonce, aad: aad)
            let ciphertext = Array(sealed.prefix(size))
            let tag = Array(sealed.suffix(C.tagByteCount))
            var work = ciphertext
            try work.withUnsafeMutableBytes { m in
                try ciphertext.withUnsafeBytes { c in
                    try tag.withUnsafeBytes { t in
                        try nonce.withUnsafeBytes { n in
                            try aad.withUnsafeBytes { a in
                                benchmark.startMeasurement()
                                for _ in benchmark.scaledIterations {
                                    // Restore the ciphertext (a memcpy, also done by the direct
                                    // variant) so every iteration authenticates real data.
                                    m.copyMemory(from: c)
                                    try cipher.openInPlace(m, tag: t, nonce: n, aad: a)
                                }
                                benchmark.stopMeasurement()
                            }
                        }
                    }
                }
            }
            blackHole(work)
        }

        guard let direct else { continue }

        Benchmark("\(name) seal \(size) B (libsodium direct)", configuration: shortRun) { benchmark in
            let key = [UInt8](repeating: 0x42, count: C.keyByteCount)
            var message = [UInt8](repeating: 0xa5, count: size)
            var tag = [UInt8](repeating: 0, count: C.tagByteCount)
            let nonce = [UInt8](repeating: 7, count: C.nonceByteCount)
            let aad = [UInt8](repeating: 0x33, count: 20)
            let state = DirectState(direct: direct, key: key)
            message.withUnsafeMutableBufferPointer { m in
                tag.withUnsafeMutableBufferPointer { t in
                    benchmark.startMeasurement()
                    for _ in benchmark.scaledIterations {
                        state.seal(m.baseAddress!, count: m.count, tag: t.baseAddress!, nonce: nonce, aad: aad, key: key)
                    }
                    benchmark.stopMeasurement()
                }
            }
            blackHole(message)
        }

        Benchmark("\(name) open \(size) B (libsodium direct)", configuration: shortRun) { benchmark in
            let key = [UInt8](repeating: 0x42, count: C.keyByteCount)
            let nonce = [UInt8](repeating: 7, count: C.nonceByteCount)
            let aad = [UInt8](repeating: 0x33, count: 20)
            let state = DirectState(direct: direct, key: key)
            var ciphertext = [UInt8](repeating: 0xa5, count: size)
            var tag = [UInt8](repeating: 0, count: C.tagByteCount)
            ciphertext.withUnsafeMutableBufferPointer { m in
                tag.withUnsafeMutableBufferPointer { t in
                    state.seal(m.baseAddress!, count: m.count, tag: t.baseAddress!, nonce: nonce, aad: aad, key: key)
                }
            }
            var work = ciphertext
            work.withUnsafeMutableBufferPointer { m in
                ciphertext.withUnsafeBufferPointer { c in
                    benchmark.startMeasurement()
                    for _ in benchmark.scaledIterations {
                        UnsafeMutableRawBufferPointer(m).copyMemory(from: UnsafeRawBufferPointer(c))
                        let ok = state.open(m.baseAddress!, count: m.count, tag: tag, nonce: nonce, aad: aad, key: key)
                        precondition(ok)
                    }
                    benchmark.stopMeasurement()
                }
            }
            blackHole(work)
        }
    }
}

/// Plain libsodium calls, set up the same way the wrapper is (AES-256-GCM: `beforenm` once).
final class DirectState {
    let direct: DirectAEAD
    let aesState: UnsafeMutablePointer<crypto_aead_aes256gcm_state>

    init(direct: DirectAEAD, key: [UInt8]) {
        self.direct = direct
        let raw = UnsafeMutableRawPointer.allocate(byteCount: crypto_aead_aes256gcm_statebytes(), alignment: 16)
        aesState = raw.bindMemory(to: crypto_aead_aes256gcm_state.self, capacity: 1)
        if direct == .aes256gcm { _ = crypto_aead_aes256gcm_beforenm(aesState, key) }
    }

    deinit { aesState.deallocate() }

    @inline(__always)
    func seal(
        _ m: UnsafeMutablePointer<UInt8>, count: Int, tag: UnsafeMutablePointer<UInt8>,
        nonce: [UInt8], aad: [UInt8], key: [UInt8]
    ) {
        switch direct {
        case .chacha20Poly1305:
            _ = crypto_aead_chacha20poly1305_ietf_encrypt_detached(
                m, tag, nil, m, UInt64(count), aad, UInt64(aad.count), nil, nonce, key)
        case .aes256gcm:
            _ = crypto_aead_aes256gcm_encrypt_detached_afternm(
                m, tag, nil, m, UInt64(count), aad, UInt64(aad.count), nil, nonce, aesState)
        }
    }

    @inline(__always)
    func open(
        _ m: UnsafeMutablePointer<UInt8>, count: Int, tag: [UInt8], nonce: [UInt8], aad: [UInt8], key: [UInt8]
    ) -> Bool {
        switch direct {
        case .chacha20Poly1305:
            return crypto_aead_chacha20poly1305_ietf_decrypt_detached(
                m, nil, m, UInt64(count), tag, aad, UInt64(aad.count), nonce, key) == 0
        case .aes256gcm:
            return crypto_aead_aes256gcm_decrypt_detached_afternm(
                m, nil, m, UInt64(count), tag, aad, UInt64(aad.count), nonce, aesState) == 0
        }
    }
}

/// RFC 9001 §5.4 header-protection masks (one 16-byte sample per packet).
func registerHeaderProtection() {
    registerMask("ChaCha20 header protection mask") { try ChaCha20HeaderProtection(key: [UInt8](repeating: 0x11, count: 32)) }
    registerMask("AES-128 header protection mask") { try AESHeaderProtection(key: [UInt8](repeating: 0x11, count: 16)) }
    registerMask("AES-256 header protection mask") { try AESHeaderProtection(key: [UInt8](repeating: 0x11, count: 32)) }
    Benchmark("ChaCha20 header protection mask (libsodium direct)", configuration: shortRun) { benchmark in
        let key = [UInt8](repeating: 0x11, count: 32)
        var sample = [UInt8](repeating: 0x5e, count: 16)
        var mask = [UInt8](repeating: 0, count: 5)
        sample.withUnsafeMutableBufferPointer { s in
            mask.withUnsafeMutableBufferPointer { m in
                benchmark.startMeasurement()
                for _ in benchmark.scaledIterations {
                    let counter = UInt32(s[0]) | UInt32(s[1]) << 8 | UInt32(s[2]) << 16 | UInt32(s[3]) << 24
                    for i in 0..<5 { m[i] = 0 }
                    _ = crypto_stream_chacha20_ietf_xor_ic(m.baseAddress!, m.baseAddress!, 5, s.baseAddress! + 4, counter, key)
                    s[0] = m[0]
                }
                benchmark.stopMeasurement()
            }
        }
        blackHole(sample)
    }
}

/// One mask per iteration; the mask feeds the next sample so iterations depend on each other.
func registerMask<H: HeaderProtectionMask>(_ name: String, make: @escaping @Sendable () throws -> H) {
    Benchmark(name, configuration: shortRun) { benchmark in
        let hp = try make()
        var sample = [UInt8](repeating: 0x5e, count: 16)
        sample.withUnsafeMutableBytes { s in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                let mask = hp.mask(sample: UnsafeRawBufferPointer(s))
                s[0] = mask.0
            }
            benchmark.stopMeasurement()
        }
        blackHole(sample)
    }
}

/// Ed25519 and X25519: per-handshake costs.
func registerSignatures() {
    Benchmark("Ed25519 sign (64-byte message)", configuration: shortRun) { benchmark in
        let key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 9, count: 32))
        let message = [UInt8](repeating: 1, count: 64)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(key.signature(for: message)) }
    }
    Benchmark("Ed25519 verify (64-byte message)", configuration: shortRun) { benchmark in
        let key = try Ed25519.PrivateKey(seed: [UInt8](repeating: 9, count: 32))
        let message = [UInt8](repeating: 1, count: 64)
        let signature = key.signature(for: message)
        let publicKey = key.publicKey
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            precondition(publicKey.isValidSignature(signature, for: message))
        }
    }
    Benchmark("X25519 shared secret", configuration: shortRun) { benchmark in
        let a = try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 3, count: 32))
        let b = try X25519.PrivateKey(rawRepresentation: [UInt8](repeating: 5, count: 32))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try a.sharedSecret(with: b.publicKey)) }
    }
}
