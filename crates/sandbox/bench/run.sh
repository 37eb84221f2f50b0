#!/usr/bin/env bash
# Sandbox throughput benchmark (issue 8): REST payment initiations against `payglot serve`,
# with the in-process store (`:memory:`), SQLite in memory (`:sqlite-memory:`) and a SQLite
# file store, driven by wrk (Debian package `wrk`) on loopback only.
# Usage: crates/sandbox/bench/run.sh [seconds]   (from the repository root)
# Environment: CONNS="16 32 64" (wrk connections, one row per value; default 64),
#   PAYGLOT_BIN=<binary> (measure that binary instead of building this tree's release),
#   STORES=":memory: :sqlite-memory: file" (which stores to measure; default all three).
set -euo pipefail
cd "$(dirname "$0")/../../.."
SECS="${1:-10}"
CONNS="${CONNS:-64}"
STORES="${STORES:-:memory: :sqlite-memory: file}"
command -v wrk >/dev/null || { echo "wrk not installed (apt-get install -y wrk)"; exit 1; }
if [ -z "${PAYGLOT_BIN:-}" ]; then
  cargo build --release -q -p payglot-cli
  PAYGLOT_BIN=./target/release/payglot
fi
export KEY=sk_test_bench000000000000
export PAYGLOT_API_KEYS="$KEY"
TMP="$(mktemp -d)"
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$TMP"' EXIT
start() { # db [extra args]
  "$PAYGLOT_BIN" serve --addr 127.0.0.1:18080 --db "$@" --instant >"$TMP/out" 2>"$TMP/log" &
  PID=$!
  for _ in $(seq 50); do curl -sf http://127.0.0.1:18080/healthz >/dev/null 2>&1 && break; sleep 0.1; done
}
# utime + stime of a process or thread, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "$1/stat"; }
us_per() { echo $(( ($1) * 1000000 / $(getconf CLK_TCK) / $2 )); }
run() { # label db connections
  rm -f "$TMP/bench.db"*
  start "$2" --rate-limit 100000000
  printf '%-44s ' "$1, c$3"
  # The SQLite store thread, if there is one (the in-process store has none).
  local store before after line requests store_before store_after store_part=""
  store=$(grep -l payglot-store /proc/"$PID"/task/*/comm 2>/dev/null | head -1 | xargs -r dirname || true)
  before=$(cpu_ticks /proc/"$PID")
  [ -n "$store" ] && store_before=$(cpu_ticks "$store")
  line=$(wrk -t2 -c"$3" -d"${SECS}s" -s crates/sandbox/bench/post.lua http://127.0.0.1:18080/v1/payments | tail -1)
  after=$(cpu_ticks /proc/"$PID")
  requests=$(echo "$line" | sed 's/requests \([0-9]*\),.*/\1/')
  if [ -n "$store" ]; then
    store_after=$(cpu_ticks "$store")
    store_part=", store thread $(us_per "store_after - store_before" "$requests") us/request"
  fi
  # The server's own CPU time per request (user + system, all threads): less sensitive than
  # req/s to what else the machine is doing; and the SQLite store thread's part of it.
  echo "$line, server CPU $(us_per "after - before" "$requests") us/request$store_part"
  kill -INT "$PID"; wait "$PID" || true
}
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
# Baseline: the same server answering GET /healthz (auth-free, one store round trip, no write).
start :memory:
for c in $CONNS; do
  printf '%-44s ' "baseline GET /healthz, c$c"
  wrk -t2 -c"$c" -d"${SECS}s" --latency http://127.0.0.1:18080/healthz | grep -E "Requests/sec|99%" | tr -s ' ' | tr '\n' ' '; echo
done
kill -INT "$PID"; wait "$PID" || true
for c in $CONNS; do
  for s in $STORES; do
    case "$s" in
      :memory:) RUST_LOG=warn run "in-process store (:memory:)" :memory: "$c" ;;
      :sqlite-memory:) RUST_LOG=warn run "SQLite in memory (:sqlite-memory:)" :sqlite-memory: "$c" ;;
      file) RUST_LOG=warn run "SQLite file store" "$TMP/bench.db" "$c" ;;
    esac
  done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
