#!/usr/bin/env bash
# Guichet's benchmarks, one command: builds the release binary, loads the demo call at the seed's
# scale (287 dossiers) and at the national scale (2 610), and measures with wrk the throughput and
# latency of the main pages, plus the time to load the demo. Prints a Markdown table.
#   scripts/bench.sh [seconds-per-endpoint]
# Needs wrk (installed from Debian packages when missing). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
swift build -c release --product guichet >&2
bin=.build/release/guichet
tmp=$(mktemp -d)
trap 'kill ${server:-0} 2>/dev/null || true; rm -rf "$tmp"' EXIT
port=18181

echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m); $(date -u +%Y-%m-%d)"
echo
echo "| dossiers | endpoint | requests/s | p50 | p99 |"
echo "|---|---|---|---|---|"
for generated in 250 2573; do
  db="$tmp/bench-$generated.sqlite"
  start=$(date +%s%N)
  GUICHET_DATABASE_PATH="$db" GUICHET_LOAD_DEMO=0 "$bin" demo --generated "$generated" >/dev/null 2>&1
  load_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  GUICHET_DATABASE_PATH="$db" LOG_LEVEL=error "$bin" serve --hostname 127.0.0.1 --port "$port" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.2; done
  total=$((generated + 37))
  for path in / /api/v1/calls/hdf-2021/results /health; do
    out=$(wrk -t2 -c8 -d"${duration}s" --latency "http://127.0.0.1:$port$path")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    echo "| $total | \`GET $path\` | $rps | $p50 | $p99 |"
  done
  # The staff's main pages, signed in as a national administrator opened by the command line.
  GUICHET_DATABASE_PATH="$db" GUICHET_NEW_PASSWORD="bench password 2026" "$bin" user create --email bench@exemple.fr \
    --name "Banc d'essai" --role administrator --scope national >/dev/null 2>&1
  jar="$tmp/cookies-$generated"
  token=$(curl -fsS -c "$jar" -b "$jar" "http://127.0.0.1:$port/connexion" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
  curl -fsS -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$token" --data-urlencode "email=bench@exemple.fr" \
    --data-urlencode "password=bench password 2026" "http://127.0.0.1:$port/connexion"
  cookie="guichet_session=$(awk '$6 == "guichet_session" {print $7}' "$jar")"
  session=$(curl -fsS -b "$jar" "http://127.0.0.1:$port/comite" | grep -o '/comite/seances/[0-9a-f-]\{36\}' | head -n 1)
  for path in /instruction /instruction/export.csv "$session" /comite/enveloppes/hdf-2021; do
    out=$(wrk -t2 -c8 -d"${duration}s" --latency -H "Cookie: $cookie" "http://127.0.0.1:$port$path")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99=$(awk '$1=="99%" {print $2}' <<<"$out")
    label="$path"; [ "$path" = "$session" ] && label="/comite/seances/<juin> (board)"
    echo "| $total | \`GET $label\` (signed in) | $rps | $p50 | $p99 |"
  done
  kill $server; wait $server 2>/dev/null || true
  echo "| $total | demo load (\`guichet demo\`, migrations included) | — | ${load_ms} ms | — |"
done
