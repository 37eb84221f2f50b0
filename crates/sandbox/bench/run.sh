#!/usr/bin/env bash
# Sandbox throughput benchmark (issue 8): REST payment initiations against `payglot serve`,
# in-memory and SQLite file store, driven by wrk (Debian package `wrk`) on loopback only.
# Usage: crates/sandbox/bench/run.sh [seconds]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/../../.."
SECS="${1:-10}"
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install -y wrk)"; exit 1; }
cargo build --release -q -p payglot-cli
export KEY=sk_test_bench000000000000
export PAYGLOT_API_KEYS="$KEY"
TMP="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$TMP"' EXIT
run() { # label db
  ./target/release/payglot serve --addr 127.0.0.1:18080 --db "$2" --instant --rate-limit 100000000 >"$TMP/out" 2>"$TMP/log" &
  PID=$!
  for _ in $(seq 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null 2>&1 && break; sleep 0.1; done
  printf '%-40s ' "$1"
  local before after line requests
  local store store_before store_after
  store=$(grep -l payglot-store /proc/"$PID"/task/*/comm | head -1 | xargs dirname)
  before=$(cpu_ticks "$PID")
  store_before=$(awk '{print $14 + $15}' "$store/stat")
  line=$(wrk -t2 -c64 -d"${SECS}s" -s crates/sandbox/bench/post.lua http://127.0.0.1:18080/v1/payments | tail -1)
  after=$(cpu_ticks "$PID")
  store_after=$(awk '{print $14 + $15}' "$store/stat")
  requests=$(echo "$line" | sed 's/requests \([0-9]*\),.*/\1/')
  # The server's own CPU time per request (user + system, all threads): less sensitive than
  # req/s to what else the machine is doing; and the store thread's part of it.
  echo "$line, server CPU $(( (after - before) * 1000000 / $(getconf CLK_TCK) / requests )) us/request," \
    "store thread $(( (store_after - store_before) * 1000000 / $(getconf CLK_TCK) / requests )) us/request"
  kill -INT "$PID"; wait "$PID" || true
}
# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Baseline: the same server answering GET /healthz (auth-free, one store round trip, no write).
./target/release/payglot serve --addr 127.0.0.1:18080 --db :memory: --instant >"$TMP/out" 2>"$TMP/log" &
PID=$!
for _ in $(seq 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null 2>&1 && break; sleep 0.1; done
printf '%-40s ' "baseline GET /healthz"
wrk -t2 -c64 -d"${SECS}s" --latency http://127.0.0.1:18080/healthz | grep -E "Requests/sec|99%" | tr -s ' ' | tr '\n' ' '; echo
kill -INT "$PID"; wait "$PID" || true
RUST_LOG=warn run "memory store" ":memory:"
RUST_LOG=warn run "SQLite file store" "$TMP/bench.db"
