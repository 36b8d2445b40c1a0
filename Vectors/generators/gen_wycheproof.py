#!/usr/bin/env python3
"""Small Wycheproof-schema files written by the project itself (not copied from Wycheproof).

Run:   .venv/bin/python Vectors/generators/gen_wycheproof.py   (from the repository root)
Needs: cryptography==48.0.0 (OpenSSL). Deterministic (random.Random(SEED + n)).

They follow the public Wycheproof JSON schema (algorithm, numberOfTests, testGroups[].type =
AeadTest / EddsaVerify / XdhComp / HkdfTest / MacTest, tests with tcId, comment, result =
valid | invalid | acceptable, flags) so the runner's Wycheproof path is exercised on edge cases:
parameter sets the project does not implement (AES-192, IVs other than 96 bits, truncated GCM
tags) which the runner must skip, malleable Ed25519 signatures (S + L), X25519 low-order and
non-canonical public keys ("acceptable": either decision passes, the runner reports which).
"""
import hmac as pyhmac
import random

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vectorfile import write_wycheproof_file

SEED = 0x77796368  # "wych"
GEN = "Vectors/generators/gen_wycheproof.py"
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493  # order of the Ed25519 base point (RFC 8032 §5.1)


def rb(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n))


def flip(b, i):
    b = bytearray(b)
    b[i % len(b)] ^= 0x01
    return bytes(b)


NOTES = {
    "Pseudorandom": {"bugType": "FUNCTIONALITY", "description": "Pseudorandomly generated inputs (OpenSSL output)."},
    "ModifiedTag": {"bugType": "AUTH_BYPASS", "description": "The tag was modified; verification must fail."},
    "ModifiedCiphertext": {"bugType": "AUTH_BYPASS", "description": "The ciphertext was modified."},
    "ModifiedAad": {"bugType": "AUTH_BYPASS", "description": "The associated data was modified."},
}


# ------------------------------------------------------------------ AEAD
def gcm_ct(key, iv, msg, aad, tag_bytes=16):
    # Raw GCM through the mode API: accepts any IV length and truncated tags.
    enc = Cipher(algorithms.AES(key), modes.GCM(iv, min_tag_length=tag_bytes)).encryptor()
    enc.authenticate_additional_data(aad)
    ct = enc.update(msg) + enc.finalize()
    return ct, enc.tag[:tag_bytes]


