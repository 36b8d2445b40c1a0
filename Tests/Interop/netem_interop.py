#!/usr/bin/env python3
"""QUIC interop cases over an impaired network: case x (client, server) through `korium netem-proxy`.

The kernel here has no netem qdisc, so every case puts the seeded userspace impairment proxy
(`korium netem-proxy`, Sources/KoriumNetem) between the client and the server on loopback:

    client --> proxy (listen 127.0.0.1:0 or [::1]:0) --> server (--port 0)
           <--                                       <--

The cases follow the QUIC interop runner's: handshakeloss (30 % loss), transferloss (5 % and
30 %), handshakecorruption, transfercorruption, blackhole (2 s of 100 % loss mid-transfer),
rebind-port and rebind-addr (the proxy moves the client to a new source port / 127.0.0.x
address mid-transfer: RFC 9000 §9 path validation), ipv6 ([::1]) and a 200 ms-RTT high-BDP
transfer. Implementations, certificates and result checks are those of quic_interop.py (same
flags and output contract, Tests/Interop/README.md); on top, each case checks the proxy's
counters (printed by the proxy on exit) for evidence that the impairment really happened during
the transfer (packets lost, corrupted, blackholed, traffic on the rebound path).

  Tests/Interop/netem_interop.py [--only CASE,...] [--peer IMPL]... [--impls a,b,c] [--smoke]
                                 [--markdown FILE] [--timeout S] [--seed N] [--verbose] [--list]

--smoke runs one case per (client, server) pair, rotating through the cases (for make test).

Prints one line per run and a final `N passed, N failed, N skipped`; exit status 1 on any
failure. The proxy binary is `$KORIUM_NETEM`, else `$KORIUM`, else .build/release/korium, else
.build/debug/korium (the first that has `netem-proxy`).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import quic_interop as qi  # noqa: E402  (sibling driver: implementations, processes, checks)

ROOT = qi.ROOT
# ngtcp2 (Debian's gtlsclient/gtlsserver via ngtcp2_peer.py) speaks only HTTP/3, so a pair with
# ngtcp2 on either side runs each case as HTTP/3 GETs of a file of the case's size (same bytes,
# same hash) instead of perf / hq-interop; its partner must speak h3 too.
IMPLS = qi.IMPLS + ("ngtcp2",)
H3_IMPLS = {"korium", "aioquic", "ngtcp2"}
H3_ONLY = {"ngtcp2"}

Counters = dict[str, int]


def lost(c: Counters) -> bool:
    return c.get("c2s_lost", 0) + c.get("s2c_lost", 0) > 0


def corrupted(c: Counters) -> bool:
    return c.get("c2s_corrupted", 0) + c.get("s2c_corrupted", 0) > 0


def blackholed(c: Counters) -> bool:
    return c.get("c2s_blackholed", 0) + c.get("s2c_blackholed", 0) > 0


def rebound(n: int) -> Callable[[Counters], bool]:
    # Every scheduled rebind happened, and client traffic kept flowing on the newest binding.
    return lambda c: c.get("rebinds", 0) == n and c.get("c2s_forwarded_since_rebind", 0) > 10


def forwarded(c: Counters) -> bool:
    return c.get("c2s_forwarded", 0) > 0 and c.get("s2c_forwarded", 0) > 0


@dataclass
class NetemCase:
    name: str
    case: qi.Case                       # what the client fetches and how it is checked
    proxy: list[str]                    # netem-proxy options (impairments, script)
    evidence: Callable[[Counters], bool]
    evidence_text: str
    ipv6: bool = False
    min_seconds: float = 0.0            # the run cannot be faster than this (e.g. RTT-bound)
    connections: int = 1                # sequential client runs (fresh connections) against one server


def _case(name: str, **kw) -> qi.Case:
    return qi.Case(name, **kw)


# A 20 Mbit/s bottleneck (256 KiB queue, tail drop) makes a 5 MB transfer last about 2 s on any
# stack, so timed events at 0.5-1.5 s land mid-transfer even for the fastest peers.
BOTTLENECK = ["--set", "rate=20mbit,queue=256kb"]

CASES = [
    # Handshake cases: 5 fresh connections each (the runner uses many), so a handshake of a
    # few packets cannot slip through unimpaired (0.7^40 < 1e-6).
    NetemCase("handshakeloss", _case("handshakeloss", alpn="hq-interop", bytes=1024),
              ["--set", "loss=30%"], lost, "packets lost", connections=5),
    NetemCase("transferloss-5", _case("transferloss-5", bytes=2 << 20),
              ["--set", "loss=5%"], lost, "packets lost"),
    NetemCase("transferloss-30", _case("transferloss-30", bytes=200_000),
              ["--set", "loss=30%"], lost, "packets lost"),
    NetemCase("handshakecorruption", _case("handshakecorruption", alpn="hq-interop", bytes=1024),
              ["--set", "corrupt=30%"], corrupted, "packets corrupted", connections=5),
    NetemCase("transfercorruption", _case("transfercorruption", bytes=2 << 20),
              ["--set", "corrupt=10%"], corrupted, "packets corrupted"),
    NetemCase("blackhole", _case("blackhole", bytes=5 << 20),
              BOTTLENECK + ["--blackhole", "2s@1s"], blackholed, "packets blackholed mid-transfer",
              min_seconds=2.0),
    NetemCase("rebind-port", _case("rebind-port", bytes=5 << 20),
              BOTTLENECK + ["--rebind-port", "500ms", "--rebind-port", "1200ms"], rebound(2),
              "2 rebinds, traffic on the new port"),
    NetemCase("rebind-addr", _case("rebind-addr", bytes=5 << 20),
              BOTTLENECK + ["--rebind-addr", "500ms", "--rebind-addr", "1200ms"], rebound(2),
              "2 rebinds, traffic from the new address"),
    NetemCase("ipv6", _case("ipv6", bytes=1 << 20), [], forwarded, "traffic over [::1]", ipv6=True),
    NetemCase("long-rtt", _case("long-rtt", bytes=10 << 20),
              ["--set", "delay=100ms", "--slots", "32768"], forwarded, "200 ms RTT", min_seconds=0.4),
]


def playable(nc: NetemCase, c: str, s: str) -> str | None:
    """None if client `c` and server `s` can run case `nc`, else why not (the table's n/a)."""
    if c in H3_ONLY or s in H3_ONLY:
        other = [x for x in (c, s) if x not in H3_IMPLS]
        return f"{other[0]} has no HTTP/3 and ngtcp2 speaks nothing else" if other else None
    if c not in nc.case.clients or s not in nc.case.servers:
        return "pair excluded by the case"
    return None


def h3_form(case: qi.Case) -> qi.Case:
    """The case as HTTP/3 GETs of a file of `case.bytes` generated bytes (one request per connection)."""
    return qi.Case(case.name, alpn="h3", auth=case.auth, bytes=case.bytes, streams=1)


def body_file(root: Path, size: int) -> str:
    """A file of `size` contract-generated bytes under `root` (non-numeric name: gtlsserver answers
    numeric paths with its own content), created once per size; returns its name."""
    name = f"body-{size}"
    path = root / name
    if not path.exists():
        root.mkdir(parents=True, exist_ok=True)
        path.write_bytes(qi.generated(size))
    return name


def find_proxy() -> str | None:
    candidates = [os.environ.get("KORIUM_NETEM", ""), os.environ.get("KORIUM", ""),
                  str(ROOT / ".build/release/korium"), str(ROOT / ".build/debug/korium")]
    for c in candidates:
        if c and Path(c).exists() and subprocess.run([c, "netem-proxy", "--help"], capture_output=True,
                                                     timeout=20).returncode == 0:
            return c
    return None


def with_host(cmd: list[str], host: str) -> list[str]:
    """`cmd` with its `--host` value replaced (the contract's flag for bind / connect address)."""
    out = list(cmd)
    if "--host" in out:
        out[out.index("--host") + 1] = host
    else:
        out += ["--host", host]
    return out


def counters(line: str | None) -> Counters:
    if not line:
        return {}
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}


