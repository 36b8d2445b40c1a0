#!/usr/bin/env python3
"""aioquic_peer: an independent QUIC v1 peer (aioquic 1.7.2) for swift-korium's interop matrix.

Flags, protocols (hq-interop, perf, h3) and output lines follow the `korium quic-server/quic-client`
contract in Tests/Interop/README.md (a subset of its flags, plus --key-update and --connections),
so one harness drives korium, quinn-peer and this peer alike. Generated body byte i is `i & 0xff`.

  aioquic_peer.py server [--host H] [--port P] --cert PEM --key PEM [--alpn NAME ...] [--root DIR]
                         [--ca PEM | --pin HEX | --insecure-any-ed25519]   (request + verify a
                         client certificate) [--cipher chacha20|aes128|aes256] [--retry]
                         [--key-update] [--max-connections N] [--keylog FILE]
  aioquic_peer.py client [--host H] [--port P] [--server-name NAME] [--alpn hq-interop|perf|h3]
                         (--ca PEM | --pin HEX | --insecure-any-ed25519) [--cert PEM --key PEM]
                         [--cipher ...] [--bytes N] [--streams K] [--requests /a,/b]
                         [--key-update] [--version-first 0xV] [--connections N] [--timeout S]

aioquic hooks used (its public API has no switch for them): the server requests a client
certificate through tls.Context._request_client_certificate and verifies it (CA or pinned key)
inside the handshake; pinned mode replaces aioquic.tls.verify_certificate; the send loop reads
the stream's buffered byte count to bound memory; key updates are counted from the 1-RTT key phase.

h3 (HTTP/3 GET, aioquic.h3's H3Connection, created when h3 is negotiated): the server answers
`GET /path` as hq-interop does (file under --root, `/N` generated, else 404); the client sends
one GET per --requests path (or /--bytes) and hashes the DATA of 200 responses (else ERROR stream).
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import ssl
import sys
import time

from aioquic import tls
from aioquic.asyncio import QuicConnectionProtocol, connect, serve
from aioquic.h3 import events as h3events
from aioquic.h3.connection import H3Connection
from aioquic.quic import events
from aioquic.quic.configuration import QuicConfiguration
from aioquic.quic.connection import QuicConnection
from aioquic.quic.packet import QuicProtocolVersion
from aioquic.tls import CipherSuite
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from peer_args import contract_parser

GENERATED = bytes(range(256))
CHUNK = 256 * 4096  # a multiple of 256 keeps every chunk aligned with the generated body
SEND_BUFFER_LIMIT = 8 << 20  # bytes queued in aioquic's stream buffer before waiting for ACKs
RESET_CODE = 0x10  # README contract: malformed request / missing file
CIPHERS = {
    "chacha20": CipherSuite.CHACHA20_POLY1305_SHA256,
    "aes128": CipherSuite.AES_128_GCM_SHA256,
    "aes256": CipherSuite.AES_256_GCM_SHA384,
}


def generated(offset: int, n: int) -> bytes:
    """n generated body bytes starting at body offset `offset` (byte i is i & 0xff)."""
    start = offset & 0xFF
    return (GENERATED * ((start + n) // 256 + 1))[start:start + n]


def raw_ed25519(cert: x509.Certificate | None) -> bytes | None:
    key = cert.public_key() if cert is not None else None
    if not isinstance(key, Ed25519PublicKey):
        return None
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def parse_pin(value: str) -> bytes:
    """64 hex digits, or a file holding them (make_certs.sh writes *.pub.hex)."""
    text = value if len(value) == 64 else open(value).read()
    return bytes.fromhex(text.strip())


def parse_args() -> argparse.Namespace:
    p = contract_parser(__doc__)
    p.add_argument("--cipher", choices=sorted(CIPHERS))
    p.add_argument("--retry", action="store_true")
    p.add_argument("--key-update", action="store_true",
                   help="initiate one 1-RTT key update a third of the way into the transfer")
    p.add_argument("--version-first", type=lambda v: int(v, 0),
                   help="client: offer this version first, then v1 after Version Negotiation")
    p.add_argument("--root")
    p.add_argument("--streams", type=int, default=1)
    p.add_argument("--bytes", type=int, default=1_048_576)
    p.add_argument("--requests")
    p.add_argument("--connections", type=int, default=1)
    p.add_argument("--max-connections", type=int, default=0)
    p.add_argument("--max-streams", type=int, default=1000, help="accepted for quinn-peer parity")
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--keylog")
    a = p.parse_args()
    if not a.alpn:
        a.alpn = ["hq-interop", "perf"] if a.role == "server" else ["perf"]
    return a


def base_configuration(a: argparse.Namespace, is_client: bool) -> QuicConfiguration:
    c = QuicConfiguration(is_client=is_client, alpn_protocols=a.alpn, idle_timeout=30.0)
    # Large windows so a loopback bulk transfer is limited by CPU, not flow control.
    c.max_data = 64 << 20
    c.max_stream_data = 16 << 20
    if a.cipher:
        c.cipher_suites = [CIPHERS[a.cipher]]
    path = a.keylog if a.keylog and a.keylog != "-" else os.environ.get("SSLKEYLOGFILE")
    if a.keylog and path:
        c.secrets_log_file = open(path, "a", buffering=1)
    return c


def install_pinned_server_check(pin: bytes) -> None:
    """Client, pinned mode: the server is authenticated by its Ed25519 key instead of a CA
    (aioquic has already checked the CertificateVerify signature against that key)."""

    def pinned(certificate, chain=(), server_name=None, cadata=None, cafile=None, capath=None):
        if raw_ed25519(certificate) != pin:
            raise tls.AlertBadCertificate("pinned Ed25519 key mismatch")

    tls.verify_certificate = pinned


def install_client_auth(ca: str | None, pin: bytes | None) -> None:
    """Server, mutual auth: request a client certificate and verify it inside the handshake
    (pin, CA chain, or --insecure-any-ed25519: any Ed25519 key whose signature verified)."""
    original_initialize = QuicConnection._initialize

    def initialize(self, peer_cid):
        original_initialize(self, peer_cid)
        if not self._is_client:
            self.tls._request_client_certificate = True

    QuicConnection._initialize = initialize

    original_certificate = tls.Context._server_handle_certificate

    def handle_certificate(self, input_buf):
        original_certificate(self, input_buf)
        if self._peer_certificate is None:
            raise tls.AlertHandshakeFailure("client certificate required")

    tls.Context._server_handle_certificate = handle_certificate

    original_verify = tls.Context._server_handle_certificate_verify
    verify_chain = tls.verify_certificate

    def handle_certificate_verify(self, input_buf):
        original_verify(self, input_buf)  # checks the CertificateVerify signature first
        key = raw_ed25519(self._peer_certificate)
        if pin is not None:
            if key != pin:
                raise tls.AlertBadCertificate("pinned client key mismatch")
        elif ca is not None:
            verify_chain(certificate=self._peer_certificate, chain=self._peer_certificate_chain,
                         server_name=None, cafile=ca)
        elif key is None:
            raise tls.AlertBadCertificate("client key is not Ed25519")

    tls.Context._server_handle_certificate_verify = handle_certificate_verify


def cipher_name(quic: QuicConnection) -> str:
    try:
        return tls.CipherSuite(quic.tls.key_schedule.cipher_suite).name
    except (AttributeError, ValueError):
        return "-"


class KeyPhaseWatch:
    """Counts 1-RTT key phase changes (ours or the peer's) after each datagram."""

    def __init__(self) -> None:
        self.phase = 0
        self.updates = 0

    def observe(self, quic: QuicConnection) -> None:
        crypto = quic._cryptos.get(tls.Epoch.ONE_RTT)
        if crypto is not None and crypto.send.is_valid() and crypto.key_phase != self.phase:
            self.phase = crypto.key_phase
            self.updates += 1


# ------------------------------------------------------------------ server


class ServerProtocol(QuicConnectionProtocol):
    args: argparse.Namespace
    finished: asyncio.Queue

    def __init__(self, *p, **kw):
        super().__init__(*p, **kw)
        self.requests: dict[int, bytearray] = {}
        self.responses: dict[int, list] = {}  # stream -> [offset, total, file bytes or None]
        self.sent = 0
        self.received = 0
        self.streams = 0
        self.errors: list[str] = []
        self.alpn = "-"
        self.peer = "-"
        self.start = time.monotonic()
        self.handshake_ms = 0.0
        self.keys = KeyPhaseWatch()
        self.key_update_done = False
        self.h3: H3Connection | None = None

    def datagram_received(self, data, addr) -> None:
        if self.peer == "-":
            self.peer = f"{addr[0]}:{addr[1]}"
        super().datagram_received(data, addr)
        self.keys.observe(self._quic)
        if self.responses:
            self.pump()
            self.transmit()

    def quic_event_received(self, event: events.QuicEvent) -> None:
        if isinstance(event, events.ProtocolNegotiated) and event.alpn_protocol == "h3":
            self.h3 = H3Connection(self._quic)
        if self.h3 is not None and isinstance(event, events.StreamDataReceived):
            self.received += len(event.data)
            for h3event in self.h3.handle_event(event):
                if isinstance(h3event, h3events.HeadersReceived):
                    self.streams += 1
                    headers = dict(h3event.headers)
                    if headers.get(b":method") != b"GET":
                        self.h3_respond(h3event.stream_id, 405, None)
                    else:
                        self.start_h3_response(h3event.stream_id, headers.get(b":path", b"").decode("utf-8", "replace"))
                        self.pump()
            return
        if isinstance(event, events.HandshakeCompleted):
            self.handshake_ms = (time.monotonic() - self.start) * 1000
            self.alpn = event.alpn_protocol or "-"
            key = raw_ed25519(self._quic.tls._peer_certificate)
            print(f"ACCEPTED peer={self.peer} alpn={self.alpn} handshake_ms={self.handshake_ms:.2f} "
                  f"client_key={key.hex() if key else '-'}", flush=True)
        elif isinstance(event, events.StreamDataReceived):
            if event.stream_id not in self.requests:
                self.streams += 1
            buf = self.requests.setdefault(event.stream_id, bytearray())
            buf += event.data
            self.received += len(event.data)
            if len(buf) > 65536:
                self.fail_stream(event.stream_id, "request too large")
            elif event.end_stream:
                self.start_response(event.stream_id, bytes(buf))
                self.pump()
        elif isinstance(event, events.ConnectionTerminated):
            self.report(event)

    def fail_stream(self, stream_id: int, error: str) -> None:
        self.errors.append(error)
        self._quic.reset_stream(stream_id, RESET_CODE)

    def resolve(self, path: str) -> tuple[int, bytes | None] | None:
        """(length, file bytes or None for generated) for `path`, or None if there is no such resource."""
        rel = path.lstrip("/")
        data = None
        if self.args.root and not any(part in ("", "..") for part in rel.split("/")):
            try:
                with open(os.path.join(self.args.root, rel), "rb") as f:
                    data = f.read()
            except OSError:
                data = None
        if data is not None:
            return len(data), data
        if rel.isdigit():
            return int(rel), None
        return None

    def h3_respond(self, stream_id: int, status: int, length: int | None) -> None:
        headers = [(b":status", str(status).encode())]
        if length is not None:
            headers.append((b"content-length", str(length).encode()))
        self.h3.send_headers(stream_id, headers, end_stream=status != 200)

    def start_h3_response(self, stream_id: int, path: str) -> None:
        found = self.resolve(path)
        if found is None:
            self.errors.append(f"no such resource {path}")
            return self.h3_respond(stream_id, 404, None)
        total, data = found
        self.h3_respond(stream_id, 200, total)
        self.responses[stream_id] = [0, total, data]

    def start_response(self, stream_id: int, request: bytes) -> None:
        data = None
        if self.alpn == "perf":
            if len(request) != 8:
                return self.fail_stream(stream_id, f"perf request of {len(request)} bytes")
            total = int.from_bytes(request, "big")
        else:
            if not request.startswith(b"GET "):
                return self.fail_stream(stream_id, "not an HTTP/0.9 GET")
            path = request[4:].decode("utf-8", "replace").strip()
            found = self.resolve(path)
            if found is None:
                return self.fail_stream(stream_id, f"no such resource {path}")
            total, data = found
        self.responses[stream_id] = [0, total, data]

    def pump(self) -> None:
        """Queue response bytes while aioquic's per-stream buffer is below SEND_BUFFER_LIMIT."""
        for stream_id in list(self.responses):
            offset, total, data = self.responses[stream_id]
            stream = self._quic._streams.get(stream_id)
            if stream is None:
                del self.responses[stream_id]
                continue
            send = self.h3.send_data if self.h3 is not None else self._quic.send_stream_data
            if total == 0:
                send(stream_id, b"", end_stream=True)
            while offset < total and len(stream.sender._buffer) < SEND_BUFFER_LIMIT:
                n = min(CHUNK, total - offset)
                chunk = data[offset:offset + n] if data is not None else generated(offset, n)
                offset += n
                self.sent += n
                send(stream_id, chunk, end_stream=offset == total)
                if self.args.key_update and not self.key_update_done and offset >= total // 3:
                    self._quic.request_key_update()
                    self.key_update_done = True
            if offset >= total:
                del self.responses[stream_id]
            else:
                self.responses[stream_id][0] = offset

    def report(self, event: events.ConnectionTerminated) -> None:
        # RFC 9114 §8.1: an HTTP/3 application closes cleanly with H3_NO_ERROR (0x100), not 0.
        clean = event.error_code == 0 or (self.h3 is not None and event.error_code == 0x100)
        ok = not self.errors and clean and self.handshake_ms > 0
        if self.handshake_ms == 0:
            self.errors.append("handshake failed")
        if not clean:
            self.errors.append(f"closed with 0x{event.error_code:x} {event.reason_phrase}")
        reason = f"application-close-{event.error_code}" if event.error_code == 0 else "error"
        line = (f"CLOSED peer={self.peer} reason={reason} streams={self.streams} bytes_sent={self.sent} "
                f"bytes_received={self.received} ok={int(ok)} cipher={cipher_name(self._quic)} "
                f"key_updates={self.keys.updates} retry={int(self.args.retry)} impl=aioquic")
        print(line if ok else f"{line} error=\"{'; '.join(self.errors)}\"", flush=True)
        self.finished.put_nowait(ok)


async def run_server(a: argparse.Namespace) -> int:
    c = base_configuration(a, is_client=False)
    c.load_cert_chain(a.cert, a.key)
    if a.ca or a.pin or a.insecure:
        install_client_auth(a.ca, parse_pin(a.pin) if a.pin else None)
    ServerProtocol.args = a
    ServerProtocol.finished = asyncio.Queue()
    server = await serve(a.host, a.port, configuration=c, create_protocol=ServerProtocol, retry=a.retry)
    port = server._transport.get_extra_info("sockname")[1]
    key = raw_ed25519(c.certificate)
    print(f"LISTENING host={a.host} port={port} key={key.hex() if key else '-'} impl=aioquic", flush=True)
    served = 0
    while a.max_connections == 0 or served < a.max_connections:
        await ServerProtocol.finished.get()
        served += 1
    server.close()
    return 0


# ------------------------------------------------------------------ client


class ClientProtocol(QuicConnectionProtocol):
    last_close = "connection failed"  # why the latest connection ended (aioquic raises a bare error)

    def __init__(self, *p, **kw):
        super().__init__(*p, **kw)
        self.streams: dict[int, list] = {}  # stream -> [sha256, count, chunks or None, future]
        self.received = 0
        self.key_update_at: int | None = None
        self.keys = KeyPhaseWatch()
        self.h3: H3Connection | None = None

    def datagram_received(self, data, addr) -> None:
        super().datagram_received(data, addr)
        self.keys.observe(self._quic)

    def get(self, path: str, authority: str, keep: bool) -> asyncio.Future:
        """h3: one GET of `path` (the response DATA is hashed like a stream's bytes)."""
        stream_id = self._quic.get_next_available_stream_id()
        future = asyncio.get_running_loop().create_future()
        self.streams[stream_id] = [hashlib.sha256(), 0, [] if keep else None, future]
        self.h3.send_headers(stream_id, [(b":method", b"GET"), (b":scheme", b"https"),
                                         (b":authority", authority.encode()), (b":path", path.encode())],
                             end_stream=True)
        self.transmit()
        return future

    def body_received(self, stream_id: int, data: bytes, ended: bool) -> None:
        state = self.streams.get(stream_id)
        if state is None:
            return
        state[0].update(data)
        state[1] += len(data)
        if state[2] is not None:
            state[2].append(data)
        before = self.received
        self.received += len(data)
        if self.key_update_at is not None and before < self.key_update_at <= self.received:
            self._quic.request_key_update()
        if ended and not state[3].done():
            state[3].set_result(state)

    def request(self, payload: bytes, keep: bool) -> asyncio.Future:
        stream_id = self._quic.get_next_available_stream_id()
        future = asyncio.get_running_loop().create_future()
        self.streams[stream_id] = [hashlib.sha256(), 0, [] if keep else None, future]
        self._quic.send_stream_data(stream_id, payload, end_stream=True)
        self.transmit()
        return future

    def quic_event_received(self, event: events.QuicEvent) -> None:
        if isinstance(event, events.ProtocolNegotiated) and event.alpn_protocol == "h3":
            self.h3 = H3Connection(self._quic)
        if self.h3 is not None and isinstance(event, events.StreamDataReceived):
            for h3event in self.h3.handle_event(event):
                state = self.streams.get(h3event.stream_id) if hasattr(h3event, "stream_id") else None
                if isinstance(h3event, h3events.HeadersReceived) and state is not None:
                    status = dict(h3event.headers).get(b":status", b"")
                    if status != b"200" and not state[3].done():
                        state[3].set_exception(RuntimeError(f"stream {h3event.stream_id} status {status.decode()}"))
                    elif h3event.stream_ended:
                        self.body_received(h3event.stream_id, b"", True)
                elif isinstance(h3event, h3events.DataReceived):
                    self.body_received(h3event.stream_id, h3event.data, h3event.stream_ended)
        elif isinstance(event, events.StreamDataReceived):
            self.body_received(event.stream_id, event.data, event.end_stream)
        elif isinstance(event, events.StreamReset):
            state = self.streams.get(event.stream_id)
            if state is not None and not state[3].done():
                state[3].set_exception(RuntimeError(f"stream {event.stream_id} reset 0x{event.error_code:x}"))
        elif isinstance(event, events.ConnectionTerminated):
            error = ConnectionError(f"closed 0x{event.error_code:x} {event.reason_phrase}")
            ClientProtocol.last_close = str(error)
            for state in self.streams.values():
                if not state[3].done():
                    state[3].set_exception(error)


class Failure(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(f"{kind} {message}")


async def one_connection(a: argparse.Namespace, c: QuicConfiguration, first: bool) -> dict:
    start = time.monotonic()
    try:
        async with connect(a.host, a.port, configuration=c, create_protocol=ClientProtocol) as proto:
            handshake_ms = (time.monotonic() - start) * 1000
            quic = proto._quic
            alpn = quic.tls.alpn_negotiated or "-"
            vn = int(a.version_first is not None and quic._version != a.version_first)
            key = raw_ed25519(quic.tls._peer_certificate)
            if first:
                print(f"HANDSHAKE ok ms={handshake_ms:.2f} alpn={alpn} retry={int(quic._retry_count > 0)} "
                      f"version_negotiation={vn} peer_key={key.hex() if key else '-'} "
                      f"cipher={cipher_name(quic)}", flush=True)
            if alpn == "h3":
                paths = a.requests.split(",") if a.requests else [f"/{a.bytes}"] * a.streams
                payloads = paths
            elif alpn == "perf":
                payloads = [a.bytes.to_bytes(8, "big")] * a.streams
            elif a.requests:
                payloads = [f"GET {p}\r\n".encode() for p in a.requests.split(",")]
            else:
                payloads = [f"GET /{a.bytes}\r\n".encode()] * a.streams
            if a.key_update:
                proto.key_update_at = max(a.bytes * len(payloads) // 3, 1)
            keep = len(payloads) > 1
            transfer_start = time.monotonic()
            try:
                if alpn == "h3":
                    authority = f"{a.server_name}:{a.port}"
                    states = await asyncio.gather(*(proto.get(p, authority, keep) for p in payloads))
                else:
                    states = await asyncio.gather(*(proto.request(p, keep) for p in payloads))
            except (RuntimeError, ConnectionError) as e:
                raise Failure("stream", str(e)) from e
            secs = time.monotonic() - transfer_start
            # The hash is over the bodies concatenated in request order (README contract).
            digest = hashlib.sha256(b"".join(b"".join(s[2]) for s in states)) if keep else states[0][0]
            info = {"secs": secs, "bytes": sum(s[1] for s in states), "streams": len(states),
                    "hash": digest.hexdigest(), "handshake_ms": handshake_ms, "cipher": cipher_name(quic),
                    "key_updates": proto.keys.updates, "setup_secs": time.monotonic() - start}
            proto.close(error_code=0, reason_phrase="done")
        return info
    except ConnectionError as e:
        raise Failure("handshake", str(e) or ClientProtocol.last_close) from e


async def run_client(a: argparse.Namespace) -> int:
    c = base_configuration(a, is_client=True)
    c.server_name = a.server_name
    if a.ca:
        c.load_verify_locations(cafile=a.ca)
    elif a.pin:
        install_pinned_server_check(parse_pin(a.pin))
    elif a.insecure:
        c.verify_mode = ssl.CERT_NONE
    else:
        print("ERROR usage the client needs --ca, --pin or --insecure-any-ed25519", flush=True)
        return 1
    if a.cert:
        c.load_cert_chain(a.cert, a.key)
    if a.version_first is not None:
        c.supported_versions = [a.version_first, QuicProtocolVersion.VERSION_1]
    hs = secs = busy = 0.0
    nbytes = 0
    info: dict = {}
    for i in range(a.connections):
        try:
            info = await asyncio.wait_for(one_connection(a, c, first=i == 0), a.timeout)
        except asyncio.TimeoutError:
            print(f"ERROR timeout no result after {a.timeout:g} s", flush=True)
            return 1
        except Failure as e:
            print(f"ERROR {e}", flush=True)
            return 1
        except Exception as e:  # noqa: BLE001 - every failure becomes one ERROR line
            print(f"ERROR closed {type(e).__name__} {e}", flush=True)
            return 1
        hs += info["handshake_ms"]
        secs += info["secs"]
        nbytes += info["bytes"]
        busy += info["setup_secs"]
    n = a.connections
    print(f"RESULT ok streams={info['streams']} bytes={nbytes} seconds={secs:.3f} "
          f"mbps={nbytes / secs / 1e6 if secs else 0:.1f} hash=sha256:{info['hash']} connections={n} "
          f"handshake_ms={hs / n:.2f} handshakes_per_s={n / busy:.1f} cipher={info['cipher']} "
          f"key_updates={info['key_updates']} impl=aioquic", flush=True)
    return 0


def main() -> int:
    a = parse_args()
    try:
        return asyncio.run(run_server(a) if a.role == "server" else run_client(a))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
