#!/usr/bin/env python3
"""tshark_keylog: Wireshark decrypts korium's QUIC with korium's own key log (issue 10 acceptance).

For each role (korium client -> aioquic server, aioquic client -> korium server) this captures the
loopback traffic of one perf transfer with dumpcap, then has tshark decrypt the capture using only
the key log korium wrote (`--keylog FILE`; the aioquic peer writes none), and asserts on tshark's
decoded frame list:

  - every QUIC packet of the connection was decrypted (it carries frames; no "Failed to decrypt"
    or "Remaining Payload" item, no expert info of severity warning or error);
  - client -> server: an Initial whose CRYPTO frame holds the ClientHello, a Handshake packet whose
    CRYPTO frame holds the client Finished, 1-RTT (short header) packets with STREAM and ACK frames;
  - server -> client: an Initial with the ServerHello, Handshake packets carrying
    EncryptedExtensions, Certificate, CertificateVerify and Finished, 1-RTT packets with STREAM
    and ACK frames.

The client role lets aioquic pick the cipher suite (AES-256-GCM), the server role restricts korium
to ChaCha20-Poly1305, so both AEAD and header-protection families are decoded. A third run
(key-update) has the korium client initiate key updates (`--key-update-interval 4`): tshark derives
the next 1-RTT keys from the logged secrets on its own, and both sides' key-phase-1 packets must
decrypt.

  Tests/Interop/tshark_keylog.py [--korium BIN] [--role client|server|key-update|all] [--bytes N]
                                 [--timeout S] [--keep DIR] [--verbose]

Needs root (or the capture capability) for dumpcap on `lo`. Prints one summary line per role
(`PASS role=... packets=... frames=...`) and exits 1 on any failure.
"""
from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from quic_interop import Proc, find_impls  # noqa: E402  (shared process and binary helpers)

# RFC 9000 §12.4 / §17: frame type codes and long-header packet types as tshark reports them.
PADDING, PING, CRYPTO, HANDSHAKE_DONE = 0x00, 0x01, 0x06, 0x1E
ACK_TYPES = {0x02, 0x03}
STREAM_TYPES = set(range(0x08, 0x10))
FRAME_NAMES = {0x00: "PADDING", 0x01: "PING", 0x02: "ACK", 0x03: "ACK_ECN", 0x04: "RESET_STREAM",
               0x05: "STOP_SENDING", 0x06: "CRYPTO", 0x07: "NEW_TOKEN", 0x10: "MAX_DATA",
               0x11: "MAX_STREAM_DATA", 0x12: "MAX_STREAMS_BIDI", 0x13: "MAX_STREAMS_UNI",
               0x14: "DATA_BLOCKED", 0x15: "STREAM_DATA_BLOCKED", 0x16: "STREAMS_BLOCKED_BIDI",
               0x17: "STREAMS_BLOCKED_UNI", 0x18: "NEW_CONNECTION_ID", 0x19: "RETIRE_CONNECTION_ID",
               0x1A: "PATH_CHALLENGE", 0x1B: "PATH_RESPONSE", 0x1C: "CONNECTION_CLOSE",
               0x1D: "CONNECTION_CLOSE_APP", 0x1E: "HANDSHAKE_DONE"}
LONG_TYPES = {0: "Initial", 1: "0-RTT", 2: "Handshake", 3: "Retry"}
# RFC 8446 §4: handshake message types.
CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE, CERTIFICATE_VERIFY, FINISHED = 1, 2, 8, 11, 15, 20
TLS_NAMES = {1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket", 8: "EncryptedExtensions",
             11: "Certificate", 13: "CertificateRequest", 15: "CertificateVerify", 20: "Finished"}
# Wireshark's expert severities (epan/proto.h PI_WARN, PI_ERROR): anything at or above is a failure.
PI_WARN = 0x00600000


def frame_name(t: int) -> str:
    return "STREAM" if t in STREAM_TYPES else FRAME_NAMES.get(t, f"0x{t:x}")


def as_list(v) -> list:
    return v if isinstance(v, list) else [v]