def run_case(nc: NetemCase, client_impl: qi.Impl, server_impl: qi.Impl, proxy_bin: str, certs: Path,
             work: Path, timeout: float, seed: int) -> tuple[str | None, float, str, Counters]:
    log_lines: list[str] = []

    def log(prefix):
        return lambda line: log_lines.append(f"  {prefix}| {line}")

    case = nc.case
    root = file_name = None
    if {client_impl.name, server_impl.name} & H3_ONLY:
        case = h3_form(case)
        root = work / "htdocs"
        file_name = body_file(root, case.bytes)
    host = "::1" if nc.ipv6 else "127.0.0.1"
    body = qi.generated(case.bytes) * case.streams
    expected = (len(body), hashlib.sha256(body).hexdigest())
    start = time.monotonic()
    server_cmd = with_host(server_impl.server(case, certs, root), host)
    if "--max-connections" in server_cmd:
        server_cmd[server_cmd.index("--max-connections") + 1] = str(nc.connections)
    server = qi.Proc(server_cmd, log("server"))
    proxy = client = None
    reason: str | None = None
    stats: Counters = {}
    try:
        listening = server.wait_line("LISTENING", 20)
        if listening is None:
            return f"server did not start: {server.lines[-1] if server.lines else 'no output'}", 0.0, \
                "\n".join(log_lines), stats
        port = int(qi.fields(listening)["port"])
        hostport = f"[{host}]" if nc.ipv6 else host
        proxy = qi.Proc([proxy_bin, "netem-proxy", "--server", f"{hostport}:{port}", "--listen", f"{hostport}:0",
                         "--seed", str(seed)] + nc.proxy, log("proxy"))
        ready = proxy.wait_line("netem-proxy listening on", 20)
        if ready is None:
            return f"proxy did not start: {proxy.lines[-1] if proxy.lines else 'no output'}", 0.0, \
                "\n".join(log_lines), stats
        proxy_port = int(ready.split()[3].rsplit(":", 1)[1])
        for n in range(nc.connections):
            client = qi.Proc(with_host(client_impl.client(case, certs, proxy_port, timeout, file_name), host),
                             log(f"client{n}" if nc.connections > 1 else "client"))
            try:
                client.p.wait(timeout + 5)
            except subprocess.TimeoutExpired:
                client.stop(0.5)
                return f"client still running after {timeout:g} s", time.monotonic() - start, \
                    "\n".join(log_lines), stats
            client.thread.join(2)
            reason = qi.check(case, client, server, certs, expected)
            if reason is not None:
                if nc.connections > 1:
                    reason = f"connection {n + 1}/{nc.connections}: {reason}"
                break
        if server_impl.name not in H3_ONLY:  # gtlsserver prints no per-connection lines
            server.wait_line("CLOSED", 3)
    finally:
        if client is not None:
            client.stop(0.5)
        server.stop()
        if proxy is not None:
            proxy.stop(5)  # SIGTERM: the proxy prints its counters line and exits
            stats = counters(next((l for l in proxy.lines if l.startswith("netem-proxy c2s_")), None))
    elapsed = time.monotonic() - start
    if reason is None and not stats:
        reason = "proxy printed no counters"
    if reason is None and not nc.evidence(stats):
        reason = f"no evidence of the impairment ({nc.evidence_text})"
    if reason is None and elapsed < nc.min_seconds:
        reason = f"finished in {elapsed:.2f} s, faster than the impairment allows ({nc.min_seconds} s)"
    return reason, elapsed, "\n".join(log_lines), stats


