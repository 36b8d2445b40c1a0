#!/usr/bin/env python3
"""Loopback QUIC baseline: bulk throughput and handshakes/s per implementation, same run.

For each implementation X (korium, quinn, aioquic; release builds) X's client talks to X's server
over 127.0.0.1 with the `perf` protocol, ChaCha20-Poly1305 only, pinned Ed25519 keys:
  - bulk: one stream of --bytes (default 200 MB), MB/s as the client measures it (10^6 bytes/s,
    request sent to FIN received), plus CPU seconds of client + server per GB moved;
  - handshakes: --handshakes sequential connections, each a full handshake plus a 0-byte perf
    request, reported as connections per second of wall time by the client.

  Tests/Interop/bench_peers.py [--bytes N] [--handshakes N] [--impls a,b] [--markdown FILE]

Implementations that cannot run are listed as n/a; a client without --connections gets no
handshake rate, only the mean handshake time its HANDSHAKE line reports over up to 20 separate
runs (all three clients have --connections now, so this fallback is for older builds).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from quic_interop import HERE, IMPLS, Proc, fields, find_impls  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of a live process from /proc (proc(5): fields 14 and 15, in clock ticks)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    rest = stat[stat.rindex(")") + 2:].split()
    return (int(rest[11]) + int(rest[12])) / CLK_TCK


def server_cmd(impl, certs: Path) -> list[str]:
    sub = "quic-server" if impl.name == "korium" else "server"
    return impl.argv + [sub, "--host", "127.0.0.1", "--port", "0", "--cert", str(certs / "server-self.pem"),
                        "--key", str(certs / "server.key"), "--alpn", "perf", "--cipher", "chacha20"]


def client_cmd(impl, certs: Path, port: int, extra: list[str]) -> list[str]:
    sub = "quic-client" if impl.name == "korium" else "client"
    return impl.argv + [sub, "--host", "127.0.0.1", "--port", str(port), "--alpn", "perf", "--cipher", "chacha20",
                        "--pin", (certs / "server.pub.hex").read_text().strip(), "--timeout", "600"] + extra


def run(impl, certs: Path, extra: list[str]) -> tuple[dict[str, str] | None, float, str]:
    """One client run against a fresh server: (RESULT fields, client+server CPU s, error)."""
    server = Proc(server_cmd(impl, certs), lambda line: None)
    try:
        listening = server.wait_line("LISTENING", 20)
        if listening is None:
            return None, 0.0, "server did not start"
        port = int(fields(listening)["port"])
        client = Proc(client_cmd(impl, certs, port, extra), lambda line: None)
        _, status, usage = os.wait4(client.p.pid, 0)
        client.p.returncode = os.waitstatus_to_exitcode(status)
        server_cpu = cpu_seconds(server.p.pid)
        client.thread.join(2)
        result = next((l for l in client.lines if l.startswith("RESULT ok")), None)
        if result is None:
            return None, 0.0, (client.lines[-1] if client.lines else "no output")
        return fields(result), usage.ru_utime + usage.ru_stime + server_cpu, ""
    finally:
        server.stop()


def handshake_ms(impl, certs: Path) -> float | None:
    """One fresh client process against a fresh server; the ms= of its HANDSHAKE line."""
    server = Proc(server_cmd(impl, certs), lambda line: None)
    try:
        listening = server.wait_line("LISTENING", 20)
        if listening is None:
            return None
        client = Proc(client_cmd(impl, certs, int(fields(listening)["port"]), ["--bytes", "0"]), lambda line: None)
        client.p.wait(60)
        client.thread.join(2)
        line = next((l for l in client.lines if l.startswith("HANDSHAKE ok")), None)
        return float(fields(line)["ms"]) if line else None
    finally:
        server.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bytes", type=int, default=200_000_000)
    ap.add_argument("--handshakes", type=int, default=100)
    ap.add_argument("--impls", default=",".join(IMPLS))
    ap.add_argument("--certs", default=str(HERE.parent.parent / ".build" / "interop-certs"))
    ap.add_argument("--markdown", help="append the table to this file")
    a = ap.parse_args()
    certs = Path(a.certs)
    subprocess.run([str(HERE / "make_certs.sh"), str(certs)], check=True, stdout=subprocess.DEVNULL)
    impls, missing = find_impls(set(a.impls.split(",")))
    rows = []
    for name in IMPLS:
        if name not in a.impls.split(","):
            continue
        if name not in impls:
            rows.append((name, "n/a", "n/a", "n/a", "n/a", missing.get(name, "")))
            continue
        impl = impls[name]
        bulk, cpu, err = run(impl, certs, ["--bytes", str(a.bytes)])
        if bulk is None:
            mbps = cpu_gb = f"error: {err}"
        else:
            mbps = bulk["mbps"]
            cpu_gb = f"{cpu / (int(bulk['bytes']) / 1e9):.1f}"
        help_text = subprocess.run(client_cmd(impl, certs, 0, ["--help"]), capture_output=True, text=True).stdout
        if "--connections" in help_text:
            hs, _, err = run(impl, certs, ["--bytes", "0", "--connections", str(a.handshakes)])
            hps = hs["handshakes_per_s"] if hs else f"error: {err}"
            hms = hs.get("handshake_ms", "-") if hs else "-"
        else:
            # No in-process loop: the handshake latency the client itself reports (its HANDSHAKE
            # line, process start-up excluded), averaged over separate runs; no rate.
            hps, hms = "n/a (no --connections)", "-"
            times = [handshake_ms(impl, certs) for _ in range(min(a.handshakes, 20))]
            if times and None not in times:
                hms = f"{sum(times) / len(times):.2f} (mean of {len(times)} runs)"
        rows.append((name, mbps, cpu_gb, hps, hms, ""))
        print(f"{name}: bulk {mbps} MB/s, {cpu_gb} CPU s/GB, {hps} handshakes/s, {hms} ms/handshake", flush=True)
    table = [f"| implementation (client → server, same impl) | bulk MB/s ({a.bytes / 1e6:g} MB, ChaCha20) "
             f"| CPU s per GB (client + server) | handshakes/s ({a.handshakes} sequential) | ms per handshake | note |",
             "|---|---|---|---|---|---|"]
    table += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} |" for r in rows]
    print("\n".join(table))
    if a.markdown:
        with open(a.markdown, "a") as f:
            f.write("\n".join(table) + "\n")
    return 0 if all("error" not in str(r) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
