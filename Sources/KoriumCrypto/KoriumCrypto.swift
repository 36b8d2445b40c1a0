/// KoriumCrypto: typed, misuse-resistant cryptographic primitives for swift-korium.
///
/// libsodium provides every primitive it has (ChaCha20-Poly1305, AES-256-GCM, SHA-2, HMAC,
/// X25519, Ed25519 and its group, randomness); libb2 provides BLAKE2. AES-128 (QUIC Initial
/// packets and header protection, TLS_AES_128_GCM_SHA256) is pure Swift and constant-time.
/// Secrets live in zeroizing storage; comparisons of secrets are constant-time.
