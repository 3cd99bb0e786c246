#!/usr/bin/env bash
# `guichet import` at scale, on SQLite and on PostgreSQL: one command.
#   scripts/bench-import.sh [rows]        (default 261000)
# Writes an import file of `rows` valid dossiers for the demo's Hauts-de-France call, each with an
# organisation of its own (scripts/bench-import/generate.py), then for each database: a fresh
# database with the demo (`guichet demo`), the file checked (`--dry-run`), then imported, each
# timed with its peak memory (RSS); the dossiers and organisations in the database are counted
# afterwards and must have grown by `rows`. Prints a Markdown table; exits non-zero on any failure.
# Environment:
#   GUICHET_BIN       an existing guichet binary (its resource bundles beside it): no build;
#                     otherwise `swift build -c release --product guichet` first
#   BENCH_DATABASES   which databases, in order (default "sqlite postgresql"); PostgreSQL is the
#                     local cluster that scripts/postgres-up.sh installs and starts (needs root)
set -euo pipefail
cd "$(dirname "$0")/.."
rows="${1:-261000}"
databases="${BENCH_DATABASES:-sqlite postgresql}"
case "$rows" in '' | *[!0-9]*)
  echo "usage: scripts/bench-import.sh [rows]" >&2
  exit 2
  ;;
esac
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
if ! [ -x /usr/bin/time ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
if [ -n "${GUICHET_BIN:-}" ]; then
  bin="$GUICHET_BIN"
else
  swift build -c release --product guichet
  bin="$PWD/.build/release/guichet"
fi
[ -x "$bin" ] || fail "$bin is not an executable file"
tmp=$(mktemp -d /tmp/guichet-bench-import.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
file="$tmp/dossiers.csv"
python3 scripts/bench-import/generate.py "$rows" "$file"
echo "$rows rows, $(($(stat -c %s "$file") / 1024 / 1024)) MB: $file"

count() { # database → "dossiers organisations"
  if [ "$1" = sqlite ]; then
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(*(c.execute(f"select count(*) from {t}").fetchone()[0] for t in ("dossiers","organisations")))' "$GUICHET_DATABASE_PATH"
  else
    psql "$DATABASE_URL" -qAt -F' ' -c 'select (select count(*) from dossiers), (select count(*) from organisations)'
  fi
}
timed() { # label, command… → prints "seconds peak-MB"
  local label="$1"
  shift
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/$label.log" 2>&1 || {
    tail -n 20 "$tmp/$label.log" >&2
    fail "$label failed"
  }
  awk '{printf "%.1f %d", $1, $2 / 1024}' "$tmp/time"
}
table="| database | check (\`--dry-run\`) | import | peak RSS of the import | rows/s |"$'\n'"|---|---|---|---|---|"
for database in $databases; do
  unset DATABASE_URL GUICHET_DATABASE_PATH
  if [ "$database" = sqlite ]; then
    export GUICHET_DATABASE_PATH="$tmp/import.sqlite"
  else
    DATABASE_URL=$(bash scripts/postgres-up.sh guichet_bench_import | tail -n 1)
    export DATABASE_URL
  fi
  echo "== $database"
  "$bin" demo >"$tmp/demo.log" 2>&1 || {
    tail -n 20 "$tmp/demo.log" >&2
    fail "guichet demo failed on $database"
  }
  read -r before_dossiers before_organisations <<<"$(count "$database")"
  read -r check_s check_mb <<<"$(timed check "$bin" import "$file" --call hdf-2021 --dry-run)"
  echo "check: $check_s s, peak $check_mb MB"
  read -r import_s import_mb <<<"$(timed import "$bin" import "$file" --call hdf-2021)"
  echo "import: $import_s s, peak $import_mb MB"
  read -r after_dossiers after_organisations <<<"$(count "$database")"
  [ $((after_dossiers - before_dossiers)) -eq "$rows" ] \
    || fail "$database: $((after_dossiers - before_dossiers)) dossiers imported, $rows expected"
  [ $((after_organisations - before_organisations)) -eq "$rows" ] \
    || fail "$database: $((after_organisations - before_organisations)) organisations created, $rows expected"
  rate=$(awk -v r="$rows" -v s="$import_s" 'BEGIN { printf "%d", r / s }')
  table+=$'\n'"| $database | $check_s s (peak $check_mb MB) | $import_s s | $import_mb MB | $rate |"
done
echo
echo "$rows rows, $(nproc) cores, $(date -u '+%Y-%m-%d'), $bin"
echo "$table"
