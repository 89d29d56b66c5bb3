#!/usr/bin/env bash
# tests/serve/bench.sh — measures `cpl serve` on loopback (not a test; figures go in
# docs/performance.md). Starts a server on a free port, runs the load client against
# /v1/evaluate and /v1/health at several connection counts, stops the server.
# Usage: tests/serve/bench.sh [BUILD_DIR] [SECONDS]   (from the repository root)
set -euo pipefail
build=${1:-build}
seconds=${2:-5}
case_file=tests/golden/run/standard/carpal-tunnel-right.case.json
cmake --build "$build" --target cpl cpl_serve_load >/dev/null
out=$(mktemp)
"$build/cpl" serve --host 127.0.0.1 --port 0 --watch-ms 0 >"$out" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null; rm -f "$out"' EXIT
for _ in $(seq 50); do grep -q listening "$out" && break; sleep 0.1; done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$out")
echo "cpl serve on port $port, $(nproc) cores; case $case_file"
for c in 1 4 16 64; do  # 64 > the 16 default threads: connections queue for a thread
  "$build/tests/serve/cpl_serve_load" "$port" /v1/evaluate "$case_file" "$c" "$seconds" || true
done
"$build/tests/serve/cpl_serve_load" "$port" /v1/evaluate?explain=true "$case_file" 16 "$seconds"
"$build/tests/serve/cpl_serve_load" "$port" /v1/health - 16 "$seconds" || true
