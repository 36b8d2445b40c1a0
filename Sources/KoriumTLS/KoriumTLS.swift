/// KoriumTLS: a sans-IO TLS 1.3 handshake for QUIC (RFC 8446/9846, RFC 9001) with Ed25519
/// mutual authentication, a strict bounded DER reader/writer, X.509 certificates and SPIFFE IDs.
///
/// Layout: `KeySchedule/` (RFC 8446 §7, QUIC packet key derivation, key log), `Handshake/`
/// (message and extension codecs, RFC 8446 §4), `DER/` and `X509/` (certificates, chains,
/// SPIFFE), `Session/` (the client and server state machines behind ``TLSSession``).
