/// KoriumFROST: FROST(Ed25519, SHA-512) threshold signatures (RFC 9591) with trusted-dealer and
/// distributed key generation and proactive share refresh.
