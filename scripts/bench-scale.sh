#!/usr/bin/env bash
# Guichet at scale, on SQLite and on PostgreSQL, against nginx serving the same bytes: one command.
#   scripts/bench-scale.sh [seconds-per-endpoint] [scales]
#     seconds-per-endpoint  default 10
#     scales                generated dossiers added to the seed's 37 laureates, separated by spaces
#                           or commas (default "2573 260963": 2 610 and 261 000 dossiers; "250", the
#                           seed's 287, for a quick run in CI)
# For each scale, then each database (a SQLite file, then a private PostgreSQL on loopback):
#   1. creates the data with `guichet demo --generated N` (timed: the demo goes through the import
#      path, so this is also the import-at-scale figure) and a national administrator
#      (`guichet user create`);
#   2. starts `guichet serve` (GUICHET_LOAD_DEMO=0) and measures with `wrk -t2 -c50 --latency`: the
#      published pages anonymously (home, results page, results API, press kit), then signed in the
#      queue, a staff dossier page, the committee board and the envelope statement;
#   3. files dossiers under load: applicants sign up, register an organisation and complete drafts
#      on the open practice call through the pages beforehand (scripts/bench-scale/drafts.py), then
#      wrk posts their filings at -c50 (scripts/bench-scale/file.lua), each draft once; the number
#      filed is checked in the database afterwards;
#   4. serves the exact bytes of the published pages (fetched anonymously) with an nginx of its own
#      and measures it with the same wrk: the ratio Guichet/nginx;
#   5. prints the server's memory (RSS), then a Markdown table per database and scale.
# Any answer outside 2xx under load (303 to the receipt for filings), socket error or timeout, an
# error in the server's log or a server that does not stop cleanly on SIGTERM counts as an error:
# the run goes on to print every figure, then exits non-zero. Every process started here is
# stopped at exit; nothing is written outside a temporary folder.
# Environment:
#   GUICHET_BIN         an existing guichet binary (its resource bundles beside it): no build;
#                       otherwise `swift build -c release --product guichet` first
#   BENCH_PORT          first of the loopback ports used (default 18500): Guichet on it, nginx on
#                       the next one, PostgreSQL on +9
#   BENCH_DATABASES     which databases, in order (default "sqlite postgresql")
#   BENCH_DRAFTS        drafts prepared for the filing run (default 150 a second of measure, at
#                       least 300); when wrk files them all before the end, twice as many as it
#                       filed are prepared and the filing measured again, once
#   BENCH_DEMO_TIMEOUT  seconds allowed to `guichet demo` (default 0: no limit)
#   BENCH_WRK_TIMEOUT   wrk's timeout per request, in seconds (default 10)
#   BENCH_LOGS          a folder to keep the server's, the demo's, nginx's and PostgreSQL's logs in
# Needs wrk, nginx, PostgreSQL, python3 and curl (installed from Debian packages when missing, as
# root). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
here="$PWD/scripts/bench-scale"
duration="${1:-10}"
shift || true
scales="${*:-2573 260963}"
scales="${scales//,/ }"
base="${BENCH_PORT:-18500}"
databases="${BENCH_DATABASES:-sqlite postgresql}"
demo_timeout="${BENCH_DEMO_TIMEOUT:-0}"
wrk_timeout="${BENCH_WRK_TIMEOUT:-10}"
drafts_wanted="${BENCH_DRAFTS:-$((duration * 150 > 300 ? duration * 150 : 300))}"
usage() {
  echo "usage: scripts/bench-scale.sh [seconds-per-endpoint] [scales]   (e.g. scripts/bench-scale.sh 5 \"250 2573\")" >&2
  exit 2
}
case "$duration$base$demo_timeout$wrk_timeout$drafts_wanted" in *[!0-9]*) usage ;; esac
[ "$duration" -gt 0 ] || usage
for scale in $scales; do case "$scale" in '' | *[!0-9]*) usage ;; esac; done
for database in $databases; do case "$database" in sqlite | postgresql) ;; *) usage ;; esac; done

