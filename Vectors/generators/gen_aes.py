#!/usr/bin/env python3
"""Randomized AES-GCM and AES-ECB vectors from an independent implementation (OpenSSL).

Run:   .venv/bin/python Vectors/generators/gen_aes.py      (from the repository root)
Needs: cryptography==48.0.0 (OpenSSL). Deterministic: a fixed seed drives every choice, so
       re-running reproduces the committed files byte for byte.

Writes, in the project's vector format ({"algorithm", "source", "generator", "notes",
"numberOfTests", "tests": [...]}, one test object per line, hex fields):
  Vectors/aes/aes128gcm_random.json   1,000 AES-128-GCM cases (96-bit IV, 128-bit tag):
                                      lengths 0-130 bytes (every 16/48/64-byte boundary of the
                                      bitsliced implementation) plus longer messages, AAD 0-70
  Vectors/aes/aes256gcm_random.json   200 AES-256-GCM cases, same shape
  Vectors/aes/aes_ecb_random.json     600 AES-ECB cases, AES-128 and AES-256, 1-9 blocks
"""
import json
import os
import random

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

GEN = "Vectors/generators/gen_aes.py"
SOURCE = "Generated with Python cryptography 48.0.0 (OpenSSL), seeded PRNG"
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def write(relpath, algorithm, notes, tests):
    for i, t in enumerate(tests, start=1):
        t["tcId"] = i
    head = {"algorithm": algorithm, "source": SOURCE, "generator": GEN, "notes": notes,
            "numberOfTests": len(tests)}
    text = "{\n"
    for k, v in head.items():
        text += f"  {json.dumps(k)}: {json.dumps(v)},\n"
    lines = ["    " + json.dumps(t, separators=(",", ":")) for t in tests]
    text += '  "tests": [\n' + ",\n".join(lines) + "\n  ]\n}\n"
    json.loads(text)
    path = os.path.join(ROOT, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {relpath} ({len(tests)} tests, {len(text)} bytes)")


def rand_bytes(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def message_length(rng, i):
    # Most cases sweep 0..130 so every block/lane/batch boundary (16, 48, 64, 112, 128) is hit
    # many times; the last few are longer, some packet-sized.
    if i < 980:
        return i % 131
    return rng.choice([rng.randrange(131, 600), rng.randrange(1100, 1300)])


def gcm_cases(rng, key_len, count):
    tests = []
    for i in range(count):
        key = rand_bytes(rng, key_len)
        iv = rand_bytes(rng, 12)
        aad = rand_bytes(rng, rng.choice([0, 0, rng.randrange(1, 17), rng.randrange(17, 71)]))
        msg = rand_bytes(rng, message_length(rng, i) if count >= 1000 else rng.randrange(0, 200))
        sealed = AESGCM(key).encrypt(iv, msg, aad)
        tests.append({"key": key.hex(), "iv": iv.hex(), "aad": aad.hex(), "msg": msg.hex(),
                      "ct": sealed[:-16].hex(), "tag": sealed[-16:].hex(), "result": "valid"})
    return tests


def ecb_cases(rng, count):
    tests = []
    for i in range(count):
        key = rand_bytes(rng, 16 if i % 2 == 0 else 32)
        msg = rand_bytes(rng, 16 * rng.randrange(1, 10))
        enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
        ct = enc.update(msg) + enc.finalize()
        tests.append({"key": key.hex(), "msg": msg.hex(), "ct": ct.hex(), "result": "valid"})
    return tests


def main():
    rng = random.Random(0x4B6F7269756D)  # "Korium"
    write("Vectors/aes/aes128gcm_random.json", "AES-GCM",
          "AES-128-GCM, 96-bit IV, 128-bit tag; ct excludes the tag", gcm_cases(rng, 16, 1000))
    write("Vectors/aes/aes256gcm_random.json", "AES-GCM",
          "AES-256-GCM, 96-bit IV, 128-bit tag; ct excludes the tag", gcm_cases(rng, 32, 200))
    write("Vectors/aes/aes_ecb_random.json", "AES-ECB",
          "AES-128 (16-byte key) and AES-256 (32-byte key) in ECB mode, 1-9 blocks, no padding",
          ecb_cases(rng, 600))


if __name__ == "__main__":
    main()
