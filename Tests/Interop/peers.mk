# Independent QUIC peers for the interop matrix and loopback benchmarks (included by the Makefile).
#   interop-peers : apt packages (Debian's quinn 0.9 crates, cargo, ngtcp2 examples, tshark, ethtool),
#                   quinn-peer (release, built offline with Debian's cargo), openssl test certificates.
#   interop-matrix: Tests/Interop/quic_interop.py over every available implementation pair;
#                   the case x pair table goes to .build/interop-matrix.md.
#   bench-peers   : Tests/Interop/bench_peers.py (bulk MB/s and handshakes/s, release builds): every
#                   implementation with hashing clients, then korium vs quinn transport-only (--no-hash).
# Needs PY (the project venv's python) from the including Makefile. Idempotent: stamps/targets.

INTEROP_APT_PACKAGES := cargo librust-quinn-dev librust-tokio-dev librust-rustls-dev \
  librust-rustls-pemfile-dev librust-ring-dev openssl ngtcp2-client ngtcp2-server tshark ethtool
QUINN_PEER := .build/quinn-peer/release/quinn-peer
INTEROP_CERTS := .build/interop-certs
# Debian's own toolchain (rustc 1.63) matches the vendored crates in /usr/share/cargo/registry,
# whatever rustup may have put first on PATH.
DEBIAN_CARGO ?= /usr/bin/cargo

.PHONY: interop-peers interop-matrix bench-peers

interop-peers: .interop-apt-stamp $(QUINN_PEER) $(INTEROP_CERTS)/server.pem

.interop-apt-stamp: Tests/Interop/peers.mk
	@missing=""; for p in $(INTEROP_APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "interop-peers: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  echo "wireshark-common wireshark-common/install-setuid boolean false" | $$SUDO debconf-set-selections; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@touch $@

$(QUINN_PEER): .interop-apt-stamp Tests/Interop/quinn-peer/Cargo.toml Tests/Interop/quinn-peer/.cargo/config.toml Tests/Interop/quinn-peer/src/main.rs
	cd Tests/Interop/quinn-peer && nice $(DEBIAN_CARGO) build --release --offline -j1 -q
	@touch $@

$(INTEROP_CERTS)/server.pem: Tests/Interop/make_certs.sh
	Tests/Interop/make_certs.sh $(INTEROP_CERTS) >/dev/null
	@touch $@

interop-matrix: interop-peers
	$(PY) Tests/Interop/quic_interop.py --markdown .build/interop-matrix.md

bench-peers: interop-peers
	$(SWIFT) build -c release --product korium
	KORIUM=.build/release/korium $(PY) Tests/Interop/bench_peers.py --markdown .build/bench-peers.md
	KORIUM=.build/release/korium $(PY) Tests/Interop/bench_peers.py --impls korium,quinn --no-hash --korium-max-udp-payload 65507 --markdown .build/bench-peers.md
