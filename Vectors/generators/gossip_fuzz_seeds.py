#!/usr/bin/env python3
"""Seed corpus for Fuzz/Sources/FuzzGossipRPC: KoriumGossip RPCs written from the format
description (GossipRPC.swift doc comments), independently of the Swift encoder.

Layout (project codec: canonical QUIC varints for lengths/counts, big-endian fixed ints):
  RPC       = subs:list(Sub) msgs:list(Msg) control:Control
  Sub       = flag:u8 topic:str
  Msg       = source:32 seqno:u64 topic:str data:bytes signature:64
  Control   = ihave:list(IHave) iwant:list(ID) graft:list(str) prune:list(Prune) idontwant:list(ID)
  IHave     = topic:str ids:list(ID)      ID = source:32 seqno:u64
  Prune     = topic:str peers:list(Record) backoff:u64
  Record    = peer:32 timestamp:u64 addrs:list(bytes) signature:64
The first byte of each seed is the fuzz target's selector (0 RPC, 1 control, 2 prune, 3 ihave).
Messages carry signatures made with the `cryptography` package (OpenSSL Ed25519).
"""
import os, struct, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

def varint(n):
    if n < 1 << 6: return bytes([n])
    if n < 1 << 14: return struct.pack(">H", n | 0x4000)
    if n < 1 << 30: return struct.pack(">I", n | 0x80000000)
    return struct.pack(">Q", n | 0xC000000000000000)

def bstr(b): return varint(len(b)) + b
def lst(items): return varint(len(items)) + b"".join(items)
def u64(n): return struct.pack(">Q", n)

key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
pub = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

def msg(topic, data, seqno):
    body = pub + u64(seqno) + bstr(topic) + bstr(data)
    sig = key.sign(b"korium-gossipsub-v1:" + body)
    return body + sig

def mid(seqno): return pub + u64(seqno)

def record(addrs, ts):
    body = pub + u64(ts) + lst([bstr(a) for a in addrs])
    return body + key.sign(b"korium-contact-v1:" + body)

def control(ihave=(), iwant=(), graft=(), prune=(), idw=()):
    return lst(list(ihave)) + lst(list(iwant)) + lst([bstr(t) for t in graft]) + lst(list(prune)) + lst(list(idw))

ihave = bstr(b"t") + lst([mid(1), mid(2)])
prune = bstr(b"t") + lst([record([b"\x7f\x00\x00\x01\x1f\x90"], 1000)]) + u64(60)
seeds = {
    "seed-empty-rpc": b"\x00" + lst([]) + lst([]) + control(),
    "seed-subscribe": b"\x00" + lst([b"\x01" + bstr(b"t")]) + lst([]) + control(),
    "seed-message": b"\x00" + lst([]) + lst([msg(b"t", b"hello", 7)]) + control(),
    "seed-large-message": b"\x00" + lst([]) + lst([msg(b"t", bytes(2048), 8)]) + control(idw=[mid(8)]),
    "seed-all-control": b"\x00" + lst([]) + lst([]) + control([ihave], [mid(3)], [b"t"], [prune], [mid(4)]),
    "seed-control-graft": b"\x01" + control(graft=[b"t", b"u"]),
    "seed-prune-px": b"\x02" + prune,
    "seed-ihave": b"\x03" + ihave,
}
out = sys.argv[1] if len(sys.argv) > 1 else "Fuzz/corpus/FuzzGossipRPC"
os.makedirs(out, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f: f.write(data)
print(f"wrote {len(seeds)} seeds to {out}")
