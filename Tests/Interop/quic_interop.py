#!/usr/bin/env python3
"""QUIC interop matrix: case x (client implementation, server implementation) over loopback.

Implementations: korium (`korium quic-server/quic-client`), aioquic (Tests/Interop/aioquic_peer.py)
and quinn (Tests/Interop/quinn-peer). All three speak the flag and output contract of
Tests/Interop/README.md, so each case is described once. Every case starts a fresh server on a
kernel-chosen loopback port (`--port 0`, read back from its LISTENING line), runs the client under a
timeout, checks the client's RESULT (byte count, SHA-256 of the bodies) and the evidence each side
reports (cipher, Retry, version negotiation, key updates, pinned/client keys), then stops the server.

  Tests/Interop/quic_interop.py [--only CASE,...] [--peer IMPL]... [--impls a,b,c]
                                [--markdown FILE] [--timeout S] [--verbose]

Prints one line per run and a final `N passed, N failed, N skipped`; exit status 1 on any failure.
Pairs a peer cannot play (quinn 0.9 as a version-negotiating client; aioquic cannot order its key
shares, so hello-retry needs the rustls client) are `n/a`, not failures.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
UNKNOWN_VERSION = "0x1a2a3a4a"  # RFC 9000 §15: reserved pattern 0x?a?a?a?a forces negotiation
IMPLS = ("korium", "aioquic", "quinn")


@dataclass
class Case:
    name: str
    alpn: str = "perf"
    auth: str = "pin"            # pin | ca
    mutual: bool = False
    bytes: int = 100_000
    streams: int = 1
    file: int = 0                # hq-interop: serve a random file of this size from --root
    cipher: str | None = None
    retry: bool = False
    key_update: bool = False
    version_negotiation: bool = False
    hello_retry: bool = False
    clients: set[str] = field(default_factory=lambda: set(IMPLS))
    servers: set[str] = field(default_factory=lambda: set(IMPLS))


CASES = [
    Case("handshake-pinned", alpn="hq-interop", auth="pin", bytes=1024),
    Case("handshake-ca", alpn="hq-interop", auth="ca", bytes=1024),
    Case("mutual-auth", alpn="hq-interop", auth="ca", mutual=True, bytes=1024),
    Case("transfer-10MB", alpn="hq-interop", file=10 << 20),
    Case("streams-100", alpn="perf", streams=100, bytes=10_000),
    Case("chacha20-only", cipher="chacha20", bytes=1 << 20),
    Case("aes128-only", cipher="aes128", bytes=1 << 20),
    Case("retry", retry=True),
    Case("key-update", key_update=True, bytes=4 << 20),
    # quinn 0.9's client refuses to offer a version it does not implement.
    Case("version-negotiation", version_negotiation=True, clients={"korium", "aioquic"}),
    # rustls offers secp256r1 first (one key share); a server limited to X25519 must send a
    # HelloRetryRequest. aioquic always offers both shares and accepts P-256, so it cannot take part.
    Case("hello-retry", hello_retry=True, clients={"quinn"}, servers={"quinn", "korium"}),
]

CIPHER_NAMES = {"chacha20": "CHACHA20_POLY1305", "aes128": "AES_128_GCM"}


def generated(n: int) -> bytes:
    """The contract's generated body: byte i is i & 0xff."""
    return (bytes(range(256)) * (n // 256 + 1))[:n]


def fields(line: str) -> dict[str, str]:
    out = {}
    for token in line.split()[1:]:
        key, eq, value = token.partition("=")
        if eq:
            out[key] = value
    return out


class Impl:
    def __init__(self, name: str, argv: list[str]):
        self.name = name
        self.argv = argv

    def server(self, case: Case, certs: Path, root: Path | None) -> list[str]:
        # Pinned mode presents a self-signed certificate (no CA involved); CA mode the CA-issued leaf.
        cert = certs / ("server-self.pem" if case.auth == "pin" else "server.pem")
        cmd = self.argv + ["server" if self.name != "korium" else "quic-server", "--host", "127.0.0.1",
                           "--port", "0", "--cert", str(cert), "--key", str(certs / "server.key"),
                           "--alpn", case.alpn, "--max-connections", "1"]
        if case.mutual:
            cmd += ["--ca", str(certs / "ca.pem")]
        if case.cipher:
            cmd += ["--cipher", case.cipher]
        if case.retry:
            cmd += ["--retry"]
        if root is not None:
            cmd += ["--root", str(root)]
        if case.hello_retry and self.name == "quinn":
            cmd += ["--groups", "x25519"]
        return cmd

    def client(self, case: Case, certs: Path, port: int, timeout: float, file_name: str | None) -> list[str]:
        cmd = self.argv + ["quic-client" if self.name == "korium" else "client", "--host", "127.0.0.1",
                           "--port", str(port), "--server-name", "localhost", "--alpn", case.alpn,
                           "--timeout", str(int(timeout))]
        if case.auth == "ca":
            cmd += ["--ca", str(certs / "ca.pem")]
        else:
            cmd += ["--pin", (certs / "server.pub.hex").read_text().strip()]
        if case.mutual:
            cmd += ["--cert", str(certs / "client.pem"), "--key", str(certs / "client.key")]
        if case.cipher:
            cmd += ["--cipher", case.cipher]
        if file_name is not None:
            cmd += ["--requests", "/" + file_name]
        elif case.alpn == "hq-interop":
            cmd += ["--requests", ",".join([f"/{case.bytes}"] * case.streams)]
        else:
            cmd += ["--bytes", str(case.bytes), "--streams", str(case.streams)]
        if case.key_update:
            # korium counts the packets it sends; a downloading client sends mostly ACKs (fewer than
            # 200 over 4 MB here), so a small interval makes the updates happen mid-transfer.
            cmd += ["--key-update-interval", "20"] if self.name == "korium" else ["--key-update"]
        if case.version_negotiation:
            cmd += ["--version-first", UNKNOWN_VERSION]
        if case.retry and self.name == "korium":
            cmd += ["--retry-expected"]
        if case.hello_retry and self.name == "quinn":
            cmd += ["--groups", "secp256r1,x25519"]
        return cmd


def find_impls(selected: set[str]) -> tuple[dict[str, Impl], dict[str, str]]:
    impls: dict[str, Impl] = {}
    missing: dict[str, str] = {}
    py = ROOT / ".venv" / "bin" / "python"
    if "aioquic" in selected:
        if py.exists():
            impls["aioquic"] = Impl("aioquic", [str(py), str(HERE / "aioquic_peer.py")])
        else:
            missing["aioquic"] = "no .venv (run make setup)"
    if "quinn" in selected:
        quinn = ROOT / ".build" / "quinn-peer" / "release" / "quinn-peer"
        if quinn.exists():
            impls["quinn"] = Impl("quinn", [str(quinn)])
        else:
            missing["quinn"] = f"{quinn.relative_to(ROOT)} not built (make interop-peers)"
    if "ngtcp2" in selected:
        # Debian's ngtcp2 examples (HTTP/3 only) behind the contract: Tests/Interop/ngtcp2_peer.py.
        absent = [b for b in ("gtlsclient", "gtlsserver") if shutil.which(b) is None]
        if absent:
            missing["ngtcp2"] = f"{' and '.join(absent)} not installed (apt ngtcp2-client ngtcp2-server)"
        else:
            impls["ngtcp2"] = Impl("ngtcp2", [sys.executable, str(HERE / "ngtcp2_peer.py")])
    if "korium" in selected:
        # $KORIUM wins; otherwise the newer of the release and debug builds (a stale release
        # binary must not shadow the debug build `make test` just made).
        builds = sorted((p for p in (ROOT / ".build/release/korium", ROOT / ".build/debug/korium") if p.exists()),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        found = ([os.environ["KORIUM"]] if os.environ.get("KORIUM") else []) + [str(p) for p in builds]
        def has_quic(binary: str) -> bool:
            try:
                return subprocess.run([binary, "quic-server", "--help"], capture_output=True,
                                      timeout=20).returncode == 0
            except (OSError, subprocess.TimeoutExpired):
                return False

        usable = [c for c in found if has_quic(c)]
        if usable:
            impls["korium"] = Impl("korium", [usable[0]])
        else:
            missing["korium"] = "no korium binary with quic-server" if not found else "korium lacks quic-server"
    return impls, missing


class Proc:
    """A child process whose stdout lines are collected by a reader thread."""

    def __init__(self, cmd: list[str], log):
        self.cmd = cmd
        self.lines: list[str] = []
        self.queue: queue.Queue = queue.Queue()
        self.log = log
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  start_new_session=True)
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        for line in self.p.stdout:
            line = line.rstrip("\n")
            self.lines.append(line)
            self.queue.put(line)
            self.log(line)
        self.queue.put(None)

    def wait_line(self, prefix: str, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                line = self.queue.get(timeout=left)
            except queue.Empty:
                return None
            if line is None:
                return None
            if line.startswith(prefix):
                return line

    def stop(self, grace: float = 2.0) -> None:
        if self.p.poll() is None:
            try:
                os.killpg(self.p.pid, signal.SIGTERM)
                self.p.wait(grace)
            except subprocess.TimeoutExpired:
                os.killpg(self.p.pid, signal.SIGKILL)
                self.p.wait()
            except ProcessLookupError:
                pass
        self.thread.join(2)


def check(case: Case, client: Proc, server: Proc, certs: Path, expected: tuple[int, str]) -> str | None:
    """None if the run passed, else the reason."""
    result = next((l for l in client.lines if l.startswith("RESULT ok")), None)
    error = next((l for l in client.lines if l.startswith("ERROR")), None)
    if result is None:
        tail = error or (client.lines[-1] if client.lines else "no output")
        return f"client exit {client.p.returncode}: {tail}"
    if client.p.returncode != 0:
        return f"client exit {client.p.returncode} after RESULT ok"
    r = fields(result)
    hs = fields(next((l for l in client.lines if l.startswith("HANDSHAKE")), "HANDSHAKE"))
    closed = [fields(l) for l in server.lines if l.startswith("CLOSED")]
    accepted = [fields(l) for l in server.lines if l.startswith("ACCEPTED")]
    if any(c.get("ok") == "0" for c in closed):
        bad = next(l for l in server.lines if l.startswith("CLOSED") and " ok=0" in l)
        return f"server: {bad}"
    size, digest = expected
    if int(r.get("bytes", -1)) != size:
        return f"received {r.get('bytes')} bytes, expected {size}"
    if r.get("hash", "").lower() != f"sha256:{digest}":
        return f"hash {r.get('hash')} != sha256:{digest}"
    if case.auth == "pin" and hs.get("peer_key", "-") not in ("-", (certs / "server.pub.hex").read_text().strip()):
        return f"client saw server key {hs.get('peer_key')}"
    if case.mutual:
        want = (certs / "client.pub.hex").read_text().strip()
        seen = [a.get("client_key") for a in accepted if "client_key" in a]
        if seen and seen[0] != want:
            return f"server saw client key {seen[0]}, expected {want}"
    if case.cipher:
        name = CIPHER_NAMES[case.cipher]
        for source in [hs, r] + closed:
            if source.get("cipher", "-") not in ("-", "") and name not in source["cipher"]:
                return f"negotiated {source['cipher']}, expected {name}"
    if case.retry and hs.get("retry", "1") != "1":
        return "client reports no Retry"
    if case.version_negotiation and hs.get("version_negotiation") != "1":
        return f"client reports version_negotiation={hs.get('version_negotiation')}"
    if case.key_update:
        counts = [int(s["key_updates"]) for s in [r] + closed if "key_updates" in s]
        if counts and max(counts) < 1:
            return "no key update observed"
    return None


class Capture:
    """tshark on loopback for one UDP port (hello-retry evidence); absent tshark or privileges,
    `available` is False and the case relies on the server's group restriction alone."""

    def __init__(self, port: int, work: Path):
        self.path = work / f"capture-{port}.pcapng"
        self.available = shutil.which("tshark") is not None and os.geteuid() == 0
        self.p = None
        if not self.available:
            return
        self.p = subprocess.Popen(["tshark", "-i", "lo", "-f", f"udp port {port}", "-w", str(self.path), "-q"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (self.path.exists() and self.path.stat().st_size > 0):
            time.sleep(0.05)
        time.sleep(0.3)  # the capture file header precedes the live capture by a moment

    def client_hello_groups(self) -> list[str] | None:
        """key_share groups of each ClientHello seen (decimal TLS NamedGroup codes), in order."""
        if self.p is None:
            return None
        time.sleep(0.3)
        os.killpg(self.p.pid, signal.SIGINT)
        try:
            self.p.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait()
        out = subprocess.run(["tshark", "-r", str(self.path), "-Y", "tls.handshake.type == 1", "-T", "fields",
                              "-e", "tls.handshake.extensions_key_share_group"],
                             capture_output=True, text=True, timeout=60).stdout
        return [line.strip() for line in out.splitlines() if line.strip()]


def run_case(case: Case, client_impl: Impl, server_impl: Impl, certs: Path, work: Path,
             timeout: float, verbose: bool) -> tuple[str | None, float, str]:
    log_lines: list[str] = []

    def log(prefix):
        return lambda line: log_lines.append(f"  {prefix}| {line}")

    root = file_name = None
    if case.file:
        root = work / "www"
        root.mkdir(exist_ok=True)
        file_name = f"random-{case.file}"
        path = root / file_name
        if not path.exists():
            path.write_bytes(os.urandom(case.file))
        body = path.read_bytes()
        expected = (len(body), hashlib.sha256(body).hexdigest())
    else:
        body = generated(case.bytes)
        total = body * case.streams
        expected = (len(total), hashlib.sha256(total).hexdigest())
    start = time.monotonic()
    capture = None
    server = Proc(server_impl.server(case, certs, root), log("server"))
    client = None
    try:
        listening = server.wait_line("LISTENING", 20)
        if listening is None:
            return f"server did not start: {server.lines[-1] if server.lines else 'no output'}", 0.0, "\n".join(log_lines)
        port = int(fields(listening)["port"])
        if case.hello_retry:
            capture = Capture(port, work)
        client = Proc(client_impl.client(case, certs, port, timeout, file_name), log("client"))
        try:
            client.p.wait(timeout + 5)
        except subprocess.TimeoutExpired:
            client.stop(0.5)
            return f"client still running after {timeout:g} s", time.monotonic() - start, "\n".join(log_lines)
        client.thread.join(2)
        server.wait_line("CLOSED", 3)  # let the server report the connection
    finally:
        if client is not None:
            client.stop(0.5)
        server.stop()
    elapsed = time.monotonic() - start
    reason = check(case, client, server, certs, expected)
    if reason is None and capture is not None and capture.available:
        # RFC 8446 §4.1.4: secp256r1 (23) first, then x25519 (29) after the HelloRetryRequest.
        groups = capture.client_hello_groups()
        log_lines.append(f"  capture| ClientHello key_share groups: {groups}")
        if groups != ["23", "29"]:
            reason = f"expected ClientHellos with key shares 23 then 29 (HelloRetryRequest), saw {groups}"
    return reason, elapsed, "\n".join(log_lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--peer", action="append", default=[], help="only pairs involving this implementation")
    ap.add_argument("--impls", default=",".join(IMPLS), help="implementations to use (default: all)")
    ap.add_argument("--markdown", help="write the case x pair table to this file")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per client run")
    ap.add_argument("--certs", default=str(ROOT / ".build" / "interop-certs"))
    ap.add_argument("--verbose", action="store_true", help="print every process's output")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    a = ap.parse_args()
    if a.list:
        for c in CASES:
            print(c.name)
        return 0
    names = {c.name for c in CASES}
    only = set(a.only.split(",")) if a.only else names
    if only - names:
        ap.error(f"unknown case(s): {', '.join(sorted(only - names))}")
    selected = set(a.impls.split(","))
    impls, missing = find_impls(selected)
    certs = Path(a.certs)
    subprocess.run([str(HERE / "make_certs.sh"), str(certs)], check=True, stdout=subprocess.DEVNULL)
    for name, why in missing.items():
        print(f"note: {name} unavailable: {why}")

    pairs = [(c, s) for c in IMPLS for s in IMPLS if c in selected and s in selected
             and (not a.peer or c in a.peer or s in a.peer)]
    passed = failed = skipped = 0
    table: dict[str, dict[str, str]] = {}
    work = Path(tempfile.mkdtemp(prefix="korium-interop-"))
    try:
        for case in CASES:
            if case.name not in only:
                continue
            for c, s in pairs:
                label = f"{c} -> {s}"
                row = table.setdefault(case.name, {})
                if c not in case.clients or s not in case.servers:
                    row[label] = "n/a"
                    continue
                if c not in impls or s not in impls:
                    row[label] = "skip"
                    skipped += 1
                    print(f"SKIP  {case.name:20} {label:20} ({missing.get(c) or missing.get(s)})", flush=True)
                    continue
                reason, elapsed, output = run_case(case, impls[c], impls[s], certs, work, a.timeout, a.verbose)
                if reason is None:
                    passed += 1
                    row[label] = "pass"
                    print(f"PASS  {case.name:20} {label:20} {elapsed:6.2f}s", flush=True)
                else:
                    failed += 1
                    row[label] = "FAIL"
                    print(f"FAIL  {case.name:20} {label:20} {elapsed:6.2f}s  {reason}", flush=True)
                if a.verbose or reason is not None:
                    print(output, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if a.markdown:
        write_markdown(a.markdown, pairs, [case.name for case in CASES], table)
    return 1 if failed else 0


def write_markdown(path, pairs, case_names, table):
    """The case x (client -> server) table, one row per case that ran, in `case_names` order."""
    labels = [f"{c} -> {s}" for c, s in pairs]
    with open(path, "w") as f:
        f.write("| case | " + " | ".join(l.replace("->", "→") for l in labels) + " |\n")
        f.write("|---|" + "---|" * len(labels) + "\n")
        for name in case_names:
            if name in table:
                f.write(f"| {name} | " + " | ".join(table[name].get(l, "") for l in labels) + " |\n")


if __name__ == "__main__":
    sys.exit(main())
