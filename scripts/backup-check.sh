#!/usr/bin/env bash
# Backup and restore end to end, through the command line as an operator runs them, on SQLite and
# on PostgreSQL (docs/OPERATIONS.md):
#   1. a server on a fresh database with the demo; an applicant files a dossier with attachments
#      and exchanges messages with an instructor (scripts/journey.py), so that the data folder
#      holds attachments and mail;
#   2. `guichet backup` while the server runs and pages are being read;
#   3. `guichet restore` into the same database is refused (it is not empty) and changes nothing;
#   4. `guichet restore` into an empty database (another file, another PostgreSQL database) and an
#      empty data folder: every table and file is checked against the manifest, then verified;
#   5. `guichet verify` on the source; `guichet report --json` equal on both;
#   6. a server on the restored database serves the results and the filed dossier's receipt
#      digest is the source's.
#   scripts/backup-check.sh [sqlite|postgres|both]      (default both; PostgreSQL needs root to
#                                                        install and start it: scripts/postgres-up.sh)
# Environment: GUICHET_BIN (default .build/debug/guichet), BACKUP_PORT (default 18130).
set -euo pipefail
cd "$(dirname "$0")/.."
which="${1:-both}"
bin=${GUICHET_BIN:-.build/debug/guichet}
port=${BACKUP_PORT:-18130}
[ -x "$bin" ] || { echo "no guichet binary at $bin (swift build first)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
work=$(mktemp -d)
server=""
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

wait_health() {
  for _ in $(seq 1 90); do
    [ "$(curl -fsS "http://127.0.0.1:$port/health" 2>/dev/null || true)" = '{"status":"ok"}' ] && return 0
    sleep 1
  done
  return 1
}

# Runs guichet with the environment of one side (source or target): "$@" after the side's name.
# `side_env exec SIDE …` replaces the calling (sub)shell, so that `$!` is the server's own pid.
side_env() {
  local run=""
  if [ "$1" = exec ]; then run=exec; shift; fi
  local side=$1
  shift
  if [ "$kind" = sqlite ]; then
    $run env -u DATABASE_URL GUICHET_DATABASE_PATH="$work/$side.sqlite" GUICHET_DATA_DIR="$work/$side-data" \
      GUICHET_BCRYPT_COST=10 "$@"
  else
    $run env DATABASE_URL="$(cat "$work/$side.url")" GUICHET_DATA_DIR="$work/$side-data" GUICHET_BCRYPT_COST=10 "$@"
  fi
}

check() {
  kind=$1
  echo "==> $kind"
  if [ "$kind" = postgres ]; then
    scripts/postgres-up.sh guichet_backup_source | tail -n 1 > "$work/source.url"
    scripts/postgres-up.sh guichet_backup_target | tail -n 1 > "$work/target.url"
  fi
  (side_env exec source "$bin" serve --hostname 127.0.0.1 --port "$port" > "$work/serve.log" 2>&1) &
  server=$!
  wait_health || { cat "$work/serve.log"; fail "the server did not start"; }
  side_env source env GUICHET_NEW_PASSWORD="backup staff password" "$bin" user create \
    --email instructeur-sauvegarde@exemple.fr --name "DDETS de l'Aisne — essai" --role instructor \
    --scope departement:02 > /dev/null
  python3 scripts/journey.py "http://127.0.0.1:$port" "$work/source-data" instructeur-sauvegarde@exemple.fr \
    "backup staff password" > "$work/journey.log" 2>&1 || { tail -20 "$work/journey.log"; fail "the journey failed"; }
  [ -n "$(find "$work/source-data" -type f -path '*attachments*' 2>/dev/null)" ] \
    || [ "$kind" = postgres ] || fail "the journey left no attachment on disk"

  # The backup while pages are being read.
  ( for _ in $(seq 1 200); do curl -fsS -o /dev/null "http://127.0.0.1:$port/appels/hdf-2021/resultats" || true; done ) &
  readers=$!
  started=$SECONDS
  # Dated backups in a folder with an old one and a foreign file: the rotation removes the old one.
  mkdir -p "$work/backups"
  touch "$work/backups/guichet-2020-01-02.tar" "$work/backups/notes.txt"
  dated="$work/backups/guichet-$(date -u +%F).tar"
  side_env source "$bin" backup "$dated" --keep 7,0,0 | tee "$work/backup.out"
  [ ! -e "$work/backups/guichet-2020-01-02.tar" ] || fail "--keep left an expired backup"
  [ -e "$work/backups/notes.txt" ] || fail "--keep removed a file that is no backup"
  mv "$dated" "$work/backup.tar"
  rm -f "$work/backups/notes.txt"
  echo "    backup: $((SECONDS - started)) s, $(du -h "$work/backup.tar" | cut -f1)"
  wait $readers
  kill $server; wait $server 2>/dev/null || true
  server=""
  listing=$(tar -tf "$work/backup.tar")
  grep -qx manifest.json <<<"$listing" || fail "the archive has no manifest (tar -tf)"

  # Into the source itself: refused, nothing changed.
  before=$(side_env source "$bin" report --json 2>/dev/null)
  if side_env source "$bin" restore "$work/backup.tar" > "$work/refused.out" 2>&1; then
    fail "a restore into a database holding data was accepted"
  fi
  grep -q "n'est pas vide" "$work/refused.out" || { cat "$work/refused.out"; fail "the refusal does not say why"; }
  [ "$(side_env source "$bin" report --json 2>/dev/null)" = "$before" ] || fail "a refused restore changed the source"

  # Into an empty database and data folder.
  side_env target "$bin" restore "$work/backup.tar" | tee "$work/restore.out"
  grep -q "La base est intègre." "$work/restore.out" || fail "the restored database is not verified whole"
  side_env source "$bin" verify > "$work/verify.out" || { cat "$work/verify.out"; fail "guichet verify failed on the source"; }
  [ "$(side_env target "$bin" report --json 2>/dev/null)" = "$before" ] || fail "the restored report differs"
  if [ "$kind" = sqlite ]; then
    # Every file restored is the source's (mail sent after the backup is in the source only).
    restored_files=0
    while IFS= read -r file; do
      cmp -s "$work/target-data/$file" "$work/source-data/$file" || fail "restored file $file differs from the source's"
      restored_files=$((restored_files + 1))
    done < <(cd "$work/target-data" && find . -type f)
    [ "$restored_files" -ge 2 ] || fail "only $restored_files file(s) restored"
  fi

  # The restored database in service.
  (side_env exec target "$bin" serve --hostname 127.0.0.1 --port "$port" > "$work/serve-target.log" 2>&1) &
  server=$!
  wait_health || { cat "$work/serve-target.log"; fail "the server did not start on the restored database"; }
  page=$(curl -fsS "http://127.0.0.1:$port/appels/hdf-2021/resultats")
  grep -q "37 projets retenus pour 4,4 M€" <<<"$page" || fail "the restored results page lacks its figures"
  curl -fsS "http://127.0.0.1:$port/health/ready" > /dev/null || fail "the restored server is not ready"
  kill $server; wait $server 2>/dev/null || true
  server=""
  echo "    $kind: backup, refusal, restore, verify and service: OK"
}

case "$which" in
  sqlite) check sqlite ;;
  postgres) check postgres ;;
  both) check sqlite; check postgres ;;
  *) echo "usage: scripts/backup-check.sh [sqlite|postgres|both]" >&2; exit 2 ;;
esac
