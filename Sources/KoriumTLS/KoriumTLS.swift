/// KoriumTLS: a sans-IO TLS 1.3 handshake for QUIC (RFC 8446/9846, RFC 9001) with Ed25519
/// mutual authentication, a strict bounded DER reader/writer, X.509 certificates and SPIFFE IDs.