def summary(stats: Counters) -> str:
    keys = ["lost", "corrupted", "blackholed", "queue_dropped"]
    parts = [f"{k}={stats.get('c2s_' + k, 0)}/{stats.get('s2c_' + k, 0)}" for k in keys
             if stats.get('c2s_' + k, 0) + stats.get('s2c_' + k, 0)]
    if stats.get("rebinds"):
        parts.append(f"rebinds={stats['rebinds']}")
    return " ".join(parts)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--peer", action="append", default=[], help="only pairs involving this implementation")
    ap.add_argument("--impls", default=",".join(IMPLS), help="implementations to use (default: all)")
    ap.add_argument("--markdown", help="write the case x pair table to this file")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per client run")
    ap.add_argument("--seed", type=int, default=1, help="proxy seed (same seed, same impairment decisions)")
    ap.add_argument("--certs", default=str(ROOT / ".build" / "interop-certs"))
    ap.add_argument("--verbose", action="store_true", help="print every process's output")
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--smoke", action="store_true",
                    help="one case per pair (rotating through the cases, so each case runs somewhere): for make test")
    a = ap.parse_args()
    if a.list:
        for c in CASES:
            print(c.name)
        return 0
    names = {c.name for c in CASES}
    only = set(a.only.split(",")) if a.only else names
    if only - names:
        ap.error(f"unknown case(s): {', '.join(sorted(only - names))}")
    proxy_bin = find_proxy()
    if proxy_bin is None:
        print("error: no korium binary with netem-proxy (swift build, or set KORIUM_NETEM)")
        return 1
    selected = set(a.impls.split(","))
    impls, missing = qi.find_impls(selected)
    certs = Path(a.certs)
    subprocess.run([str(HERE / "make_certs.sh"), str(certs)], check=True, stdout=subprocess.DEVNULL)
    for name, why in missing.items():
        print(f"note: {name} unavailable: {why}")

    pairs = [(c, s) for c in IMPLS for s in IMPLS if c in selected and s in selected
             and (not a.peer or c in a.peer or s in a.peer)]
    passed = failed = skipped = 0
    table: dict[str, dict[str, str]] = {}
    work = Path(tempfile.mkdtemp(prefix="korium-netem-"))
    chosen = [nc for nc in CASES if nc.name in only]
    # --smoke: the pairs that can play at all take the cases in turn.
    able = [p for p in pairs if any(playable(nc, *p) is None for nc in chosen)]
    smoke_pick = {pair: chosen[i % len(chosen)].name for i, pair in enumerate(able)} if chosen else {}
    try:
        for nc in chosen:
            for c, s in pairs:
                if a.smoke and smoke_pick.get((c, s)) != nc.name:
                    continue
                label = f"{c} -> {s}"
                row = table.setdefault(nc.name, {})
                if playable(nc, c, s) is not None:
                    row[label] = "n/a"
                    continue
                if c not in impls or s not in impls:
                    row[label] = "skip"
                    skipped += 1
                    print(f"SKIP  {nc.name:20} {label:20} ({missing.get(c) or missing.get(s)})", flush=True)
                    continue
                reason, elapsed, output, stats = run_case(nc, impls[c], impls[s], proxy_bin, certs, work,
                                                          a.timeout, a.seed)
                if reason is None:
                    passed += 1
                    row[label] = "pass"
                    print(f"PASS  {nc.name:20} {label:20} {elapsed:6.2f}s  {summary(stats)}", flush=True)
                else:
                    failed += 1
                    row[label] = "FAIL"
                    print(f"FAIL  {nc.name:20} {label:20} {elapsed:6.2f}s  {reason}", flush=True)
                if a.verbose or reason is not None:
                    print(output, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if a.markdown:
        qi.write_markdown(a.markdown, pairs, [nc.name for nc in CASES], table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
