#!/usr/bin/env python3
"""DHT identity vectors from an independent implementation (Python's hashlib BLAKE2b and the
`cryptography` package's Ed25519 = OpenSSL): node ID = BLAKE2b-256(public key) and the
S/Kademlia proof-of-work hash BLAKE2b-256(b"korium-pow-v1:" || public key || nonce LE64),
with the smallest nonce reaching 8 leading zero bits.

Run: python3 Vectors/generators/dht_identity.py > Vectors/dht/identity.json
"""
import hashlib
import json

try:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization
except ImportError:  # the public keys below are also listed, so the file is reproducible
    Ed25519PrivateKey = None

SEEDS = [bytes(range(32)), bytes([0x42] * 32), bytes.fromhex(
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")]


def leading_zero_bits(h: bytes) -> int:
    n = 0
    for b in h:
        if b == 0:
            n += 8
            continue
        return n + (8 - b.bit_length())
    return n


def pow_hash(pk: bytes, nonce: int) -> bytes:
    return hashlib.blake2b(b"korium-pow-v1:" + pk + nonce.to_bytes(8, "little"), digest_size=32).digest()


out = []
for seed in SEEDS:
    sk = Ed25519PrivateKey.from_private_bytes(seed)
    pk = sk.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    nonce = 0
    while leading_zero_bits(pow_hash(pk, nonce)) < 8:
        nonce += 1
    out.append({
        "tcId": len(out) + 1,
        "comment": "node ID and proof of work for seed " + seed.hex()[:8] + "...",
        "seed": seed.hex(),
        "publicKey": pk.hex(),
        "nodeID": hashlib.blake2b(pk, digest_size=32).hexdigest(),
        "powDifficulty": 8,
        "powNonce": nonce,
        "powHash": pow_hash(pk, nonce).hex(),
        "powHashNonce0": pow_hash(pk, 0).hex(),
    })
print(json.dumps({
    "algorithm": "KoriumDHT-Identity",
    "source": "Python hashlib.blake2b + cryptography (OpenSSL) Ed25519",
    "generator": "Vectors/generators/dht_identity.py",
    "numberOfTests": len(out),
    "tests": out,
}, indent=2))
