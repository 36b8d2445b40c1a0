"""The command-line contract every Python interop peer shares (Tests/Interop/README.md): role,
address, ALPN and the ways to verify the other side. Each peer adds its own options after these."""

from __future__ import annotations

import argparse


def contract_parser(description: str | None) -> argparse.ArgumentParser:
    """A parser with the contract's common flags: `server|client`, `--host`, `--port`,
    `--server-name`, `--alpn` (repeatable), `--cert`/`--key`, `--ca`, `--pin`,
    `--insecure-any-ed25519`."""
    p = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("role", choices=["server", "client"])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=4433)
    p.add_argument("--server-name", default="localhost")
    p.add_argument("--alpn", action="append", default=[])
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--ca")
    p.add_argument("--pin")
    p.add_argument("--insecure-any-ed25519", "--insecure", dest="insecure", action="store_true")
    return p
