# Sourced by the measurement scripts: `listening_port LOG TRIES` prints the port of the
# `LISTENING ... port=N` line a korium quic-server writes to LOG, polling every 0.1 s up to
# TRIES times; it fails (printing LOG) if the server never got that far.
#
# LOG must not hold an earlier server's line: empty (or remove) it BEFORE starting the server
# (`: > LOG`). `server > LOG &` truncates LOG only once the child runs, so without that the
# first poll may read the previous run's port, and the client then dials a port nobody serves:
# a handshake idle timeout while the new server waits in epoll_wait with no connection.
listening_port() {
    _log=$1
    _tries=$2
    for _ in $(seq 1 "$_tries"); do
        _port=$(sed -n 's/^LISTENING .*port=\([0-9]*\).*/\1/p' "$_log" 2>/dev/null)
        [ -n "$_port" ] && { echo "$_port"; return 0; }
        sleep 0.1
    done
    echo "server did not start" >&2
    cat "$_log" >&2
    return 1
}
