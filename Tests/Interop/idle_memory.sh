#!/bin/sh
# Resident memory per idle established QUIC connection (BENCHMARKS.md): one `korium quic-server`,
# one `korium quic-client` opening N connections at once (each a full handshake plus an empty
# perf request), then holding all N open and idle for HOLD seconds. Server: VmRSS while the
# client holds minus VmRSS after LISTENING, / N. Client: its own HOLDING line (VmRSS while
# holding minus VmRSS before the first connect, / N).
#
#   KORIUM=.build/release/korium Tests/Interop/idle_memory.sh [N [HOLD_SECONDS]]
. "$(dirname "$0")/listening_port.sh"
set -eu
KORIUM=${KORIUM:-.build/release/korium}
N=${1:-1000}
HOLD=${2:-10}
OUT=${OUT:-.build/idle-memory}
EXECUTOR=${TASK_EXECUTOR:-loop}
mkdir -p "$OUT"

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

: > "$OUT/server.log"  # no earlier run's LISTENING line for listening_port (listening_port.sh)
"$KORIUM" quic-server --port 0 --cipher chacha20 --insecure-any-ed25519 --idle-timeout 120000 --accept-backlog "$N" \
    --task-executor "$EXECUTOR" > "$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
port=$(listening_port "$OUT/server.log" 100) || exit 1
sleep 0.5
server_before=$(rss_kb "$server")

"$KORIUM" quic-client --port "$port" --insecure-any-ed25519 --cipher chacha20 --bytes 0 --concurrent "$N" \
    --hold "$HOLD" --timeout $((HOLD + 120)) --idle-timeout 120000 --task-executor "$EXECUTOR" > "$OUT/client.log" 2>&1 &
client=$!
for _ in $(seq 1 1200); do
    grep -q '^HOLDING' "$OUT/client.log" && break
    kill -0 "$client" 2>/dev/null || break
    sleep 0.1
done
grep '^HOLDING' "$OUT/client.log" || { echo "client did not reach the hold"; cat "$OUT/client.log"; exit 1; }
sleep 1
server_holding=$(rss_kb "$server")
accepted=$(grep -c '^ACCEPTED' "$OUT/server.log" || true)
wait "$client"
grep '^RESULT' "$OUT/client.log"
echo "server accepted=$accepted rss_kb_before=$server_before rss_kb_holding=$server_holding" \
    "kb_per_connection=$(echo "scale=2; ($server_holding - $server_before) / $N" | bc)"