def aead_group(rng, key_bits, iv_bits, tag_bits, n_valid, n_invalid, seal):
    tests = []
    for _ in range(n_valid):
        key, iv = rb(rng, key_bits // 8), rb(rng, iv_bits // 8)
        msg, aad = rb(rng, rng.randint(0, 48)), rb(rng, rng.randint(0, 20))
        ct, tag = seal(key, iv, msg, aad, tag_bits // 8)
        tests.append({"comment": "", "flags": ["Pseudorandom"], "key": key.hex(), "iv": iv.hex(), "aad": aad.hex(),
                      "msg": msg.hex(), "ct": ct.hex(), "tag": tag.hex(), "result": "valid"})
    for i in range(n_invalid):
        t = dict(tests[i % len(tests)])
        which = ("tag", "ct", "aad")[i % 3]
        if which != "tag" and not t[which]:
            which = "tag"
        t[which] = flip(bytes.fromhex(t[which]), i * 7).hex()
        t["flags"] = [{"tag": "ModifiedTag", "ct": "ModifiedCiphertext", "aad": "ModifiedAad"}[which]]
        t["comment"] = f"modified {which}"
        t["result"] = "invalid"
        tests.append(t)
    return {"type": "AeadTest", "keySize": key_bits, "ivSize": iv_bits, "tagSize": tag_bits, "tests": tests}


def aes_gcm(rng):
    groups = [
        aead_group(rng, 128, 96, 128, 12, 6, gcm_ct),
        aead_group(rng, 256, 96, 128, 12, 6, gcm_ct),
        aead_group(rng, 192, 96, 128, 3, 0, gcm_ct),   # AES-192: not implemented -> skipped
        aead_group(rng, 128, 64, 128, 2, 0, gcm_ct),   # 64-bit IV: skipped
        aead_group(rng, 128, 128, 128, 2, 0, gcm_ct),  # 128-bit IV: skipped
        aead_group(rng, 128, 96, 96, 2, 0, gcm_ct),    # 96-bit tag: skipped
    ]
    write_wycheproof_file("wycheproof/aes_gcm_test.json", "AES-GCM", "aead_test_schema_v1.json",
                          ["AES-GCM AeadTest vectors written by swift-korium (OpenSSL outputs), with groups "
                           "the project does not implement (AES-192, non-96-bit IVs, truncated tags)."],
                          NOTES, groups, GEN)


def chacha(rng):
    def seal(key, iv, msg, aad, tag_bytes):
        out = ChaCha20Poly1305(key).encrypt(iv, msg, aad)
        return out[:-16], out[-16:]
    groups = [aead_group(rng, 256, 96, 128, 16, 8, seal)]
    write_wycheproof_file("wycheproof/chacha20_poly1305_test.json", "CHACHA20-POLY1305", "aead_test_schema_v1.json",
                          ["ChaCha20-Poly1305 AeadTest vectors written by swift-korium (OpenSSL outputs)."],
                          NOTES, groups, GEN)


# ------------------------------------------------------------------ EdDSA
def eddsa(rng):
    notes = dict(NOTES)
    notes["SignatureMalleability"] = {"bugType": "SIGNATURE_MALLEABILITY",
                                      "description": "S replaced by S + L: RFC 8032 §5.1.7 requires S < L, so the signature must be rejected."}
    notes["InvalidSignature"] = {"bugType": "AUTH_BYPASS", "description": "Wrong signature or wrong length."}
    groups = []
    for g in range(4):
        k = ed25519.Ed25519PrivateKey.from_private_bytes(rb(rng, 32))
        pk = k.public_key().public_bytes_raw()
        tests = []
        for j in range(5):
            msg = rb(rng, rng.randint(0, 40))
            sig = k.sign(msg)
            tests.append({"comment": "", "flags": ["Pseudorandom"], "msg": msg.hex(), "sig": sig.hex(), "result": "valid"})
            if j == 0:
                s = int.from_bytes(sig[32:], "little") + L
                if s < 2**256:
                    tests.append({"comment": "S + L (non-canonical S)", "flags": ["SignatureMalleability"],
                                  "msg": msg.hex(), "sig": (sig[:32] + s.to_bytes(32, "little")).hex(), "result": "invalid"})
                tests.append({"comment": "signature truncated to 63 bytes", "flags": ["InvalidSignature"],
                              "msg": msg.hex(), "sig": sig[:63].hex(), "result": "invalid"})
                tests.append({"comment": "modified R", "flags": ["InvalidSignature"], "msg": msg.hex(),
                              "sig": flip(sig, 3).hex(), "result": "invalid"})
                tests.append({"comment": "modified message", "flags": ["InvalidSignature"],
                              "msg": (msg + b"\x00").hex(), "sig": sig.hex(), "result": "invalid"})
        for t in tests:
            ok = True
            try:
                ed25519.Ed25519PublicKey.from_public_bytes(pk).verify(bytes.fromhex(t["sig"]), bytes.fromhex(t["msg"]))
            except Exception:
                ok = False
            assert ok == (t["result"] == "valid"), t
        groups.append({"type": "EddsaVerify",
                       "publicKey": {"type": "EDDSAPublicKey", "curve": "edwards25519", "keySize": 255, "pk": pk.hex()},
                       "tests": tests})
    write_wycheproof_file("wycheproof/ed25519_test.json", "EDDSA", "eddsa_verify_schema_v1.json",
                          ["Ed25519 EddsaVerify vectors written by swift-korium (OpenSSL signatures), with "
                           "malleable (S + L) and malformed signatures."], notes, groups, GEN)


# ------------------------------------------------------------------ XDH
def ladder(k: bytes, u: bytes) -> bytes:
    """RFC 7748 §5 X25519, straight from the pseudocode (used to confirm the low-order results)."""
    kk = bytearray(k); kk[0] &= 248; kk[31] &= 127; kk[31] |= 64
    k_int = int.from_bytes(kk, "little")
    x1 = int.from_bytes(u, "little") & ((1 << 255) - 1)
    x2, z2, x3, z3, swap = 1, 0, x1, 1, 0
    a24 = 121665
    for t in reversed(range(255)):
        kt = (k_int >> t) & 1
        swap ^= kt
        if swap:
            x2, x3, z2, z3 = x3, x2, z3, z2
        swap = kt
        A = (x2 + z2) % P; AA = A * A % P; B = (x2 - z2) % P; BB = B * B % P; E = (AA - BB) % P
        C = (x3 + z3) % P; D = (x3 - z3) % P; DA = D * A % P; CB = C * B % P
        x3 = (DA + CB) ** 2 % P; z3 = x1 * (DA - CB) ** 2 % P; x2 = AA * BB % P; z2 = E * (AA + a24 * E) % P
    if swap:
        x2, x3, z2, z3 = x3, x2, z3, z2
    return (x2 * pow(z2, P - 2, P) % P).to_bytes(32, "little")


def xdh(rng):
    notes = {
        "Normal": {"bugType": "BASIC", "description": "A pseudorandom key pair (OpenSSL output)."},
        "LowOrderPublic": {"bugType": "EDGE_CASE", "description": "The public key has small order; the shared secret is all zero. RFC 7748 §6.1 lets implementations abort (check for the all-zero value): either decision is acceptable."},
        "ZeroSharedSecret": {"bugType": "EDGE_CASE", "description": "The shared secret is all zero."},
        "NonCanonicalPublic": {"bugType": "EDGE_CASE", "description": "The u-coordinate is >= p; RFC 7748 §5 says to accept and reduce it, some libraries reject it."},
    }
    tests = []
    for _ in range(10):
        priv = rb(rng, 32)
        pub = x25519.X25519PrivateKey.from_private_bytes(rb(rng, 32)).public_key().public_bytes_raw()
        shared = x25519.X25519PrivateKey.from_private_bytes(priv).exchange(x25519.X25519PublicKey.from_public_bytes(pub))
        assert ladder(priv, pub) == shared
        tests.append({"comment": "", "flags": ["Normal"], "public": pub.hex(), "private": priv.hex(),
                      "shared": shared.hex(), "result": "valid"})
    low_order = [0, 1,
                 0x00b8495f16056286fdb1329ceb8d09da6ac49ff1fae35616aeb8413b7c7aebe0,  # order 8
                 0x57119fd0dd4e22d8868e1c58c45c44045bef839c55b1d0b1248c50a3bc959c5f,  # order 8
                 P - 1, P, P + 1]
    for u in low_order:
        priv = rb(rng, 32)
        pub = u.to_bytes(32, "little")
        assert ladder(priv, pub) == bytes(32), hex(u)
        flags = ["LowOrderPublic", "ZeroSharedSecret"] + (["NonCanonicalPublic"] if u >= P else [])
        tests.append({"comment": f"low-order public key u = {u:#x}", "flags": flags, "public": pub.hex(),
                      "private": priv.hex(), "shared": "00" * 32, "result": "acceptable"})
    for delta in (9, 2**255 - 1 - P):  # u = p + 9 (== 9), u = 2^255 - 1 (== 18)
        priv = rb(rng, 32)
        pub = (P + delta).to_bytes(32, "little") if delta == 9 else ((1 << 255) - 1).to_bytes(32, "little")
        shared = ladder(priv, pub)
        assert shared == x25519.X25519PrivateKey.from_private_bytes(priv).exchange(x25519.X25519PublicKey.from_public_bytes(pub))
        tests.append({"comment": "non-canonical u-coordinate (>= p)", "flags": ["NonCanonicalPublic"],
                      "public": pub.hex(), "private": priv.hex(), "shared": shared.hex(), "result": "acceptable"})
    groups = [{"type": "XdhComp", "curve": "curve25519", "tests": tests}]
    write_wycheproof_file("wycheproof/x25519_test.json", "XDH", "xdh_comp_schema_v1.json",
                          ["X25519 XdhComp vectors written by swift-korium: OpenSSL key pairs, low-order and "
                           "non-canonical public keys (results confirmed with the RFC 7748 §5 ladder)."],
                          notes, groups, GEN)


# ------------------------------------------------------------------ HKDF
def hkdf(rng, bits):
    algo = hashes.SHA256() if bits == 256 else hashes.SHA384()
    hl = bits // 8
    notes = {"Normal": {"bugType": "BASIC", "description": "Pseudorandom inputs (OpenSSL output)."},
             "EmptySalt": {"bugType": "EDGE_CASE", "description": "No salt: HashLen zero bytes are used (RFC 5869 §2.2)."},
             "SizeTooLarge": {"bugType": "EDGE_CASE", "description": "L > 255 * HashLen: HKDF-Expand must refuse (RFC 5869 §2.3)."}}
    tests = []
    for i in range(12):
        ikm, salt, info = rb(rng, 32), (rb(rng, rng.randint(1, 40)) if i % 3 else b""), rb(rng, rng.randint(0, 30))
        size = rng.choice((1, hl, hl + 1, 3 * hl, 100))
        okm = HKDF(algo, size, salt or None, info).derive(ikm)
        tests.append({"comment": "", "flags": ["Normal"] if salt else ["EmptySalt"], "ikm": ikm.hex(),
                      "salt": salt.hex(), "info": info.hex(), "size": size, "okm": okm.hex(), "result": "valid"})
    okm = HKDF(algo, 255 * hl, None, b"").derive(b"\x0b" * 32)
    tests.append({"comment": "maximal size", "flags": ["EmptySalt"], "ikm": "0b" * 32, "salt": "", "info": "",
                  "size": 255 * hl, "okm": okm.hex(), "result": "valid"})
    tests.append({"comment": "size too large", "flags": ["SizeTooLarge"], "ikm": "0b" * 32, "salt": "", "info": "",
                  "size": 255 * hl + 1, "okm": "", "result": "invalid"})
    groups = [{"type": "HkdfTest", "keySize": 256, "tests": tests}]
    write_wycheproof_file(f"wycheproof/hkdf_sha{bits}_test.json", f"HKDF-SHA-{bits}", "hkdf_test_schema_v1.json",
                          [f"HKDF-SHA-{bits} HkdfTest vectors written by swift-korium (OpenSSL output)."],
                          notes, groups, GEN)


# ------------------------------------------------------------------ MAC
def hmac_file(rng, bits):
    hname = f"sha{bits}"
    groups = []
    for tag_bits in (bits, 128):
        tests = []
        for i in range(8):
            key, msg = rb(rng, bits // 8), rb(rng, rng.randint(0, 60))
            tag = pyhmac.new(key, msg, hname).digest()[: tag_bits // 8]
            tests.append({"comment": "", "flags": ["Pseudorandom"], "key": key.hex(), "msg": msg.hex(),
                          "tag": tag.hex(), "result": "valid"})
        for i in range(4):
            t = dict(tests[i])
            t["tag"] = flip(bytes.fromhex(t["tag"]), i * 5 + 1).hex()
            t["comment"], t["flags"], t["result"] = "modified tag", ["ModifiedTag"], "invalid"
            tests.append(t)
        groups.append({"type": "MacTest", "keySize": bits, "tagSize": tag_bits, "tests": tests})
    write_wycheproof_file(f"wycheproof/hmac_sha{bits}_test.json", f"HMACSHA{bits}", "mac_test_schema_v1.json",
                          [f"HMAC-SHA-{bits} MacTest vectors written by swift-korium (OpenSSL output), full and "
                           "128-bit truncated tags."], NOTES, groups, GEN)


if __name__ == "__main__":
    aes_gcm(random.Random(SEED + 1))
    chacha(random.Random(SEED + 2))
    eddsa(random.Random(SEED + 3))
    xdh(random.Random(SEED + 4))
    hkdf(random.Random(SEED + 5), 256)
    hkdf(random.Random(SEED + 6), 384)
    hmac_file(random.Random(SEED + 7), 256)
    hmac_file(random.Random(SEED + 8), 512)
