#!/usr/bin/env bash
# HTTP/3 GET of SIZE bytes (default 10 MiB) between korium and Debian's ngtcp2 examples (GnuTLS
# builds, packages ngtcp2-client / ngtcp2-server), in both directions, hash-checked:
#   1. gtlsclient → korium quic-server --alpn h3 (generated body /SIZE; its sha256 is computed
#      here with python3 hashlib from the generator's definition: byte i = i & 0xff)
#   2. korium quic-client --alpn h3 (CA mode) → gtlsserver serving a file of the same bytes
#      (a non-numeric name: gtlsserver generates its own content for /N paths)
# Usage: Tests/Interop/h3_ngtcp2.sh [SIZE] [KORIUM_BINARY]   (exit 0 when both hashes match)
# With NETEM="SETTINGS" (netem-proxy `--set` syntax, e.g. NETEM="loss=5%"), both transfers go
# through `korium netem-proxy --set SETTINGS --seed ${NETEM_SEED:-1}` (NETEM.md) and the proxy's
# counters must show the impairment happened when it drops or alters datagrams (loss, corrupt, dup,
# reorder: at least one such datagram); delay/rate settings are only reported.
set -euo pipefail
size=${1:-10485760}
korium=${2:-"$(dirname "$0")/../../.build/debug/korium"}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
netem=${NETEM:-}
label=${netem:+" via netem $netem"}
must_impair=0
case "$netem" in *loss=*|*corrupt=*|*dup=*|*reorder=*) must_impair=1 ;; esac

# start_proxy NAME SERVER_PORT: runs netem-proxy in front of 127.0.0.1:SERVER_PORT when NETEM is set
# and prints the port clients must use (the server's own port otherwise).
start_proxy() {
  if [ -z "$netem" ]; then echo "$2"; return; fi
  "$korium" netem-proxy --server "127.0.0.1:$2" --listen 127.0.0.1:0 --seed "${NETEM_SEED:-1}" \
      --set "$netem" >"$work/proxy-$1.log" 2>&1 &
  echo $! >"$work/proxy-$1.pid"
  for _ in $(seq 50); do grep -q "netem-proxy listening on" "$work/proxy-$1.log" && break; sleep 0.1; done
  grep -o 'listening on [^ ]*' "$work/proxy-$1.log" | sed 's/.*://'
}

# stop_proxy NAME: stops the proxy (SIGTERM prints its counters) and prints "impaired=N" (datagrams
# lost + corrupted + duplicated + reordered + dropped, both directions) or nothing without NETEM.
stop_proxy() {
  [ -n "$netem" ] || return 0
  local pid; pid=$(cat "$work/proxy-$1.pid")
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  grep -o '\(c2s\|s2c\)_\(lost\|corrupted\|duplicated\|reordered\|blackholed\|queue_dropped\)=[0-9]*' \
      "$work/proxy-$1.log" | awk -F= '{n += $2} END {print " impaired=" n+0}'
}
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
cport=$(start_proxy 1 "$port")
mkdir -p "$work/download"
timeout 120 gtlsclient -q --exit-on-all-streams-close --download "$work/download" 127.0.0.1 "$cport" \
    "https://localhost:$port/$size" >"$work/gtlsclient.log" 2>&1 || true
impaired=$(stop_proxy 1)
got=$(sha256sum "$work/download/$size" 2>/dev/null | cut -d' ' -f1 || true)
if [ "$got" = "$expected" ] && { [ $must_impair = 0 ] || [ "$impaired" != " impaired=0" ]; }; then
  echo "h3 ngtcp2-client -> korium-server$label: pass ($size bytes, sha256 $got$impaired)"
else echo "h3 ngtcp2-client -> korium-server$label: FAIL (sha256 ${got:-none}, expected $expected$impaired)"; failed=1; fi

# 2. korium client → ngtcp2 server.
gtls_port=$((20000 + RANDOM % 20000))
gtlsserver -q -d "$work/docs" 127.0.0.1 "$gtls_port" "$work/certs/server.key" "$work/certs/server.pem" \
    >"$work/gtlsserver.log" 2>&1 &
sleep 1
cport=$(start_proxy 2 "$gtls_port")
line=$(timeout 120 "$korium" quic-client --port "$cport" --alpn h3 --ca "$work/certs/ca.pem" \
    --requests /body.bin 2>&1 | tail -1 || true)
impaired=$(stop_proxy 2)
got=$(echo "$line" | grep -o 'hash=sha256:[0-9a-f]*' | cut -d: -f2 || true)
if [ "$got" = "$expected" ] && { [ $must_impair = 0 ] || [ "$impaired" != " impaired=0" ]; }; then
  echo "h3 korium-client -> ngtcp2-server$label: pass ($size bytes, sha256 $got$impaired)"
else echo "h3 korium-client -> ngtcp2-server$label: FAIL ($line$impaired)"; failed=1; fi
exit $failed
