#!/usr/bin/env python3
"""Randomized test vectors computed by an independent implementation (OpenSSL via `cryptography`,
and CPython's own hashlib for BLAKE2), for every primitive KoriumCrypto wraps.

Run:   make setup && .venv/bin/python Vectors/generators/gen_vectors.py   (from the repository root)
Needs: cryptography==48.0.0. Deterministic: every file uses its own random.Random(SEED + n), so
       re-running reproduces the committed files byte for byte.

Each file holds >= 1,000 valid cases (lengths chosen to cross block boundaries) and, where the
primitive verifies something, deliberately broken cases marked "invalid".
"""
import hashlib
import hmac as pyhmac
import random

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vectorfile import write_project_file

SEED = 0x6B6F7269756D  # "korium"
GEN = "Vectors/generators/gen_vectors.py"
SRC = "Generated with Python cryptography 48.0.0 (OpenSSL), seeded PRNG; see the generator"
N = 1000


def rbytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def length(rng, lo, hi, edges=()):
    """A length in [lo, hi], a third of the time one of the block-boundary `edges`."""
    if edges and rng.random() < 0.33:
        return rng.choice(edges)
    return rng.randint(lo, hi)


def flip(b, rng):
    b = bytearray(b)
    i = rng.randrange(len(b))
    b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def aead(path, name, cls, key_len, seed):
    rng = random.Random(seed)
    tests = []
    for _ in range(N):
        key, iv = rbytes(rng, key_len), rbytes(rng, 12)
        msg = rbytes(rng, length(rng, 0, 70, (0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65)))
        aad = rbytes(rng, length(rng, 0, 40, (0, 13, 16, 17)))
        out = cls(key).encrypt(iv, msg, aad)
        tests.append({"key": key.hex(), "iv": iv.hex(), "aad": aad.hex(), "msg": msg.hex(),
                      "ct": out[:-16].hex(), "tag": out[-16:].hex(), "result": "valid"})
    for i in range(N // 4):
        t = dict(tests[i])
        kind = ("tag", "ct", "aad", "iv")[i % 4]
        if kind == "ct" and not t["ct"]:
            kind = "tag"
        if kind == "aad" and not t["aad"]:
            t["aad"] = "00"
        else:
            t[kind] = flip(bytes.fromhex(t[kind]), rng).hex()
        t["comment"] = f"modified {kind}"
        t["result"] = "invalid"
        # The broken case must really fail under OpenSSL too.
        try:
            cls(bytes.fromhex(t["key"])).decrypt(bytes.fromhex(t["iv"]), bytes.fromhex(t["ct"] + t["tag"]),
                                                bytes.fromhex(t["aad"]))
            raise AssertionError("tampered case opened")
        except Exception as e:  # cryptography raises InvalidTag
            assert type(e).__name__ == "InvalidTag", e
        tests.append(t)
    write_project_file(path, name, SRC, tests, GEN)


def hash_file(path, name, fn, seed, edges):
    rng = random.Random(seed)
    tests = []
    for i in range(N):
        n = length(rng, 0, 130, edges) if i < N - 5 else rng.randint(1000, 3000)
        msg = rbytes(rng, n)
        tests.append({"msg": msg.hex(), "digest": fn(msg).hex()})
    write_project_file(path, name, SRC, tests, GEN)


def blake2_file(path, name, ctor, max_out, max_key, block, seed):
    rng = random.Random(seed)
    tests = []
    edges = (0, 1, block - 1, block, block + 1, 2 * block)
    for i in range(N):
        msg = rbytes(rng, length(rng, 0, 2 * block + 3, edges))
        key = rbytes(rng, rng.randint(1, max_key)) if i % 3 == 1 else b""
        out = max_out if i % 2 == 0 else rng.randint(1, max_out)
        d = ctor(msg, key=key, digest_size=out).digest()
        tests.append({"msg": msg.hex(), "key": key.hex(), "digest": d.hex()})
    write_project_file(path, name, "Generated with CPython hashlib (its own BLAKE2 code, independent of libb2), seeded PRNG",
                       tests, GEN, notes="'digest' length is the output length; 'key' may be empty (unkeyed).")


def hmac_file(bits, seed):
    rng = random.Random(seed)
    hname = f"sha{bits}"
    block = 64 if bits == 256 else 128
    tests = []
    for _ in range(N):
        key = rbytes(rng, length(rng, 0, block + 5, (0, block - 1, block, block + 1, 2 * block + 1)))
        msg = rbytes(rng, length(rng, 0, 90, (0, block)))
        tests.append({"key": key.hex(), "msg": msg.hex(), "tag": pyhmac.new(key, msg, hname).hexdigest(),
                      "result": "valid"})
    for i in range(N // 5):
        t = dict(tests[i])
        t["tag"] = flip(bytes.fromhex(t["tag"]), rng).hex()
        t["comment"] = "modified tag"
        t["result"] = "invalid"
        tests.append(t)
    write_project_file(f"mac/hmac-sha{bits}-generated.json", f"HMAC-SHA-{bits}",
                       "Generated with Python hmac over OpenSSL hashes, seeded PRNG", tests, GEN)


def hkdf_file(bits, seed):
    rng = random.Random(seed)
    algo = hashes.SHA256() if bits == 256 else hashes.SHA384()
    hl = bits // 8
    tests = []
    for _ in range(N):
        ikm = rbytes(rng, rng.randint(0, 48))
        salt = rbytes(rng, rng.choice((0, rng.randint(1, 48))))
        info = rbytes(rng, rng.randint(0, 48))
        # The last case asks for the maximum, 255 * HashLen (RFC 5869 §2.3).
        size = length(rng, 1, 2 * hl + 7, (hl - 1, hl, hl + 1, 2 * hl)) if len(tests) < N - 1 else 255 * hl
        okm = HKDF(algo, size, salt or None, info).derive(ikm)
        prk = pyhmac.new(salt or b"\0" * hl, ikm, f"sha{bits}").digest()
        tests.append({"ikm": ikm.hex(), "salt": salt.hex(), "info": info.hex(), "size": size,
                      "prk": prk.hex(), "okm": okm.hex()})
    write_project_file(f"kdf/hkdf-sha{bits}-generated.json", f"HKDF-SHA-{bits}", SRC, tests, GEN)


def chacha20_file(seed):
    rng = random.Random(seed)
    tests = []
    for _ in range(N):
        key, iv = rbytes(rng, 32), rbytes(rng, 12)
        msg = rbytes(rng, length(rng, 0, 150, (0, 1, 63, 64, 65, 128)))
        # Keep counter + blocks below 2^32: the 32-bit block counter of RFC 8439 must not wrap.
        counter = rng.choice((0, 1, rng.randrange(0, 2**32 - 8)))
        enc = Cipher(algorithms.ChaCha20(key, counter.to_bytes(4, "little") + iv), None).encryptor()
        tests.append({"key": key.hex(), "iv": iv.hex(), "counter": counter, "msg": msg.hex(),
                      "ct": enc.update(msg).hex()})
    write_project_file("cipher/chacha20-generated.json", "ChaCha20", SRC, tests, GEN,
                       notes="RFC 8439 §2.4: 32-byte key, 96-bit nonce 'iv', 32-bit initial block counter.")


def aes_block_file(bits, seed):
    rng = random.Random(seed)
    tests = []
    for _ in range(N):
        key, block = rbytes(rng, bits // 8), rbytes(rng, 16)
        ct = Cipher(algorithms.AES(key), modes.ECB()).encryptor().update(block)
        tests.append({"key": key.hex(), "msg": block.hex(), "ct": ct.hex()})
    write_project_file(f"cipher/aes{bits}-block-generated.json", f"AES-{bits}", SRC, tests, GEN,
                       notes="One 16-byte block, forward cipher (AES-ECB), as QUIC header protection uses it.")


def x25519_file(seed):
    rng = random.Random(seed)
    tests = []
    for i in range(N):
        priv = rbytes(rng, 32)
        if i % 4 == 3:  # arbitrary 32 bytes as the peer's u-coordinate (top bit included: masked)
            pub = rbytes(rng, 32)
        else:
            pub = x25519.X25519PrivateKey.from_private_bytes(rbytes(rng, 32)).public_key().public_bytes_raw()
        shared = x25519.X25519PrivateKey.from_private_bytes(priv).exchange(x25519.X25519PublicKey.from_public_bytes(pub))
        tests.append({"private": priv.hex(), "public": pub.hex(), "shared": shared.hex(), "result": "valid"})
    write_project_file("dh/x25519-generated.json", "X25519", SRC, tests, GEN)


def ed25519_file(seed):
    rng = random.Random(seed)
    tests = []
    for _ in range(N):
        sd = rbytes(rng, 32)
        k = ed25519.Ed25519PrivateKey.from_private_bytes(sd)
        msg = rbytes(rng, length(rng, 0, 100, (0, 1, 64, 128)))
        tests.append({"seed": sd.hex(), "publicKey": k.public_key().public_bytes_raw().hex(), "msg": msg.hex(),
                      "sig": k.sign(msg).hex(), "result": "valid"})
    for i in range(N // 4):
        t = dict(tests[i])
        del t["seed"]  # verification only: the signature no longer matches the key
        kind = ("R", "S", "msg", "publicKey")[i % 4]
        sig = bytes.fromhex(t["sig"])
        if kind == "R":
            t["sig"] = (flip(sig[:32], rng) + sig[32:]).hex()
        elif kind == "S":
            t["sig"] = (sig[:32] + flip(sig[32:], rng)).hex()
        elif kind == "msg":
            t["msg"] = flip(bytes.fromhex(t["msg"]), rng).hex() if t["msg"] else "00"
        else:
            t["publicKey"] = ed25519.Ed25519PrivateKey.from_private_bytes(rbytes(rng, 32)).public_key().public_bytes_raw().hex()
        try:
            ed25519.Ed25519PublicKey.from_public_bytes(bytes.fromhex(t["publicKey"])).verify(
                bytes.fromhex(t["sig"]), bytes.fromhex(t["msg"]))
            raise AssertionError("tampered signature verified")
        except Exception as e:
            assert type(e).__name__ in ("InvalidSignature", "ValueError"), e
        t["comment"] = f"modified {kind}"
        t["result"] = "invalid"
        tests.append(t)
    write_project_file("sig/ed25519-generated.json", "Ed25519", SRC, tests, GEN,
                       notes="Valid cases carry the seed: signing must reproduce 'sig' (Ed25519 is deterministic). Invalid cases are verification-only.")


if __name__ == "__main__":
    aead("aead/chacha20poly1305-generated.json", "ChaCha20-Poly1305", ChaCha20Poly1305, 32, SEED + 1)
    aead("aead/aes128gcm-generated.json", "AES-128-GCM", AESGCM, 16, SEED + 2)
    aead("aead/aes256gcm-generated.json", "AES-256-GCM", AESGCM, 32, SEED + 3)
    hmac_file(256, SEED + 4)
    hmac_file(384, SEED + 5)
    hmac_file(512, SEED + 6)
    hkdf_file(256, SEED + 7)
    hkdf_file(384, SEED + 8)
    hash_file("hash/sha256-generated.json", "SHA-256", lambda m: hashlib.sha256(m).digest(), SEED + 9, (0, 55, 56, 63, 64, 65, 119, 120, 128))
    hash_file("hash/sha384-generated.json", "SHA-384", lambda m: hashlib.sha384(m).digest(), SEED + 10, (0, 111, 112, 127, 128, 129))
    hash_file("hash/sha512-generated.json", "SHA-512", lambda m: hashlib.sha512(m).digest(), SEED + 11, (0, 111, 112, 127, 128, 129))
    blake2_file("hash/blake2b-generated.json", "BLAKE2b", hashlib.blake2b, 64, 64, 128, SEED + 12)
    blake2_file("hash/blake2s-generated.json", "BLAKE2s", hashlib.blake2s, 32, 32, 64, SEED + 13)
    x25519_file(SEED + 14)
    ed25519_file(SEED + 15)
    chacha20_file(SEED + 16)
    aes_block_file(128, SEED + 17)
    aes_block_file(256, SEED + 18)