script_started=$SECONDS
step_started=$SECONDS
step_name=""
step() {
  if [ -n "$step_name" ]; then printf '<== %s: %d s\n' "$step_name" $((SECONDS - step_started)); fi
  step_name="$*"
  step_started=$SECONDS
  [ -z "$step_name" ] || printf '\n==> %s\n' "$*"
}
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# ---------------------------------------------------------------------------------------------
step "Tools (wrk, nginx, PostgreSQL, python3, curl; from Debian packages when missing)"
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [[ " $databases " == *" postgresql "* ]]; then
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
pg_bin=""
if [[ " $databases " == *" postgresql "* ]]; then
  pg_bin="/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -n 1)/bin"
fi
versions="nginx $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: nginx\///')"
[ -z "$pg_bin" ] || versions="$versions, PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}')"
versions="$versions, $(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}'), $(python3 --version)"
echo "$versions"

# ---------------------------------------------------------------------------------------------
step "Binary"
if [ -n "${GUICHET_BIN:-}" ]; then
  [ -x "$GUICHET_BIN" ] || fail "GUICHET_BIN=$GUICHET_BIN is not an executable file"
  bin=$(cd "$(dirname "$GUICHET_BIN")" && pwd)/$(basename "$GUICHET_BIN")
  echo "Using $bin (no build)."
else
  if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="/opt/swift/usr/bin:$PATH"
  fi
  swift build -c release --product guichet
  bin="$PWD/.build/release/guichet"
fi
if [ -n "${GUICHET_BIN:-}" ]; then
  echo "$bin, built $(date -u -r "$bin" '+%Y-%m-%d %H:%M UTC'); the source tree is at commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) now"
else
  echo "$bin, built from commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown) (and the working tree's changes)"
fi

