#!/usr/bin/env bash
# Every page type and every journey in a real browser, as each role: scripts/browser-check.sh [shots-dir]
# Starts `guichet serve` on a fresh SQLite file with the demo, creates one staff account per role
# (`guichet user create`), then runs scripts/browser-check.py (every page each role reaches:
# axe-core, width at 1280 and 375 px, no request outside the server's origin) and
# scripts/browser-journeys.py (the applicant's, the instructor's, the committee's and the
# publication's journeys step by step, each step asserted at both widths). Screenshots of each page
# and step go to the folder (default browser-shots/, with pages/ and journeys/; CI keeps it). Installs what is missing: Debian's chromium,
# Playwright for Python and axe-playwright-python from PyPI (no browser download).
# Environment: GUICHET_BIN (default .build/debug/guichet, built first when absent), BROWSER_PORT
# (default 18090).
set -euo pipefail
cd "$(dirname "$0")/.."
shots="${1:-browser-shots}"
port="${BROWSER_PORT:-18090}"
bin="${GUICHET_BIN:-.build/debug/guichet}"

command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
python3 -c "import playwright, axe_playwright_python" 2>/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check playwright axe-playwright-python 2>&1 |
  { grep -v "Running pip as the 'root' user" || true; }
[ -x "$bin" ] || swift build --product guichet

tmp=$(mktemp -d /tmp/guichet-browser.XXXXXX)
server=""
cleanup() {
  [ -z "$server" ] || { kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT
export GUICHET_DATABASE_PATH="$tmp/guichet.sqlite" GUICHET_DATA_DIR="$tmp/data" GUICHET_BCRYPT_COST=10 LOG_LEVEL=warning
"$bin" serve --hostname 127.0.0.1 --port "$port" >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  [ "$(curl -fsS "http://127.0.0.1:$port/health" 2>/dev/null || true)" = '{"status":"ok"}' ] && break
  kill -0 "$server" 2>/dev/null || { cat "$tmp/serve.log" >&2; exit 1; }
  sleep 1
done
accounts=()
roles=(instructor expert committee_chair administrator)
scopes=(national service:DRAAF region:32 national)
labels=(instruction expertise comite administration)
for i in "${!roles[@]}"; do
  email="navigateur-${labels[$i]}@exemple.fr"
  GUICHET_NEW_PASSWORD="browser check password" "$bin" user create --email "$email" \
    --name "Essai ${labels[$i]}" --role "${roles[$i]}" --scope "${scopes[$i]}" >/dev/null
  accounts+=("$email:browser check password:${labels[$i]}")
done
status=0
python3 scripts/browser-check.py "http://127.0.0.1:$port" "$shots/pages" "${accounts[@]}" || status=1
# The journeys change the data (a dossier filed, decided, published): they come after the pages.
python3 scripts/browser-journeys.py "http://127.0.0.1:$port" "$shots/journeys" "$GUICHET_DATA_DIR/mail" \
  "navigateur-instruction@exemple.fr:browser check password" "navigateur-comite@exemple.fr:browser check password" \
  "navigateur-administration@exemple.fr:browser check password" || status=1
if grep -q "error" "$tmp/serve.log"; then
  grep "error" "$tmp/serve.log" | head -n 5 >&2
  echo "the server logged errors during the browser check" >&2
  exit 1
fi
exit $status
