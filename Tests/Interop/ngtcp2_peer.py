#!/usr/bin/env python3
"""ngtcp2_peer: Debian's ngtcp2 example programs behind the interop contract (README.md).

Debian 12 ships ngtcp2 0.12.1's GnuTLS examples (`gtlsclient` from ngtcp2-client, `gtlsserver`
from ngtcp2-server). They speak only HTTP/3, have no ALPN option, no port-0 binding, no result
line and no connection loop, so this wrapper gives them the contract's flags and output lines and
the harnesses (netem_interop.py, bench_peers.py) drive them like korium, aioquic and quinn-peer:

  ngtcp2_peer.py server [--host H] [--port P] --cert PEM --key PEM [--alpn h3] [--root DIR]
                        [--cipher chacha20|aes128|aes256 ...] [--retry] [--max-connections N]
  ngtcp2_peer.py client [--host H] [--port P] [--server-name NAME] [--alpn h3] --requests /a,/b
                        [--cipher ...] [--connections N] [--timeout S]

Server: `gtlsserver -q -d ROOT HOST PORT KEY CERT`. Port 0 is resolved here (a free UDP port of
the host's family, then /proc/net/udp{,6} must show gtlsserver bound to it before `LISTENING
host= port= pid=<gtlsserver> impl=ngtcp2` is printed). gtlsserver serves the files under ROOT;
it answers numeric paths (`/N`) with its own generated content (not the contract's byte i = i &
0xff), so the harnesses fetch files. It has no client-certificate verification (its
--verify-client only requests one), so --ca/--pin/--insecure-any-ed25519 are refused; it prints
no per-connection lines (no ACCEPTED/CLOSED) and runs until SIGTERM (--max-connections ignored).

Client: `gtlsclient -q --exit-on-all-streams-close --download DIR HOST PORT URI...` with one URI
`https://NAME:PORT/path` per request; the downloaded files are read back in request order and
hashed (SHA-256 of the concatenation, as the contract says). gtlsclient cannot verify the server
(no CA or pin option), so --ca/--pin are accepted and ignored (the server is not authenticated).
Its default 10 s handshake timeout is raised to --timeout. `--connections N` runs N gtlsclient
processes one after the other (it cannot reconnect within one process): handshakes_per_s = N /
Σ(process start → exit), process start-up included. Output:

  RESULT ok streams=K bytes=N seconds=S mbps=M hash=sha256:HEX connections=N handshake_ms=-
         handshakes_per_s=R cpu_s=C impl=ngtcp2

`seconds` is gtlsclient's wall time (start to exit, handshake and process start-up included);
`cpu_s` its user + system CPU (wait4), without this wrapper's own start-up and hashing.
On failure the last line is `ERROR <kind> <message>` and the exit status is 1.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from peer_args import contract_parser

GTLSCLIENT = os.environ.get("GTLSCLIENT", "gtlsclient")
GTLSSERVER = os.environ.get("GTLSSERVER", "gtlsserver")
# GnuTLS priority strings: TLS 1.3 only, one cipher suite each (the default list has all four).
CIPHERS = {"chacha20": "CHACHA20-POLY1305", "aes128": "AES-128-GCM", "aes256": "AES-256-GCM"}


def priority(ciphers: list[str]) -> list[str]:
    if not ciphers:
        return []
    return ["--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:" + ":".join("+" + CIPHERS[c] for c in ciphers)]


def fail(kind: str, message: str) -> int:
    print(f"ERROR {kind} {message}", flush=True)
    return 1


def parse_args() -> argparse.Namespace:
    p = contract_parser(__doc__)
    p.add_argument("--cipher", action="append", default=[], choices=sorted(CIPHERS))
    p.add_argument("--retry", action="store_true", help="server: gtlsserver --validate-addr (Retry)")
    p.add_argument("--root")
    p.add_argument("--requests")
    p.add_argument("--connections", type=int, default=1)
    p.add_argument("--max-connections", type=int, default=0)
    p.add_argument("--timeout", type=float, default=60.0)
    return p.parse_args()


# ------------------------------------------------------------------ server


def free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def udp_bound(port: int) -> bool:
    """Whether any UDP socket is bound to `port` (proc(5): /proc/net/udp local_address ADDR:PORT, hex)."""
    for table in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local = line.split()[1]
            if int(local.rsplit(":", 1)[1], 16) == port:
                return True
    return False


def run_server(a: argparse.Namespace) -> int:
    if a.alpn and "h3" not in a.alpn:
        return fail("usage", f"gtlsserver speaks only h3, not {','.join(a.alpn)}")
    if a.ca or a.pin or a.insecure:
        return fail("usage", "gtlsserver cannot verify client certificates")
    if not (a.cert and a.key):
        return fail("usage", "gtlsserver needs --cert and --key")
    port = a.port or free_port(a.host)
    root = a.root or tempfile.mkdtemp(prefix="ngtcp2-htdocs-")
    cmd = [GTLSSERVER, "-q", "-d", root, "--timeout=30s"] + priority(a.cipher)
    if a.retry:
        cmd.append("--validate-addr")
    cmd += [a.host, str(port), a.key, a.cert]
    child = subprocess.Popen(cmd, stdout=sys.stdout, stderr=subprocess.STDOUT)

    def stop(signum, frame):
        child.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deadline = time.monotonic() + 10
    while not udp_bound(port):
        if child.poll() is not None or time.monotonic() > deadline:
            child.kill()
            return fail("io", f"gtlsserver did not bind {a.host} port {port} (exit {child.poll()})")
        time.sleep(0.02)
    print(f"LISTENING host={a.host} port={port} key=- pid={child.pid} impl=ngtcp2", flush=True)
    child.wait()
    return 0


# ------------------------------------------------------------------ client


def run_client(a: argparse.Namespace) -> int:
    if a.alpn and a.alpn != ["h3"]:
        return fail("usage", f"gtlsclient speaks only h3, not {','.join(a.alpn)}")
    paths = [p.strip() for p in (a.requests or "").split(",") if p.strip()]
    if not paths:
        return fail("usage", "--requests /path[,...] is required (gtlsclient fetches URIs)")
    names = [p.rstrip("/").rsplit("/", 1)[-1] for p in paths]
    if len(set(names)) != len(names) or "" in names:
        return fail("usage", "request paths must end in distinct file names (gtlsclient --download)")
    host = a.host
    authority = f"{a.server_name}:{a.port}"
    work = Path(tempfile.mkdtemp(prefix="ngtcp2-client-"))
    wall = cpu = 0.0
    total = 0
    digest = ""
    try:
        for n in range(a.connections):
            download = work / str(n)
            download.mkdir()
            cmd = [GTLSCLIENT, "-q", "--exit-on-all-streams-close", "--download", str(download),
                   f"--handshake-timeout={max(int(a.timeout), 10)}s", "--timeout=30s"] + priority(a.cipher)
            cmd += [host, str(a.port)] + [f"https://{authority}{p}" for p in paths]
            log = download / "gtlsclient.log"
            start = time.monotonic()
            with log.open("w") as out:
                child = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
            status, used = wait_with_usage(child.pid, start + max(a.timeout - wall, 1))
            child.returncode = status if status is not None else -9  # reaped here, not by Popen
            wall += time.monotonic() - start
            if status is None:
                return fail("timeout", f"gtlsclient still running after {a.timeout:g} s (connection {n + 1})")
            cpu += used
            if status != 0:
                lines = log.read_text(errors="replace").strip().splitlines()
                return fail("closed", f"gtlsclient exit {status}: {lines[-1] if lines else 'no output'}")
            h = hashlib.sha256()
            size = 0
            for name in names:
                f = download / name
                if not f.exists():
                    # gtlsclient exits 0 when its idle timeout ends a connection that never finished.
                    return fail("stream", f"no body for {name} after {time.monotonic() - start:.1f} s, "
                                          f"gtlsclient exit 0 (connection {n + 1} of {a.connections})")
                with f.open("rb") as body:
                    while chunk := body.read(1 << 20):
                        h.update(chunk)
                        size += len(chunk)
            total += size
            digest = h.hexdigest()
            shutil.rmtree(download, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"RESULT ok streams={len(paths)} bytes={total} seconds={wall:.3f} "
          f"mbps={total / wall / 1e6 if wall else 0:.1f} hash=sha256:{digest} connections={a.connections} "
          f"handshake_ms=- handshakes_per_s={a.connections / wall if wall else 0:.1f} cpu_s={cpu:.3f} impl=ngtcp2",
          flush=True)
    return 0


def wait_with_usage(pid: int, deadline: float) -> tuple[int | None, float]:
    """(exit status, user + system CPU s) of child `pid` (blocking wait4: its own rusage), or
    (None, 0) if it was still running at `deadline` and had to be killed."""
    killed = threading.Event()

    def kill() -> None:
        killed.set()
        os.kill(pid, signal.SIGKILL)

    timer = threading.Timer(max(deadline - time.monotonic(), 0), kill)
    timer.start()
    try:
        _, status, usage = os.wait4(pid, 0)
    finally:
        timer.cancel()
    if killed.is_set():
        return None, 0.0
    return os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime


def main() -> int:
    a = parse_args()
    return run_server(a) if a.role == "server" else run_client(a)


if __name__ == "__main__":
    sys.exit(main())
