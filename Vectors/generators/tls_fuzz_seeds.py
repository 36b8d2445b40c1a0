#!/usr/bin/env python3
"""Seed corpora for the KoriumTLS fuzz targets, made by independent implementations.

- FuzzDER: Ed25519 certificates from Python `cryptography` (OpenSSL): a CA, a SPIFFE leaf with
  URI/DNS/IP SANs, a self-signed peer certificate.
- FuzzTLSMessages: every handshake message of a real aioquic-to-aioquic TLS 1.3 handshake with
  Ed25519 certificates and client authentication, prefixed with the target's selector byte.
- FuzzTLSSession: aioquic's ClientHello as input for our server (level 0), chunked as the
  target expects (level byte, 1-byte length, bytes).

Usage: .venv/bin/python Vectors/generators/tls_fuzz_seeds.py Fuzz/corpus
"""
import datetime
import ipaddress
import os
import sys

from aioquic.buffer import Buffer
from aioquic.tls import Context, Epoch
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

now = datetime.datetime.now(datetime.timezone.utc)


def cert(subject_key, issuer_key, subject, issuer, ca, sans):
    b = (x509.CertificateBuilder()
         .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
         .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
         .public_key(subject_key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(hours=1))
         .not_valid_after(now + datetime.timedelta(days=3650))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=False, key_encipherment=False,
                                      data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                                      encipher_only=False, decipher_only=False), critical=True))
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    if not ca:
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    return b.sign(issuer_key, None)


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def main(out):
    ca_key, leaf_key, peer_key = (ed25519.Ed25519PrivateKey.generate() for _ in range(3))
    ca = cert(ca_key, ca_key, "Seed CA", "Seed CA", True, [x509.UniformResourceIdentifier("spiffe://example.org")])
    leaf = cert(leaf_key, ca_key, "leaf", "Seed CA", False, [
        x509.UniformResourceIdentifier("spiffe://example.org/seed/leaf"), x509.DNSName("leaf.example"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.IPAddress(ipaddress.ip_address("::1"))])
    peer = cert(peer_key, peer_key, "peer", "peer", False, [x509.DNSName("peer.example")])
    der = serialization.Encoding.DER
    for name, c in (("ca", ca), ("spiffe-leaf", leaf), ("self-signed", peer)):
        write(f"{out}/FuzzDER", f"seed-{name}.der", c.public_bytes(der))

    # A real handshake between two aioquic contexts with client authentication.
    client = Context(is_client=True, alpn_protocols=["korium"], server_name="leaf.example", verify_mode=0)
    server = Context(is_client=False, alpn_protocols=["korium"])
    for ctx, c, k in ((client, peer, peer_key), (server, leaf, leaf_key)):
        ctx.certificate, ctx.certificate_private_key = c, k
        ctx.handshake_extensions = [(0x39, b"\x01\x02")]
    server._request_client_certificate = True
    messages = []

    def run(ctx, data):
        bufs = {e: Buffer(capacity=65536) for e in Epoch}
        ctx.handle_message(data, bufs)
        return [(e, bufs[e].data) for e in Epoch if bufs[e].data]

    to_server = run(client, b"")
    client_hello = to_server[0][1]
    for _ in range(4):
        to_client = [out for _, d in to_server for out in run(server, d)]
        to_server = [out for _, d in to_client for out in run(client, d)]
        for _, d in to_client + to_server:
            i = 0
            while i + 4 <= len(d):
                n = int.from_bytes(d[i + 1:i + 4], "big")
                messages.append(d[i:i + 4 + n])
                i += 4 + n
        if not to_server:
            break
    messages.insert(0, client_hello)
    selector = {1: 0, 2: 1, 8: 2, 13: 3, 11: 4, 15: 5, 20: 6, 4: 7}
    for idx, m in enumerate(messages):
        if m[0] in selector:
            write(f"{out}/FuzzTLSMessages", f"seed-{idx:02d}-type{m[0]}", bytes([selector[m[0]]]) + m[4:])
    write(f"{out}/FuzzTLSMessages", "seed-extensions", bytes([8]) + b"\x00\x04\x00\x1d\x00\x17")

    chunks = b"".join(bytes([0, len(client_hello[i:i + 255])]) + client_hello[i:i + 255]
                      for i in range(0, len(client_hello), 255))
    write(f"{out}/FuzzTLSSession", "seed-aioquic-client-hello", b"\x00" + chunks)


if __name__ == "__main__":
    main(sys.argv[1])
