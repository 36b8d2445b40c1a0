#!/usr/bin/env python3
"""Drive aioquic's sans-IO TLS 1.3 (aioquic.tls.Context) over a line protocol on stdin/stdout.

Used by Tests/KoriumTLSTests/AioquicInteropTests.swift to run handshakes between
swift-korium's TLSSession and an independent implementation, byte for byte per epoch.

Protocol (one message per line):
  in : DATA <epoch> <hex>      handshake bytes our side produced at that epoch
  out: DATA <epoch> <hex>      handshake bytes aioquic produced (epoch 0/2/3 = Initial/Handshake/1-RTT)
       KEYLOG <label> <client_random> <secret>   one SSLKEYLOGFILE line per traffic secret
       ALERT <code>            aioquic aborted with this TLS alert, then exits
       DONE <alpn> <peer-cert-sha256|->  handshake complete
       WAIT                    all output for the last input has been written
"""
import argparse
import binascii
import hashlib
import ssl
import sys

from aioquic.buffer import Buffer
from aioquic.tls import Alert, CipherSuite, Context, Direction, Epoch, State
from cryptography import x509
from cryptography.hazmat.primitives import serialization

LABELS = {
    (Epoch.HANDSHAKE, True): "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    (Epoch.HANDSHAKE, False): "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    (Epoch.ONE_RTT, True): "CLIENT_TRAFFIC_SECRET_0",
    (Epoch.ONE_RTT, False): "SERVER_TRAFFIC_SECRET_0",
}


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--role", choices=["client", "server"], required=True)
    p.add_argument("--alpn", default="korium")
    p.add_argument("--cert", help="PEM certificate chain (leaf first)")
    p.add_argument("--key", help="PEM PKCS#8 private key")
    p.add_argument("--cafile", help="PEM trust anchors (client: verify the server)")
    p.add_argument("--server-name")
    p.add_argument("--no-verify", action="store_true")
    p.add_argument("--request-client-certificate", action="store_true")
    p.add_argument("--cipher-suite", action="append", default=[])
    p.add_argument("--transport-parameters", default="0102")
    args = p.parse_args()

    is_client = args.role == "client"
    ctx = Context(
        is_client=is_client,
        alpn_protocols=[args.alpn],
        cafile=args.cafile,
        server_name=args.server_name,
        verify_mode=ssl.CERT_NONE if args.no_verify else None,
        cipher_suites=[CipherSuite[s] for s in args.cipher_suite] or None,
    )
    ctx.handshake_extensions = [(0x39, binascii.unhexlify(args.transport_parameters))]
    if args.cert:
        certs = x509.load_pem_x509_certificates(open(args.cert, "rb").read())
        ctx.certificate = certs[0]
        ctx.certificate_chain = certs[1:]
    if args.key:
        ctx.certificate_private_key = serialization.load_pem_private_key(open(args.key, "rb").read(), password=None)
    if args.request_client_certificate:
        ctx._request_client_certificate = True
    if not is_client:
        # Makes the server send a NewSessionTicket after the handshake (our client ignores it).
        ctx.new_session_ticket_cb = lambda ticket: None

    def on_key(direction, epoch, cipher_suite, secret):
        if epoch not in (Epoch.HANDSHAKE, Epoch.ONE_RTT):
            return
        client_secret = (direction == Direction.ENCRYPT) == is_client
        emit(f"KEYLOG {LABELS[(epoch, client_secret)]} {ctx.client_random.hex()} {secret.hex()}")

    ctx.update_traffic_key_cb = on_key
    done = False

    def step(data: bytes) -> None:
        nonlocal done
        bufs = {e: Buffer(capacity=65536) for e in Epoch}
        try:
            ctx.handle_message(data, bufs)
        except Alert as exc:
            emit(f"ALERT {int(exc.description)} {type(exc).__name__}: {exc}")
            emit("WAIT")
            sys.exit(0)
        for epoch in (Epoch.INITIAL, Epoch.HANDSHAKE, Epoch.ONE_RTT):
            if bufs[epoch].data:
                emit(f"DATA {epoch.value} {bufs[epoch].data.hex()}")
        if not done and ctx.state in (State.CLIENT_POST_HANDSHAKE, State.SERVER_POST_HANDSHAKE):
            done = True
            peer = ctx._peer_certificate
            fp = hashlib.sha256(peer.public_bytes(serialization.Encoding.DER)).hexdigest() if peer else "-"
            emit(f"DONE {ctx.alpn_negotiated} {fp}")
        emit("WAIT")

    if is_client:
        step(b"")
    else:
        emit("WAIT")
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "DATA":
            step(binascii.unhexlify(parts[2]))
        elif parts[0] == "END":
            break


if __name__ == "__main__":
    main()
