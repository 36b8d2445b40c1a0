# swift-korium — the two commands are `make demo` and `make test`; both run `make setup` first.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
SWIFT ?= swift
VENV := .venv
PY := $(VENV)/bin/python
APT_PACKAGES := libsodium-dev libb2-dev pkg-config openssl python3-venv
PIP_PACKAGES := cryptography==48.0.0 aioquic==1.7.2
FUZZ_SMOKE_SECONDS ?= 5
KORIUM := .build/debug/korium

.PHONY: setup demo test build unit vectors fuzz-smoke fuzz bench ct-check sim-bench clean interop interop-korium interop-h3 interop-h3-netem interop-tshark interop-netem interop-netem-korium alloc-check idle-memory

## setup: install whatever a fresh Debian machine lacks (idempotent): the build's C libraries, the
## project .venv (cryptography, aioquic), and the interop peers (quinn-peer, ngtcp2, tshark, certs).
setup: .setup-stamp interop-peers
.setup-stamp: Makefile
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "setup: installing$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@[ -x $(PY) ] || python3 -m venv $(VENV)
	@$(PY) -c 'import cryptography, aioquic' 2>/dev/null || $(VENV)/bin/pip install -q $(PIP_PACKAGES)
	@touch $@

build: setup
	$(SWIFT) build

## demo: the main job: a local 8-node cluster (DHT + GossipSub over QUIC, mutual TLS) in one process.
demo: build
	$(KORIUM) demo --nodes 8

## test: the whole suite; ends with the Swift Testing summary line.
test: build vectors fuzz-smoke interop-korium interop-h3 interop-netem-korium interop-tshark unit

vectors: build
	$(KORIUM) vectors Vectors/

fuzz-smoke: setup
	FUZZ_NO_STATS=1 Fuzz/run.sh --smoke $(FUZZ_SMOKE_SECONDS)

## unit: Swift Testing, one test at a time: CPU-bound simulation tests running in parallel starve
## the cooperative pool that the socket tests' wake-ups and hang guards need (two threads here).
unit: build
	$(SWIFT) test --disable-xctest --no-parallel 2>&1 | grep -v -E '^\[[0-9]+/[0-9]+\] ' ; exit $${PIPESTATUS[0]}

## fuzz: long campaigns, every target (FUZZ_SECONDS each); the corpus grows in Fuzz/corpus/.
FUZZ_SECONDS ?= 300
fuzz: setup
	Fuzz/run.sh --all $(FUZZ_SECONDS)

## bench: the benchmark suite (release build, nested package); results go to BENCHMARKS.md by hand.
bench: setup
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

## ct-check: dudect-style timing test of the constant-time AES/GHASH code (release build).
ct-check: setup
	$(SWIFT) build -c release --product korium
	.build/release/korium ct-check

## sim-bench: the simulator at full size (100,000 nodes; release build).
sim-bench: setup
	$(SWIFT) build -c release --product korium
	.build/release/korium sim flood --nodes 100000 --seed 1 --quiet
	.build/release/korium sim flood --nodes 10000 --seed 1 --broadcasts 100 --interval 0.5 --quiet

include Tests/Interop/peers.mk

## interop-korium: korium against aioquic, quinn and itself, both roles, every case (part of make test).
interop-korium: build interop-peers
	KORIUM=$(KORIUM) $(PY) Tests/Interop/quic_interop.py --peer korium --markdown .build/interop-korium.md

## interop-h3: HTTP/3 GET of 10 MiB, ngtcp2's gtlsclient -> korium and korium -> gtlsserver, hash-checked.
interop-h3: build interop-peers
	Tests/Interop/h3_ngtcp2.sh 10485760 $(KORIUM)

## interop-tshark: tshark decrypts a captured korium<->aioquic transfer with korium's key log (needs root).
interop-tshark: build interop-peers
	KORIUM=$(KORIUM) $(PY) Tests/Interop/tshark_keylog.py

## interop-h3-netem: the ngtcp2 HTTP/3 transfers through netem-proxy with 5 % loss.
interop-h3-netem: build interop-peers
	NETEM="loss=5%" Tests/Interop/h3_ngtcp2.sh 10485760 $(KORIUM)

## interop-netem-korium: every impaired-network case for every pair with korium on a side (part of make test, ~6 min).
interop-netem-korium: build interop-peers
	KORIUM=$(KORIUM) $(PY) Tests/Interop/netem_interop.py --peer korium --retry-known-flake --markdown .build/interop-netem-korium.md

## interop-netem: the impaired-network cases (netem-proxy) over every implementation pair (~10 min).
interop-netem: build interop-peers
	KORIUM=$(KORIUM) $(PY) Tests/Interop/netem_interop.py --markdown .build/interop-netem.md

## alloc-check: heap allocations per 1-RTT packet of quic-server and quic-client (heaptrack; release).
alloc-check: setup
	$(SWIFT) build -c release --product korium
	KORIUM=.build/release/korium Tests/Interop/alloc_per_packet.sh
	KORIUM=.build/release/korium TASK_EXECUTOR=global Tests/Interop/alloc_per_packet.sh

## idle-memory: resident memory per idle established connection, 1,000 held for 10 s (release).
idle-memory: setup
	$(SWIFT) build -c release --product korium
	KORIUM=.build/release/korium Tests/Interop/idle_memory.sh 1000 10

## interop: the whole case x peer matrix, unimpaired and impaired; tables in .build/interop-*.md.
interop: interop-matrix interop-h3 interop-h3-netem interop-netem

clean:
	rm -rf .build Fuzz/.build Benchmarks/.build .setup-stamp