# ---------------------------------------------------------------------------------------------
# Everything lives in one temporary folder, removed at exit with every process started here.
tmp=$(mktemp -d /tmp/guichet-bench-scale.XXXXXX)
chmod 755 "$tmp"
pgdir="$tmp/postgres"
pgdata="$pgdir/data"
server=""
nginx_pid=""
child=""
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- sh -c 'cd / && exec "$@"' sh "$@"; else "$@"; fi
}
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}
stop_nginx() {
  if [ -n "$nginx_pid" ]; then
    kill "$nginx_pid" 2>/dev/null || true
    wait "$nginx_pid" 2>/dev/null || true
    nginx_pid=""
  fi
}
cleanup() {
  local status=$?
  set +e
  [ -z "$child" ] || { kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; }
  stop_server
  stop_nginx
  if [ -f "$pgdata/postmaster.pid" ]; then as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1; fi
  if [ -n "${BENCH_LOGS:-}" ]; then
    mkdir -p "$BENCH_LOGS"
    cp "$tmp"/*.log "$tmp"/nginx/*.log "$pgdir/postgres.log" "$BENCH_LOGS"/ 2>/dev/null
  fi
  if [ "$status" -ne 0 ] && [ -s "${summary:-}" ] && [ -z "${summary_printed:-}" ]; then
    echo >&2
    echo "Figures measured before the failure:" >&2
    cat "$summary" >&2
  fi
  if [ "$status" -ne 0 ] && [ -z "${summary_printed:-}" ]; then
    for log in "$tmp"/serve-*.log "$tmp"/demo-*.log "$tmp"/nginx/error.log "$pgdir/postgres.log"; do
      [ -s "$log" ] || continue
      echo "--- last lines of $(basename "$log")" >&2
      tail -n 15 "$log" | cut -c 1-400 >&2
    done
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port=$base
nginx_port=$((base + 1))
pg_port=$((base + 9))
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$port" "$nginx_port" "$pg_port"; do
  port_free "$p" || fail "port $p is in use (BENCH_PORT chooses other ports)"
done
url="http://127.0.0.1:$port"

cores=$(nproc)
memory=$(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
cpu=$(awk -F': *' '/^model name/ {print $2; exit}' /proc/cpuinfo)
[ -n "$cpu" ] || cpu=$(lscpu 2>/dev/null | awk -F': *' '/^Model name/ {print $2; exit}')
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -s)
machine="$cores cores, $memory, ${cpu:-unknown CPU} ($(uname -m), $os)"
started_at=$(date -u '+%Y-%m-%d %H:%M UTC')
echo "Machine: $machine"
echo "Date: $started_at; load average now: $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "Plan: scales ${scales// /, } (generated dossiers, plus the seed's 37), databases ${databases// /, }, wrk -t2 -c50 -d${duration}s per endpoint"

# ---------------------------------------------------------------------------------------------
if [ -n "$pg_bin" ]; then
  step "PostgreSQL: a private cluster on 127.0.0.1:$pg_port (not the system's)"
  mkdir -p "$pgdir/socket"
  db_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
  echo "$db_password" >"$pgdir/password"
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$pgdir"; fi
  as_postgres "$pg_bin/initdb" -D "$pgdata" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pgdir/password" >"$tmp/initdb.log" 2>&1 \
    || { cat "$tmp/initdb.log" >&2; fail "initdb"; }
  as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdir/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pgdir/socket" \
    start >/dev/null || { cat "$pgdir/postgres.log" >&2; fail "PostgreSQL did not start"; }
  admin_psql() { as_postgres psql -h "$pgdir/socket" -p "$pg_port" -U postgres -qAtX "$@"; }
  admin_psql -c "create role guichet login password '$db_password'"
  echo "Default settings (shared_buffers $(admin_psql -c 'show shared_buffers'), max_connections $(admin_psql -c 'show max_connections'))."
fi

# wrk against one address, counting answers outside 2xx. Sets rps, p50, p99, total, bad, sock.
wrk_run() { # url [wrk options…]
  local target="$1" out
  shift
  total=""
  out=$(wrk -t2 -c50 -d"${duration}s" --timeout "${wrk_timeout}s" --latency "$@" -s "$here/count.lua" "$target")
  read -r rps p50 p99 total bad sock < <(awk '$1 == "RESULT" {print $2, $3, $4, $5, $6, $7}' <<<"$out") || true
  [ -n "${total:-}" ] || { echo "$out" >&2; fail "wrk printed no result for $target"; }
}

# The filed dossiers of a call, read in the database.
filed_count() { # call
  if [ "$database" = sqlite ]; then
    python3 - "$GUICHET_DATABASE_PATH" "$1" <<'EOF'
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=30)
print(connection.execute("select count(*) from dossiers d join calls c on c.id = d.call_id "
                         "where c.reference = ? and d.filed_at is not null", (sys.argv[2],)).fetchone()[0])
EOF
  else
    psql "$DATABASE_URL" -qAtX -v ON_ERROR_STOP=1 -c "select count(*) from dossiers d join calls c on c.id = d.call_id
      where c.reference = '$1' and d.filed_at is not null"
  fi
}

mb() { awk -v k="$1" 'BEGIN {printf "%.0f", k / 1024}'; }
ms() { awk -v s="$1" 'BEGIN {printf "%.2fms", s}'; }
grouped() { sed ':a;s/\B[0-9]\{3\}\>/ &/;ta' <<<"$1"; }

# The end of one database and scale: its table in the summary, its data removed (room on the disk
# for the next run).
finish_run() {
  {
    echo
    echo "### $(grouped "$total_dossiers") dossiers — $([ "$database" = sqlite ] && echo SQLite || echo PostgreSQL)"
    echo
    if [ -s "$rows" ]; then
      echo "| endpoint | req/s | p50 | p99 | errors |"
      echo "|---|---|---|---|---|"
      cat "$rows"
      echo
    fi
    cat "$notes"
  } >>"$summary"
  if [ "$database" = sqlite ]; then
    rm -f "$GUICHET_DATABASE_PATH" "$GUICHET_DATABASE_PATH-wal" "$GUICHET_DATABASE_PATH-shm"
  else
    admin_psql -c "drop database bench_$generated"
  fi
  rm -rf "$GUICHET_DATA_DIR"
}

load_errors=0
summary="$tmp/summary.md"
: >"$summary"
filing_call=essai-hdf
password="bench password 2026"
anonymous=(/ /appels/hdf-2021/resultats /api/v1/calls/hdf-2021/results /appels/hdf-2021/dossier-de-presse)

for generated in $scales; do
  total_dossiers=$((generated + 37))
  for database in $databases; do
    run="$database-$generated"
    rows="$tmp/rows-$run"
    : >"$rows"
    notes="$tmp/notes-$run"
    : >"$notes"
    row() { echo "| $1 | $2 | $3 | $4 | $5 |" >>"$rows"; }
    note() { echo "$*" >>"$notes"; }
    record() { # label (after wrk_run)
      local errors=$((bad + sock))
      row "$1" "$rps" "$(ms "$p50")" "$(ms "$p99")" "$errors"
      printf '  %-58s %9s req/s   p50 %10s   p99 %10s   %6s requests   errors %s\n' "$1" "$rps" "$(ms "$p50")" \
        "$(ms "$p99")" "$total" "$errors"
      [ "$errors" -eq 0 ] || load_errors=$((load_errors + 1))
    }

    # -------------------------------------------------------------------------------------------
    step "[$database, $(grouped "$total_dossiers") dossiers] Data: guichet demo --generated $generated"
    export GUICHET_DATA_DIR="$tmp/data-$run"
    export GUICHET_LOAD_DEMO=0
    export GUICHET_PUBLIC_URL="$url"
    mkdir -p "$GUICHET_DATA_DIR"
    unset DATABASE_URL GUICHET_DATABASE_PATH
    if [ "$database" = sqlite ]; then
      export GUICHET_DATABASE_PATH="$tmp/$run.sqlite"
    else
      admin_psql -c "create database bench_$generated owner guichet"
      export DATABASE_URL="postgres://guichet:$db_password@127.0.0.1:$pg_port/bench_$generated"
    fi
    echo "Load average before: $(cut -d ' ' -f 1-3 /proc/loadavg)"
    # In the background, watched every 50 ms: its end (the load time), its peak memory (VmHWM),
    # BENCH_DEMO_TIMEOUT; an interruption stops it at once.
    started=$(date +%s%N)
    LOG_LEVEL=warning "$bin" demo --generated "$generated" >"$tmp/demo-$run.log" 2>&1 &
    child=$!
    demo_rss=0
    ended=""
    while [ -z "$ended" ]; do
      state=""
      while read -r key value _; do
        case "$key" in VmHWM:) demo_rss=$value ;; State:) state=$value ;; esac
      done 2>/dev/null <"/proc/$child/status" || true
      case "$state" in "" | Z | X) ended=$(date +%s%N) ;; esac
      if [ -z "$ended" ] && [ "$demo_timeout" -gt 0 ] && [ $((($(date +%s%N) - started) / 1000000000)) -ge "$demo_timeout" ]; then
        kill "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
        child=""
        ended=timeout
      fi
      [ -n "$ended" ] || sleep 0.05
    done
    if [ "$ended" = timeout ]; then
      line="\`guichet demo --generated $generated\` was still running after BENCH_DEMO_TIMEOUT=$demo_timeout s (peak RSS $(mb "$demo_rss") MB): stopped, nothing measured at this scale on this database"
      echo "$line" >&2
      tail -n 5 "$tmp/demo-$run.log" >&2
      note "- $line"
      load_errors=$((load_errors + 1))
      finish_run
      continue
    fi
    status=0
    wait "$child" || status=$?
    child=""
    load_ms=$(((ended - started) / 1000000))
    if [ "$status" -ne 0 ]; then
      # Recorded, and the next database or scale is measured all the same. Errors may quote a
      # whole statement: lines are cut.
      tail -n 20 "$tmp/demo-$run.log" | cut -c 1-400 >&2
      why=$(grep -v '^\s*$' "$tmp/demo-$run.log" | tail -n 1 | sed -E 's/^.*codes\.vapor\.application: (\[[^]]*\] )?(error: )?//' | cut -c 1-300)
      line="\`guichet demo --generated $generated\` failed after $load_ms ms (exit status $status, peak RSS $(mb "$demo_rss") MB): ${why:-no message}; nothing measured at this scale on this database"
      echo "$line" >&2
      note "- $line"
      load_errors=$((load_errors + 1))
      finish_run
      continue
    fi
    if [ "$database" = sqlite ]; then
      size=$(($(stat -c %s "$GUICHET_DATABASE_PATH") + $(stat -c %s "$GUICHET_DATABASE_PATH-wal" 2>/dev/null || echo 0)))
    else
      size=$(psql "$DATABASE_URL" -qAtX -c "select pg_database_size(current_database())")
    fi
    rate=$(awk -v n="$total_dossiers" -v ms="$load_ms" 'BEGIN {printf "%.0f", n / (ms / 1000)}')
    load_line="demo load (\`guichet demo --generated $generated\`, through the import path, migrations included): $load_ms ms, $rate dossiers/s, peak RSS $(mb "$demo_rss") MB; database $(mb $((size / 1024))) MB"
    echo "$(tail -n 1 "$tmp/demo-$run.log")"
    echo "$load_line"
    note "- $load_line"
    GUICHET_NEW_PASSWORD="$password" LOG_LEVEL=warning "$bin" user create --email banc@exemple.fr --name "Banc Essai" \
      --role administrator --scope national >>"$tmp/users-$run.log" 2>&1 || { cat "$tmp/users-$run.log" >&2; fail "guichet user create"; }
    echo "National administrator banc@exemple.fr created."

    # -------------------------------------------------------------------------------------------
    step "[$database, $(grouped "$total_dossiers") dossiers] guichet serve on 127.0.0.1:$port"
    started=$(date +%s%N)
    LOG_LEVEL=warning "$bin" serve --hostname 127.0.0.1 --port "$port" >"$tmp/serve-$run.log" 2>&1 &
    server=$!
    ok=""
    for _ in $(seq 1 1200); do
      [ "$(curl -fsS "$url/health" 2>/dev/null || true)" = '{"status":"ok"}' ] && { ok=1; break; }
      kill -0 "$server" 2>/dev/null || break
      sleep 0.1
    done
    [ -n "$ok" ] || fail "guichet serve did not answer /health"
    echo "Answers /health after $((($(date +%s%N) - started) / 1000000)) ms; RSS $(mb "$(ps -o rss= -p "$server")") MB."
    # The published pages as an anonymous reader gets them: the bytes nginx will serve.
    mkdir -p "$tmp/www-$run"
    chmod 755 "$tmp/www-$run"
    for i in "${!anonymous[@]}"; do
      path=${anonymous[$i]}
      read -r code type < <(curl -sS -o "$tmp/www-$run/page-$i" -w '%{http_code} %{content_type}\n' "$url$path")
      [ "$code" = 200 ] || fail "GET $path answered $code"
      echo "$type" >"$tmp/www-$run/page-$i.type"
      chmod 644 "$tmp/www-$run/page-$i"
      echo "  GET $path: 200, $(stat -c %s "$tmp/www-$run/page-$i") bytes, $type"
    done
    # The staff's session, and the pages to measure.
    jar="$tmp/cookies-$run"
    token=$(curl -fsS -c "$jar" -b "$jar" "$url/connexion" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
    [ -n "$token" ] || fail "no _csrf on /connexion"
    code=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "_csrf=$token" \
      --data-urlencode "email=banc@exemple.fr" --data-urlencode "password=$password" "$url/connexion")
    [ "$code" = 303 ] || fail "signing in answered $code, not 303"
    cookie="guichet_session=$(awk '$6 == "guichet_session" {print $7}' "$jar")"
    [ "$cookie" != "guichet_session=" ] || fail "no session cookie after signing in"
    queue=$(curl -fsS -b "$jar" "$url/instruction")
    grep -q "Banc Essai" <<<"$queue" || fail "/instruction does not show the signed-in administrator"
    dossier=$(grep -o '/instruction/dossiers/[0-9a-f-]\{36\}' <<<"$queue" | head -n 1)
    [ -n "$dossier" ] || fail "no dossier link on /instruction"
    board=$(curl -fsS -b "$jar" "$url/comite" | grep -o '/comite/seances/[0-9a-f-]\{36\}' | head -n 1)
    [ -n "$board" ] || fail "no committee session link on /comite"
    staff=(/instruction "$dossier" "$board" /comite/enveloppes/hdf-2021)
    for path in "${staff[@]}"; do
      code=$(curl -sS -b "$jar" -o /dev/null -w '%{http_code}' "$url$path")
      [ "$code" = 200 ] || fail "GET $path (signed in) answered $code"
    done
    echo "Signed in as banc@exemple.fr; dossier page $dossier, board $board."

    # -------------------------------------------------------------------------------------------
    step "[$database, $(grouped "$total_dossiers") dossiers] Guichet under load: wrk -t2 -c50 -d${duration}s per endpoint"
    declare -A guichet_rps=()
    for path in "${anonymous[@]}"; do
      wrk_run "$url$path"
      guichet_rps[$path]=$rps
      record "\`GET $path\`"
    done
    for path in "${staff[@]}"; do
      wrk_run "$url$path" -H "Cookie: $cookie"
      label="\`GET $path\` (signed in)"
      [ "$path" = "$dossier" ] && label="\`GET /instruction/dossiers/<id>\` (staff dossier page, signed in)"
      [ "$path" = "$board" ] && label="\`GET /comite/seances/<id>\` (board, signed in)"
      record "$label"
    done

    # -------------------------------------------------------------------------------------------
    step "[$database, $(grouped "$total_dossiers") dossiers] Filing under load on $filing_call: drafts prepared through the pages, then wrk"
    call_line=$(LOG_LEVEL=warning "$bin" call list 2>/dev/null | awk -F '\t' -v c="$filing_call" '$1 == c')
    [ -n "$call_line" ] || fail "no call $filing_call in the database"
    [ "$(cut -f 2 <<<"$call_line")" = ouvert ] || fail "$filing_call is not open for filing: $call_line"
    filing_note="Filing ran against the practice call \`$filing_call\` (open: $(cut -f 3 <<<"$call_line")); the seed's call hdf-2021 closed on 15 January 2021"
    echo "$filing_note"
    drafts=$drafts_wanted
    for attempt in 1 2; do
      python3 "$here/drafts.py" "$url" "$GUICHET_DATA_DIR" "$filing_call" "$drafts" "$tmp/filings-$run-$attempt" 4 \
        >"$tmp/drafts-$run.out" || { cat "$tmp/drafts-$run.out"; fail "preparing drafts"; }
      sed 's/^/  /' "$tmp/drafts-$run.out"
      before=$(filed_count "$filing_call")
      out=$(wrk -t2 -c50 -d"${duration}s" --timeout "${wrk_timeout}s" --latency -s "$here/file.lua" "$url" \
        -- "$tmp/filings-$run-$attempt" 2)
      total=""
      read -r rps p50 p99 total bad sock repeats distinct < <(awk '$1 == "RESULT" {print $2, $3, $4, $5, $6, $7, $8, $9}' <<<"$out") || true
      [ -n "${total:-}" ] || { echo "$out" >&2; fail "wrk printed no result for the filings"; }
      sleep 1 # the filings wrk left in flight at its end
      filed=$(($(filed_count "$filing_call") - before))
      echo "  wrk: $total answers, $repeats repeated filings; $filed dossiers filed in the database ($distinct distinct filings sent)"
      [ "$repeats" -gt 0 ] && [ "$attempt" -eq 1 ] || break
      drafts=$((filed * 2 > drafts * 2 ? filed * 2 : drafts * 2))
      echo "  Every draft was filed before the end: measuring again with $drafts drafts."
    done
    record "\`POST /dossiers/<id>/deposer\` (filing, applicants signed in)"
    if [ "$repeats" -gt 0 ]; then
      echo "  $repeats filings posted an already filed dossier again: raise BENCH_DRAFTS" >&2
      load_errors=$((load_errors + 1))
    fi
    if [ "$filed" -lt $((total - repeats)) ] || [ "$filed" -gt "$distinct" ]; then
      echo "  $filed dossiers filed, expected between $((total - repeats)) (answered) and $distinct (sent)" >&2
      load_errors=$((load_errors + 1))
    fi
    note "- $filing_note; $drafts complete drafts prepared by 4 applicants, $filed filed under load ($total answered by wrk, each 303 to its receipt)"

    # -------------------------------------------------------------------------------------------
    step "[$database, $(grouped "$total_dossiers") dossiers] nginx serving the same bytes on 127.0.0.1:$nginx_port"
    mkdir -p "$tmp/nginx"
    chmod 777 "$tmp/nginx"
    {
      cat <<EOF
daemon off;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  open_file_cache max=16 inactive=600s;
  open_file_cache_valid 600s;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  client_body_temp_path $tmp/nginx/client_body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $tmp/www-$run;
EOF
      for i in "${!anonymous[@]}"; do
        echo "    location = ${anonymous[$i]} { types { } default_type \"$(cat "$tmp/www-$run/page-$i.type")\"; try_files /page-$i =404; }"
      done
      echo "  }"
      echo "}"
    } >"$tmp/nginx/nginx.conf"
    "$nginx_bin" -t -q -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" || fail "nginx refuses its configuration"
    "$nginx_bin" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
    nginx_pid=$!
    for i in "${!anonymous[@]}"; do
      ok=""
      for _ in $(seq 1 50); do
        curl -fsS -o "$tmp/nginx/check" "http://127.0.0.1:$nginx_port${anonymous[$i]}" 2>/dev/null && { ok=1; break; }
        sleep 0.1
      done
      [ -n "$ok" ] || fail "nginx does not serve ${anonymous[$i]}"
      cmp -s "$tmp/nginx/check" "$tmp/www-$run/page-$i" || fail "nginx does not serve the bytes of ${anonymous[$i]}"
    done
    for i in "${!anonymous[@]}"; do
      path=${anonymous[$i]}
      wrk_run "http://127.0.0.1:$nginx_port$path"
      record "nginx: \`GET $path\` (same bytes, from a file)"
      ratio=$(awk -v g="${guichet_rps[$path]}" -v n="$rps" 'BEGIN {printf "%.2f", (n > 0 ? g / n : 0)}')
      line="Guichet/nginx \`GET $path\` ($(grouped "$(stat -c %s "$tmp/www-$run/page-$i")") bytes): ${guichet_rps[$path]} / $rps req/s = $ratio"
      echo "  $line"
      note "- $line"
    done
    stop_nginx

    # -------------------------------------------------------------------------------------------
    step "[$database, $(grouped "$total_dossiers") dossiers] Server memory, log and stop"
    rss=$(ps -o rss= -p "$server" | tr -d ' ')
    peak=$(awk '/^VmHWM:/ {print $2}' "/proc/$server/status" 2>/dev/null || true)
    rss_line="server RSS after the run: $(mb "$rss") MB${peak:+ (peak $(mb "$peak") MB)}"
    echo "$rss_line"
    note "- $rss_line"
    errors=$(grep -c -E '\[ (ERROR|CRITICAL) \]' "$tmp/serve-$run.log" || true)
    if [ "$errors" -ne 0 ]; then
      grep -h -E '\[ (ERROR|CRITICAL) \]' "$tmp/serve-$run.log" | head -n 10 | cut -c 1-400 >&2
      echo "$errors error(s) in the server's log" >&2
      load_errors=$((load_errors + 1))
      note "- $errors error(s) in the server's log"
    fi
    # A clean stop: SIGTERM, exit status 0 within 30 s (SIGKILL after that).
    started=$(date +%s%N)
    kill "$server"
    for _ in $(seq 1 300); do
      state=""
      while read -r key value _; do [ "$key" = State: ] && state=$value; done 2>/dev/null <"/proc/$server/status" || true
      case "$state" in "" | Z | X) break ;; esac
      sleep 0.1
    done
    case "$state" in "" | Z | X) ;; *) kill -KILL "$server" 2>/dev/null || true ;; esac
    status=0
    wait "$server" || status=$?
    server=""
    stop_ms=$((($(date +%s%N) - started) / 1000000))
    # A crash while stopping may still end with status 0: its report in the log counts too.
    crash=$(grep -m 1 -E 'Swift runtime failure|Fatal error|Program crashed|crashed:' "$tmp/serve-$run.log" || true)
    if [ "$status" -eq 0 ] && [ -z "$crash" ]; then
      echo "guichet serve stopped cleanly on SIGTERM in $stop_ms ms."
    else
      line="guichet serve ended with exit status $status $stop_ms ms after SIGTERM${crash:+: $crash}"
      echo "$line" >&2
      grep -m 1 -A 6 ' crashed:' "$tmp/serve-$run.log" | sed 's/^/    /' >&2 || true
      note "- $line"
      load_errors=$((load_errors + 1))
    fi
    [ -z "${BENCH_LOGS:-}" ] || { mkdir -p "$BENCH_LOGS"; cp "$tmp/serve-$run.log" "$tmp/demo-$run.log" "$BENCH_LOGS"/; }
    finish_run
  done
done
step ""

echo
echo "## $started_at — $machine"
echo
echo "\`scripts/bench-scale.sh $duration ${scales// /,}\` (release build; wrk -t2 -c50 -d${duration}s per endpoint, wrk timeout ${wrk_timeout}s; $versions). Load average at the end: $(cut -d ' ' -f 1-3 /proc/loadavg)."
cat "$summary"
summary_printed=1
echo
echo "Total: $((SECONDS - script_started)) s."
[ "$load_errors" -eq 0 ] || fail "$load_errors error(s): answers outside 2xx, socket errors or timeouts under load, filings not as expected, errors in the server's log, a server not stopping cleanly or a demo over its time (see above)"
