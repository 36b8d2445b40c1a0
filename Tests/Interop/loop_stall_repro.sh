#!/bin/sh
# Start-up stall hunt for `--task-executor loop` (BENCHMARKS.md, "stalls at start-up"): RUNS
# short loopback perf downloads, each with a fresh server and client, both sides' tasks on the
# endpoint's event loop (TASK_EXECUTOR, default loop). A run whose client has not finished after
# LIMIT seconds is a stall: the stacks of every thread of both processes (gdb) and the UDP
# sockets (ss) go to OUT/stall-N.txt before both are killed.
#
#   KORIUM=.build/release/korium Tests/Interop/loop_stall_repro.sh [RUNS [BYTES]]
#
# Prints one line per stall and a summary `runs=R stalls=S failures=F`. Before each client starts
# it checks (ss) that the port read from the LISTENING line is bound by this run's server: a
# stale port from the previous run's log gave exactly the reported stall (listening_port.sh).
# Needs gdb and ss.
. "$(dirname "$0")/listening_port.sh"
set -u
KORIUM=${KORIUM:-.build/release/korium}
RUNS=${1:-100}
BYTES=${2:-1000000}
LIMIT=${LIMIT:-5}
EXECUTOR=${TASK_EXECUTOR:-loop}
OUT=${OUT:-.build/loop-stall}
mkdir -p "$OUT"

evidence() {
    file=$1
    shift
    {
        for pid in "$@"; do
            echo "=== process $pid: $(tr '\0' ' ' < /proc/"$pid"/cmdline 2>/dev/null)"
            gdb -p "$pid" -batch -ex 'thread apply all bt' 2>&1 | grep -v -e '^\[New LWP' -e '^During symbol reading' -e '^warning: Section'
        done
        echo "=== ss -uanp"
        ss -uanp
    } > "$file" 2>&1
}

# Waits until process $1 exits or LIMIT seconds pass; true if it exited.
exited_within_limit() {
    waited=0
    while kill -0 "$1" 2>/dev/null && [ "$waited" -lt $((LIMIT * 10)) ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    ! kill -0 "$1" 2>/dev/null
}

stalls=0
failures=0
i=0
while [ "$i" -lt "$RUNS" ]; do
    i=$((i + 1))
    # Emptied before the server starts (listening_port.sh): `>` truncates only once the child
    # runs, and the previous run's port read here was the "stall" this script first found.
    rm -f "$OUT/cli.log"
    : > "$OUT/srv.log"
    "$KORIUM" quic-server --port 0 --max-connections 1 --insecure-any-ed25519 --task-executor "$EXECUTOR" \
        > "$OUT/srv.log" 2>&1 &
    server=$!
    port=$(listening_port "$OUT/srv.log" 100) || { kill "$server" 2>/dev/null; exit 1; }
    if ! ss -uanp | grep -q ":$port .*pid=$server,"; then
        echo "run $i: port $port is not the server's"
        ss -uanp
        kill "$server" 2>/dev/null
        exit 1
    fi
    "$KORIUM" quic-client --port "$port" --insecure-any-ed25519 --bytes "$BYTES" --output none \
        --task-executor "$EXECUTOR" --timeout 60 > "$OUT/cli.log" 2>&1 &
    client=$!
    if ! exited_within_limit "$client"; then
        stalls=$((stalls + 1))
        evidence "$OUT/stall-$i.txt" "$server" "$client"
        cp "$OUT/srv.log" "$OUT/stall-$i.srv.log"
        cp "$OUT/cli.log" "$OUT/stall-$i.cli.log"
        echo "run $i: STALL (evidence in $OUT/stall-$i.txt)"
        kill "$client" "$server" 2>/dev/null
        wait "$client" "$server" 2>/dev/null
        continue
    fi
    wait "$client"
    rc=$?
    if [ "$rc" -ne 0 ] || ! grep -q '^RESULT ok' "$OUT/cli.log"; then
        failures=$((failures + 1))
        cp "$OUT/cli.log" "$OUT/fail-$i.cli.log"
        echo "run $i: client exit $rc: $(tail -1 "$OUT/cli.log")"
    fi
    # --max-connections 1: the server exits once the connection has closed.
    if ! exited_within_limit "$server"; then
        echo "run $i: server still running after the client finished"
        kill "$server" 2>/dev/null
    fi
    wait "$server" 2>/dev/null
done
echo "runs=$RUNS stalls=$stalls failures=$failures executor=$EXECUTOR bytes=$BYTES"
