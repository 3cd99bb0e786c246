#!/usr/bin/env bash
# The server's lean path against its responder: static assets and the OpenAPI document served
# from memory (no middleware, no database) to readers without a session, beside the same document
# through the responder (a session cookie sends it there), /health and a 404 page. Release build,
# SQLite, wrk -t2 -c50, 8 s each; prints a Markdown table and the server's memory (RSS).
#   scripts/bench-frozen.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product guichet >&2
tmp=$(mktemp -d); port=18282
echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); $(date -u +%Y-%m-%d)"
echo
GUICHET_DATABASE_PATH="$tmp/b.sqlite" GUICHET_DATA_DIR="$tmp/data" LOG_LEVEL=error .build/release/guichet serve --hostname 127.0.0.1 --port $port >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
run() {
  local label="$1"; shift
  out=$(wrk -t2 -c50 -d8s --latency "$@")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  echo "| $label | $rps | $p50 | $p99 |"
}
echo "| endpoint | requests/s | p50 | p99 |"
echo "|---|---|---|---|"
run '`GET /static/guichet.css` (from memory)' "http://127.0.0.1:$port/static/guichet.css"
run '`GET /api/v1/openapi.json` (from memory)' "http://127.0.0.1:$port/api/v1/openapi.json"
run '`GET /api/v1/openapi.json` with a session cookie (through the responder)' -H "Cookie: guichet_session=inconnu" "http://127.0.0.1:$port/api/v1/openapi.json"
run '`GET /health` (through the responder, one query)' "http://127.0.0.1:$port/health"
run '`GET /nulle-part` (404 page, through the responder)' "http://127.0.0.1:$port/nulle-part"
echo "RSS: $(ps -o rss= -p $server) KiB"
