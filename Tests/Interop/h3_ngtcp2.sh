#!/usr/bin/env bash
# HTTP/3 GET of SIZE bytes (default 10 MiB) between korium and Debian's ngtcp2 examples (GnuTLS
# builds, packages ngtcp2-client / ngtcp2-server), in both directions, hash-checked:
#   1. gtlsclient → korium quic-server --alpn h3 (generated body /SIZE; its sha256 is computed
#      here with python3 hashlib from the generator's definition: byte i = i & 0xff)
#   2. korium quic-client --alpn h3 (CA mode) → gtlsserver serving a file of the same bytes
#      (a non-numeric name: gtlsserver generates its own content for /N paths)
# Usage: Tests/Interop/h3_ngtcp2.sh [SIZE] [KORIUM_BINARY]   (exit 0 when both hashes match)
set -euo pipefail
size=${1:-10485760}
korium=${2:-"$(dirname "$0")/../../.build/debug/korium"}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
"$(dirname "$0")/make_certs.sh" "$work/certs" >/dev/null
python3 - "$size" "$work/docs/body.bin" <<'PY'
import hashlib, os, sys
n, path = int(sys.argv[1]), sys.argv[2]
os.makedirs(os.path.dirname(path), exist_ok=True)
data = bytes(i & 0xFF for i in range(256)) * (n // 256) + bytes(range(n % 256))
open(path, "wb").write(data)
PY
expected=$(sha256sum "$work/docs/body.bin" | cut -d' ' -f1)
failed=0

# 1. ngtcp2 client → korium server.
"$korium" quic-server --port 0 --alpn h3 --cert "$work/certs/server.pem" --key "$work/certs/server.key" \
    --max-connections 1 >"$work/server.log" 2>&1 &
for _ in $(seq 50); do grep -q LISTENING "$work/server.log" && break; sleep 0.1; done
port=$(grep -o 'port=[0-9]*' "$work/server.log" | cut -d= -f2)
mkdir -p "$work/download"
timeout 120 gtlsclient -q --exit-on-all-streams-close --download "$work/download" 127.0.0.1 "$port" \
    "https://localhost:$port/$size" >"$work/gtlsclient.log" 2>&1 || true
got=$(sha256sum "$work/download/$size" 2>/dev/null | cut -d' ' -f1 || true)
if [ "$got" = "$expected" ]; then echo "h3 ngtcp2-client -> korium-server: pass ($size bytes, sha256 $got)"
else echo "h3 ngtcp2-client -> korium-server: FAIL (sha256 ${got:-none}, expected $expected)"; failed=1; fi

# 2. korium client → ngtcp2 server.
gtls_port=$((20000 + RANDOM % 20000))
gtlsserver -q -d "$work/docs" 127.0.0.1 "$gtls_port" "$work/certs/server.key" "$work/certs/server.pem" \
    >"$work/gtlsserver.log" 2>&1 &
sleep 1
line=$(timeout 120 "$korium" quic-client --port "$gtls_port" --alpn h3 --ca "$work/certs/ca.pem" \
    --requests /body.bin 2>&1 | tail -1 || true)
got=$(echo "$line" | grep -o 'hash=sha256:[0-9a-f]*' | cut -d: -f2 || true)
if [ "$got" = "$expected" ]; then echo "h3 korium-client -> ngtcp2-server: pass ($size bytes, sha256 $got)"
else echo "h3 korium-client -> ngtcp2-server: FAIL ($line)"; failed=1; fi
exit $failed
