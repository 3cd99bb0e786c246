#!/usr/bin/env bash
# Crash rounds on SQLite and PostgreSQL: Guichet killed with SIGKILL at random points while
# applicants file with attachments, an instructor works and a committee applies waves; restarted
# and checked after each kill (scripts/crash/crash.py says what), then stopped with SIGTERM under
# load. Figures in docs/RELIABILITY.md.
#   scripts/crash-check.sh [rounds] [sqlite|postgres|both]     (default 10 rounds, both)
# Environment: GUICHET_BIN (default .build/debug/guichet), CRASH_PORT (default 18140),
#   CRASH_APPLICANTS (default 4), CRASH_SEED (a fixed seed replays the same kill times).
# PostgreSQL comes from scripts/postgres-up.sh (installed and started as root when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-10}"
which="${2:-both}"
bin=${GUICHET_BIN:-.build/debug/guichet}
[ -x "$bin" ] || { echo "no guichet binary at $bin (swift build first)" >&2; exit 2; }
case "$rounds" in *[!0-9]*|"") echo "usage: scripts/crash-check.sh [rounds] [sqlite|postgres|both]" >&2; exit 2 ;; esac
command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {
  local kind=$1
  mkdir -p "$work/$kind"
  if [ "$kind" = postgres ]; then
    command -v psql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql-client; }
    scripts/postgres-up.sh guichet_crash | tail -n 1 > "$work/$kind/database.url"
  fi
  echo "==> $kind: $rounds rounds"
  python3 scripts/crash/crash.py --bin "$bin" --kind "$kind" --work "$work/$kind" --rounds "$rounds" \
    --port "${CRASH_PORT:-18140}" --applicants "${CRASH_APPLICANTS:-4}" ${CRASH_SEED:+--seed "$CRASH_SEED"} \
    || { tail -n 30 "$work/$kind/serve.log" >&2; exit 1; }
}

case "$which" in
  sqlite) run sqlite ;;
  postgres) run postgres ;;
  both) run sqlite; run postgres ;;
  *) echo "usage: scripts/crash-check.sh [rounds] [sqlite|postgres|both]" >&2; exit 2 ;;
esac
