#!/bin/sh
# Heap allocations per 1-RTT packet, whole process, of `korium quic-server` and `korium
# quic-client` (BENCHMARKS.md, "Heap allocations per packet"). heaptrack counts every call to an
# allocation function during a SMALL and a LARGE perf download (ChaCha20, one stream); the
# difference divided by the extra 1-RTT packets ((LARGE - SMALL) bytes / the stream payload of
# one packet, taken as the client's largest_datagram minus 50 B of header, frame header and AEAD
# tag) is the steady-state figure, free of start-up and handshake allocations.
#
#   KORIUM=.build/release/korium Tests/Interop/alloc_per_packet.sh [SMALL_BYTES LARGE_BYTES]
#
# TASK_EXECUTOR=global runs both sides' application tasks on Swift's global executor instead of
# the endpoint's event loop (the default, `--task-executor loop`). EXTRA_ARGS go to both sides
# (e.g. EXTRA_ARGS="--max-udp-payload 1200" for 1200-byte datagrams).
#
# Prints one line per run and the per-packet figures. Needs heaptrack and heaptrack_print.
. "$(dirname "$0")/listening_port.sh"
set -eu
KORIUM=${KORIUM:-.build/release/korium}
SMALL=${1:-20000000}
LARGE=${2:-100000000}
OUT=${OUT:-.build/heaptrack}
EXECUTOR=${TASK_EXECUTOR:-loop}
EXTRA=${EXTRA_ARGS:-}
mkdir -p "$OUT"

calls() { heaptrack_print "$1" 2>/dev/null | sed -n 's/^calls to allocation functions: \([0-9]*\).*/\1/p'; }

run() {
    bytes=$1
    tag=$2
    rm -f "$OUT/srv-$tag".* "$OUT/cli-$tag".* "$OUT/srv-$tag.log"
    heaptrack -o "$OUT/srv-$tag" "$KORIUM" quic-server --port 0 --max-connections 1 --cipher chacha20 \
        --insecure-any-ed25519 --task-executor "$EXECUTOR" $EXTRA > "$OUT/srv-$tag.log" 2>&1 &
    server=$!
    port=$(listening_port "$OUT/srv-$tag.log" 200) || exit 1
    heaptrack -o "$OUT/cli-$tag" "$KORIUM" quic-client --port "$port" --insecure-any-ed25519 --bytes "$bytes" \
        --cipher chacha20 --task-executor "$EXECUTOR" $EXTRA > "$OUT/cli-$tag.log" 2>&1
    wait "$server"
    grep '^RESULT' "$OUT/cli-$tag.log"
    echo "$tag server_allocs=$(calls "$OUT/srv-$tag.zst") client_allocs=$(calls "$OUT/cli-$tag.zst")"
}

run "$SMALL" small
run "$LARGE" large
s_small=$(calls "$OUT/srv-small.zst"); s_large=$(calls "$OUT/srv-large.zst")
c_small=$(calls "$OUT/cli-small.zst"); c_large=$(calls "$OUT/cli-large.zst")
datagram=$(sed -n 's/^RESULT .*largest_datagram=\([0-9]*\).*/\1/p' "$OUT/cli-large.log")
python3 - "$SMALL" "$LARGE" "$s_small" "$s_large" "$c_small" "$c_large" "${datagram:-1200}" <<'EOF'
import sys
small, large, ss, sl, cs, cl, datagram = map(int, sys.argv[1:])
packets = (large - small) / (datagram - 50)
print(f"largest datagram {datagram} B, extra 1-RTT packets ~{packets:,.0f}")
print(f"server: {ss:,} / {sl:,} allocations -> {(sl - ss) / packets:.4f} per packet")
print(f"client: {cs:,} / {cl:,} allocations -> {(cl - cs) / packets:.4f} per packet")
EOF