def collect(node, key: str, out: list) -> None:
    """Every value stored under `key` anywhere below node (tshark nests TLS inside CRYPTO frames)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                out.extend(as_list(v))
            else:
                collect(v, key, out)
    elif isinstance(node, list):
        for x in node:
            collect(x, key, out)


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Packet:
    """One QUIC packet of tshark's decode (several may share a UDP datagram)."""

    def __init__(self, frame: int, sender: str, kind: str, frames: list[int], tls: list[int],
                 problems: list[str], key_phase: int = 0):
        self.frame, self.sender, self.kind = frame, sender, kind
        self.frames, self.tls, self.problems = frames, tls, problems
        self.key_phase = key_phase


def decode(pcap: Path, keylog: Path, port: int) -> list[Packet]:
    """tshark's decode of the capture as a list of QUIC packets (sender = 'client' | 'server')."""
    cmd = ["tshark", "-n", "-r", str(pcap), "-o", f"tls.keylog_file:{keylog}",
           "-d", f"udp.port=={port},quic", "-Y", "quic", "-T", "json", "--no-duplicate-keys",
           "-J", "frame udp quic"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout
    packets: list[Packet] = []
    for doc in json.loads(out):
        layers = doc["_source"]["layers"]
        number = int(as_list(layers["frame"]["frame.number"])[0])
        udp = layers["udp"]
        sender = "server" if int(as_list(udp["udp.srcport"])[0]) == port else "client"
        for q in as_list(layers["quic"]):
            problems: list[str] = []
            experts: list = []
            collect(q, "_ws.expert", experts)
            for e in experts:
                if int(e.get("_ws.expert.severity", 0)) >= PI_WARN:
                    problems.append("expert: " + e.get("_ws.expert.message", "?"))
            for bad in ("quic.decryption_failed", "quic.remaining_payload"):
                found: list = []
                collect(q, bad, found)
                if found:
                    problems.append(bad)
            key_phase = 0
            if "quic.short" in q:  # tshark nests the short header's fields under quic.short
                kind = "1-RTT"
                key_phase = int(q["quic.short"].get("quic.key_phase", "0"))
            elif q.get("quic.header_form") == "1":
                kind = LONG_TYPES.get(int(q.get("quic.long.packet_type", "-1")), "long?")
            else:
                # A datagram's trailing padding after coalesced packets: no packet, only an expert note.
                if problems:
                    packets.append(Packet(number, sender, "?", [], [], problems))
                continue
            frame_types: list = []
            collect(q.get("quic.frame", []), "quic.frame_type", frame_types)
            tls_types: list = []
            collect(q.get("quic.frame", []), "tls.handshake.type", tls_types)
            frames = [int(t) for t in frame_types]
            if not frames:
                problems.append("no frames decoded")
            packets.append(Packet(number, sender, kind, frames, [int(t) for t in tls_types], problems, key_phase))
    return packets


def check(packets: list[Packet], key_update: bool = False) -> list[str]:
    """Failures of the acceptance assertions (empty = pass). With key_update, both sides must also
    have sent decrypted 1-RTT packets in key phase 1 (RFC 9001 §6: tshark derives the next
    generation's keys from the logged secrets itself, so this checks korium's key update)."""
    errors = [f"frame {p.frame} {p.sender} {p.kind}: {x}" for p in packets for x in p.problems]
    if key_update:
        for sender in ("client", "server"):
            if not any(p.sender == sender and p.kind == "1-RTT" and p.key_phase == 1 and p.frames
                       for p in packets):
                errors.append(f"missing {sender} -> 1-RTT packet in key phase 1")

    def has(sender: str, kind: str, frame_types: set[int], tls_type: int | None = None) -> bool:
        return any(p.sender == sender and p.kind == kind and frame_types & set(p.frames)
                   and (tls_type is None or tls_type in p.tls) for p in packets)

    wants = [
        ("client", "Initial", {CRYPTO}, CLIENT_HELLO, "Initial CRYPTO ClientHello"),
        ("client", "Handshake", {CRYPTO}, FINISHED, "Handshake CRYPTO Finished"),
        ("client", "1-RTT", STREAM_TYPES, None, "1-RTT STREAM"),
        ("client", "1-RTT", ACK_TYPES, None, "1-RTT ACK"),
        ("server", "Initial", {CRYPTO}, SERVER_HELLO, "Initial CRYPTO ServerHello"),
        ("server", "Handshake", {CRYPTO}, ENCRYPTED_EXTENSIONS, "Handshake CRYPTO EncryptedExtensions"),
        ("server", "Handshake", {CRYPTO}, CERTIFICATE, "Handshake CRYPTO Certificate"),
        ("server", "Handshake", {CRYPTO}, CERTIFICATE_VERIFY, "Handshake CRYPTO CertificateVerify"),
        ("server", "Handshake", {CRYPTO}, FINISHED, "Handshake CRYPTO Finished"),
        ("server", "1-RTT", STREAM_TYPES, None, "1-RTT STREAM"),
        ("server", "1-RTT", ACK_TYPES, None, "1-RTT ACK"),
        ("server", "1-RTT", {HANDSHAKE_DONE}, None, "1-RTT HANDSHAKE_DONE"),
    ]
    for sender, kind, types, tls, label in wants:
        if not has(sender, kind, types, tls):
            errors.append(f"missing {sender} -> {label}")
    return errors


def summary(packets: list[Packet]) -> str:
    """`sender kind: FRAME xN ...` lines: the decoded frame list, aggregated."""
    lines = []
    for sender in ("client", "server"):
        for kind in ("Initial", "Handshake", "1-RTT"):
            ps = [p for p in packets if p.sender == sender and p.kind == kind]
            if not ps:
                continue
            frames = Counter(frame_name(t) for p in ps for t in p.frames)
            tls = sorted({TLS_NAMES.get(t, str(t)) for p in ps for t in p.tls},
                         key=lambda n: list(TLS_NAMES.values()).index(n) if n in TLS_NAMES.values() else 99)
            text = " ".join(f"{n}x{c}" for n, c in sorted(frames.items()))
            phases = Counter(p.key_phase for p in ps) if kind == "1-RTT" else Counter()
            lines.append(f"  {sender} {kind}: packets={len(ps)} {text}" + (f" tls=[{','.join(tls)}]" if tls else "")
                         + (f" key_phase0={phases[0]} key_phase1={phases[1]}" if phases[1] else ""))
    return "\n".join(lines)


def run_role(role: str, korium: str, py: str, certs: Path, work: Path, nbytes: int, timeout: float,
             verbose: bool) -> bool:
    """One capture: role `client` (korium client), `server` (korium server) or `key-update`
    (korium client initiating key updates every 4 packets it sends)."""
    key_update = role == "key-update"
    extra = ["--key-update-interval", "4"] if key_update else []
    port = free_udp_port()
    pcap, keylog = work / f"{role}.pcapng", work / f"{role}.keylog"
    log = (lambda line: print(f"    | {line}")) if verbose else (lambda line: None)
    aioquic = [py, str(HERE / "aioquic_peer.py")]
    if role != "server":
        server_cmd = aioquic + ["server"]
        client_cmd = [korium, "quic-client", "--keylog", str(keylog)] + extra
    else:
        server_cmd = [korium, "quic-server", "--keylog", str(keylog), "--cipher", "chacha20"]
        client_cmd = aioquic + ["client"]
    server_cmd += ["--host", "127.0.0.1", "--port", str(port), "--cert", str(certs / "server-self.pem"),
                   "--key", str(certs / "server.key"), "--alpn", "perf", "--max-connections", "1"]
    client_cmd += ["--host", "127.0.0.1", "--port", str(port), "--server-name", "localhost",
                   "--alpn", "perf", "--pin", (certs / "server.pub.hex").read_text().strip(),
                   "--bytes", str(nbytes), "--timeout", str(int(timeout))]
    env_keylog = os.environ.pop("SSLKEYLOGFILE", None)  # only the --keylog file may hold secrets
    capture = subprocess.Popen(["dumpcap", "-q", "-B", "32", "-i", "lo", "-f", f"udp port {port}", "-w", str(pcap)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    server = client = None
    try:
        # dumpcap reports "Capturing on 'lo'" once the capture filter is installed.
        ready, _, _ = select.select([capture.stderr], [], [], 20)
        started = capture.stderr.readline() if ready else "(no output in 20 s)"
        if "Capturing on" not in started:
            print(f"FAIL role={role}: dumpcap did not start: {started.strip()} (needs root / CAP_NET_RAW)")
            return False
        server = Proc(server_cmd, log)
        if server.wait_line("LISTENING", 20) is None:
            print(f"FAIL role={role}: server did not listen: {server.lines[-3:]}")
            return False
        client = Proc(client_cmd, log)
        try:
            client.p.wait(timeout + 10)
        except subprocess.TimeoutExpired:
            print(f"FAIL role={role}: client still running after {timeout + 10:.0f} s")
            return False
        client.thread.join(2)
        result = next((line for line in client.lines if line.startswith("RESULT ok")), None)
        if client.p.returncode != 0 or result is None or f"bytes={nbytes}" not in result:
            print(f"FAIL role={role}: transfer failed (exit {client.p.returncode}): {client.lines[-3:]}")
            return False
        server.wait_line("CLOSED", 5)
    finally:
        for p in (client, server):
            if p is not None:
                p.stop()
        if capture.poll() is None:
            # dumpcap hands packets over from the kernel ring in blocks (timeout ~1 s); stopping
            # at once would drop the last block, so let it drain, then stop it as Ctrl-C does.
            time.sleep(1.5)
            capture.send_signal(signal.SIGINT)
            try:
                capture.wait(10)
            except subprocess.TimeoutExpired:
                capture.kill()
                capture.wait()
        if env_keylog is not None:
            os.environ["SSLKEYLOGFILE"] = env_keylog
    if not keylog.exists() or keylog.stat().st_size == 0:
        print(f"FAIL role={role}: korium wrote no key log to {keylog}")
        return False
    packets = decode(pcap, keylog, port)
    errors = check(packets, key_update)
    frames = sum(len(p.frames) for p in packets)
    print(("PASS" if not errors else "FAIL") + f" role={role} korium={'server' if role == 'server' else 'client'}"
          f" packets={len(packets)} frames={frames}")
    print(summary(packets))
    for e in errors[:20]:
        print(f"  ! {e}")
    return not errors


NETNS_MARK = "KORIUM_TSHARK_NETNS"


def enter_private_netns() -> int | None:
    """Re-runs this script in a fresh network namespace (`unshare -n`) whose loopback segments UDP
    GSO sends in software, so the capture holds the datagrams the receiver gets: with the kernel's
    default `tx-udp-segmentation on`, a tap on `lo` sees one unsegmented GSO super-datagram (N
    coalesced short-header packets that no dissector can split). The private namespace also keeps
    other loopback traffic out of the capture and leaves the host's `lo` settings alone.
    Returns the child's exit status, or None when already inside."""
    if os.environ.get(NETNS_MARK) == "1":
        for cmd in (["ip", "link", "set", "lo", "up"], ["ethtool", "-K", "lo", "tx-udp-segmentation", "off"]):
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
            if r.returncode != 0:
                print(f"FAIL: {' '.join(cmd)}: {r.stderr.strip()}")
                return 1
        return None
    for tool in ("unshare", "ip", "ethtool", "dumpcap", "tshark"):
        if shutil.which(tool) is None:
            print(f"FAIL: {tool} not installed (make setup)")
            return 1
    env = dict(os.environ, **{NETNS_MARK: "1"})
    try:
        return subprocess.run(["unshare", "-n", sys.executable, str(Path(__file__).resolve())] + sys.argv[1:],
                              env=env, timeout=600).returncode
    except subprocess.TimeoutExpired:
        print("FAIL: timed out after 600 s")
        return 1


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--korium", help="korium binary (default $KORIUM or .build/{release,debug}/korium)")
    ap.add_argument("--role", choices=["client", "server", "key-update", "all"], default="all")
    ap.add_argument("--bytes", type=int, default=100_000)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--keep", help="keep captures and key logs in this directory")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    status = enter_private_netns()
    if status is not None:
        return status
    if a.korium:
        os.environ["KORIUM"] = a.korium
    impls, missing = find_impls({"korium", "aioquic"})
    if missing:
        print(f"FAIL: {missing}")
        return 1
    korium = impls["korium"].argv[0]
    py = impls["aioquic"].argv[0]
    work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="tshark-keylog-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        certs = work / "certs"
        subprocess.run([str(HERE / "make_certs.sh"), str(certs)], check=True, capture_output=True, timeout=60)
        roles = ["client", "server", "key-update"] if a.role == "all" else [a.role]
        ok = all([run_role(r, korium, py, certs, work, a.bytes, a.timeout, a.verbose) for r in roles])
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("tshark keylog: " + ("all passed" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
