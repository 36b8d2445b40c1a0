#!/usr/bin/env python3
"""Seed corpus for Fuzz/Sources/FuzzDHTMessage, encoded here independently of the Swift codec
(layout: DHTMessage.swift — tag u8, request ID u64 BE, sender contact = public key 32 ‖ PoW nonce
u64 BE ‖ address (4 ‖ IPv4 ‖ port or 6 ‖ IPv6 ‖ port), body; byte strings and counts are
minimal QUIC varints). The first byte of each file selects the fuzz entry point (0 = message,
1 = record, 2 = contact).

Run: python3 Vectors/generators/dht_fuzz_seeds.py Fuzz/corpus/FuzzDHTMessage
"""
import os
import struct
import sys


def varint(n):
    if n < 64:
        return bytes([n])
    if n < 16384:
        return struct.pack(">H", 0x4000 | n)
    if n < 2**30:
        return struct.pack(">I", 0x80000000 | n)
    return struct.pack(">Q", 0xC000000000000000 | n)


def contact(seed, v6=False):
    pk = bytes((seed * 7 + i) & 0xFF for i in range(32))
    addr = (b"\x06" + bytes(range(16)) if v6 else b"\x04" + bytes([10, 0, 0, seed & 0xFF])) + struct.pack(">H", 4433)
    return pk + struct.pack(">Q", seed * 1000) + addr


def message(tag, rid, body):
    return bytes([tag]) + struct.pack(">Q", rid) + contact(1) + body


target = bytes(range(32))
content = b"\x01" + varint(5) + b"hello"
mutable = b"\x02" + bytes(32) + varint(4) + b"name" + struct.pack(">Q", 3) + varint(2) + b"v1" + bytes(64)
endpoint = b"\x03" + bytes(32) + struct.pack(">Q", 7) + varint(2) + b"\x04\x0a\x00\x00\x01\x11\x51" \
    + b"\x06" + bytes(16) + b"\x00\x01" + struct.pack(">Q", 1_700_000_000_000) + bytes(64)
seeds = {
    "msg-ping": b"\x00" + message(1, 1, b""),
    "msg-pong": b"\x00" + message(2, 1, b""),
    "msg-find-node": b"\x00" + message(3, 2, target),
    "msg-nodes": b"\x00" + message(4, 2, varint(3) + contact(2) + contact(3, True) + contact(4)),
    "msg-find-value": b"\x00" + message(5, 3, target),
    "msg-value-content": b"\x00" + message(6, 3, content),
    "msg-value-endpoint": b"\x00" + message(6, 3, endpoint),
    "msg-store-mutable": b"\x00" + message(7, 4, mutable + struct.pack(">I", 3600)),
    "msg-store-content": b"\x00" + message(7, 4, content + struct.pack(">I", 60)),
    "msg-store-result-ok": b"\x00" + message(8, 4, b"\x00"),
    "msg-store-result-rate": b"\x00" + message(8, 4, b"\x09"),
    "record-content": b"\x01" + content,
    "record-mutable": b"\x01" + mutable,
    "record-endpoint": b"\x01" + endpoint,
    "contact-v4": b"\x02" + contact(9),
    "contact-v6": b"\x02" + contact(9, True),
}
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, "seed-" + name), "wb") as f:
        f.write(data)
