#!/usr/bin/env python3
"""Independent Ed25519 verifier for the KoriumFROST tests: Python `cryptography` (OpenSSL).

Reads lines "public_key_hex signature_hex message_hex" on stdin (an empty message is "-") and
prints one line per input: "valid" or "invalid". Exit status 0 unless the input is malformed.
"""
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def main() -> int:
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3:
            print("malformed line", file=sys.stderr)
            return 2
        pk, sig, msg = parts
        message = b"" if msg == "-" else bytes.fromhex(msg)
        try:
            Ed25519PublicKey.from_public_bytes(bytes.fromhex(pk)).verify(bytes.fromhex(sig), message)
            print("valid")
        except InvalidSignature:
            print("invalid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
