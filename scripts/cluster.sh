#!/usr/bin/env bash
# Three Guichet instances behind nginx on one PostgreSQL, checked end to end on this machine:
#   1. a private PostgreSQL (its own data directory and port, on loopback) with a fresh database,
#      the demo call loaded once (`guichet demo`), three staff accounts (`guichet user create`);
#   2. three `guichet serve` on loopback ports, sharing the database and one GUICHET_DATA_DIR,
#      behind an nginx of their own (upstream keepalive, X-Forwarded-For, its own pid, logs and
#      temporary files: the system's nginx is not touched);
#   3. load through nginx with wrk (-t2 -c50) on the public pages and on a signed-in staff page
#      (the session is opened through nginx, then checked on each instance directly);
#   4. the same load on one instance directly, for comparison;
#   5. the committee race through nginx: many sessions apply their decisions at the same moment for
#      the last euros of an envelope; exactly the decisions that fit may be applied;
#   6. the password-reset counter holds one client address (as nginx forwards it) to its limit
#      whichever instance answers;
#   7. afterwards, the audit log's chains are whole and every queued email was written once.
# Fails (non-zero exit) on any non-2xx answer or socket error under load, on any overspending and
# on any other check; cleans up every process it started on exit. See docs/DEPLOYMENT.md.
#   scripts/cluster.sh [seconds-per-endpoint]        (default 5; about a minute in all on 2 cores)
# Environment:
#   GUICHET_BIN    an existing guichet binary (its resource bundles beside it): no build;
#                  otherwise `swift build -c release --product guichet` first
#   CLUSTER_PORT   first of the loopback ports used (default 18400): nginx on it, the instances on
#                  the next three, PostgreSQL on +9
#   CLUSTER_RACERS sessions racing in step 5 (default 50); CLUSTER_WINNERS how many fit (default 7)
#   CLUSTER_LOGS   a folder to keep the instances', nginx's and PostgreSQL's logs in at exit
# Installs nginx, wrk, PostgreSQL, python3 and curl from Debian packages when missing (needs root
# then). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-5}"
base="${CLUSTER_PORT:-18400}"
racers="${CLUSTER_RACERS:-50}"
winners="${CLUSTER_WINNERS:-7}"
case "$duration$base$racers$winners" in *[!0-9]*) echo "usage: scripts/cluster.sh [seconds]" >&2; exit 2 ;; esac
[ "$racers" -gt "$winners" ] || { echo "CLUSTER_RACERS must exceed CLUSTER_WINNERS" >&2; exit 2; }

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
step "Tools (nginx, wrk, PostgreSQL, python3, curl; from Debian packages when missing)"
missing=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]}…"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
pg_bin="/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -n 1)/bin"
echo "nginx: $("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //'); PostgreSQL: $("$pg_bin/postgres" --version | awk '{print $3}'); $(wrk -v 2>&1 | head -n 1 | awk '{print $1, $2}')"

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

# ---------------------------------------------------------------------------------------------
# Everything lives in one temporary folder, removed at exit with every process started here.
tmp=$(mktemp -d /tmp/guichet-cluster.XXXXXX)
chmod 755 "$tmp"
pgdir="$tmp/postgres"
pgdata="$pgdir/data"
pids=()
nginx_pid=""
cleanup() {
  local status=$?
  set +e
  [ -z "$nginx_pid" ] || kill "$nginx_pid" 2>/dev/null
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}" $nginx_pid; do wait "$pid" 2>/dev/null; done
  if [ -f "$pgdata/postmaster.pid" ]; then as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1; fi
  if [ -n "${CLUSTER_LOGS:-}" ]; then
    mkdir -p "$CLUSTER_LOGS"
    cp "$tmp"/*.log "$tmp"/*.out "$tmp"/nginx/*.log "$tmp"/nginx/nginx.conf "$pgdir/postgres.log" "$CLUSTER_LOGS"/ 2>/dev/null
  fi
  if [ "$status" -ne 0 ] && [ -d "$tmp" ]; then
    for log in "$tmp"/guichet-*.log "$tmp"/nginx/error.log "$pgdir/postgres.log"; do
      [ -s "$log" ] || continue
      echo "--- last lines of $(basename "$log")" >&2
      tail -n 15 "$log" >&2
    done
  fi
  rm -rf "$tmp"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres account.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- sh -c 'cd / && exec "$@"' sh "$@"; else "$@"; fi
}
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
nginx_port=$base
ports=($((base + 1)) $((base + 2)) $((base + 3)))
pg_port=$((base + 9))
for port in "$nginx_port" "${ports[@]}" "$pg_port"; do
  port_free "$port" || fail "port $port is in use (CLUSTER_PORT chooses other ports)"
done

# ---------------------------------------------------------------------------------------------
step "PostgreSQL: a private cluster on 127.0.0.1:$pg_port, fresh database guichet_cluster"
mkdir -p "$pgdir/socket"
db_password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
echo "$db_password" >"$pgdir/password"
if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$pgdir"; fi
as_postgres "$pg_bin/initdb" -D "$pgdata" -U postgres -E UTF8 --locale=C.UTF-8 \
  --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pgdir/password" >"$tmp/initdb.log" 2>&1 \
  || { cat "$tmp/initdb.log" >&2; fail "initdb"; }
# Connection budget: every instance keeps up to GUICHET_DB_POOL connections per event loop, one
# loop per core; the private cluster allows them all, with room for the commands and psql.
pool=4
cores=$(nproc)
budget=$((3 * cores * pool))
max_connections=$((budget + 20 > 100 ? budget + 20 : 100))
as_postgres "$pg_bin/pg_ctl" -D "$pgdata" -l "$pgdir/postgres.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pgdir/socket -c max_connections=$max_connections" \
  start >/dev/null || { cat "$pgdir/postgres.log" >&2; fail "PostgreSQL did not start"; }
admin_psql() { as_postgres psql -h "$pgdir/socket" -p "$pg_port" -U postgres -qAtX "$@"; }
admin_psql -c "create role guichet login password '$db_password'"
admin_psql -c "create database guichet_cluster owner guichet"
export DATABASE_URL="postgres://guichet:$db_password@127.0.0.1:$pg_port/guichet_cluster"
sql() { psql "$DATABASE_URL" -qAtX -v ON_ERROR_STOP=1 -c "$1"; }
sql "select 1" >/dev/null || fail "cannot connect as guichet"
echo "Connection budget: 3 instances × $cores event loops × GUICHET_DB_POOL=$pool = $budget (+ any command run meanwhile) < max_connections=$max_connections"
[ "$budget" -lt "$max_connections" ] || fail "the instances could open $budget connections, over max_connections=$max_connections"

# ---------------------------------------------------------------------------------------------
step "Demo call and staff accounts (guichet demo, guichet user create)"
export GUICHET_DATA_DIR="$tmp/data"
export GUICHET_PUBLIC_URL="http://127.0.0.1:$nginx_port"
export GUICHET_LOAD_DEMO=0
export GUICHET_DB_POOL=$pool
mkdir -p "$GUICHET_DATA_DIR"
started=$(date +%s%N)
"$bin" demo >"$tmp/demo.log" 2>&1 || { cat "$tmp/demo.log" >&2; fail "guichet demo"; }
echo "$(tail -n 1 "$tmp/demo.log") ($(( ($(date +%s%N) - started) / 1000000 )) ms, migrations included)"
staff_password="cluster password 2026"
create_user() { # email name role scope
  GUICHET_NEW_PASSWORD="$staff_password" "$bin" user create --email "$1" --name "$2" --role "$3" --scope "$4" \
    >>"$tmp/users.log" 2>&1 || { cat "$tmp/users.log" >&2; fail "guichet user create $1"; }
}
create_user admin-grappe@exemple.fr "Administration Grappe" administrator national
create_user presidente-grappe@exemple.fr "Presidente Grappe" committee_chair region:32
create_user membre-grappe@exemple.fr "Membre Grappe" committee_member region:32
echo "Accounts: administrator (national), committee chair and member (region:32)."

# ---------------------------------------------------------------------------------------------
step "Three instances (guichet serve) on 127.0.0.1:${ports[0]}, ${ports[1]}, ${ports[2]}"
# Started together: `guichet demo` has already applied the migrations, so none is left to race for.
for i in 0 1 2; do
  GUICHET_TRUSTED_PROXIES=127.0.0.1 LOG_LEVEL=warning \
    "$bin" serve --hostname 127.0.0.1 --port "${ports[$i]}" >"$tmp/guichet-$((i + 1)).log" 2>&1 &
  pids+=($!)
done
for i in 0 1 2; do
  ok=""
  for _ in $(seq 1 150); do
    [ "$(curl -fsS "http://127.0.0.1:${ports[$i]}/health" 2>/dev/null || true)" = '{"status":"ok"}' ] && { ok=1; break; }
    kill -0 "${pids[$i]}" 2>/dev/null || break
    sleep 0.2
  done
  [ -n "$ok" ] || fail "instance $((i + 1)) did not answer /health"
done
echo "All three answer /health (GUICHET_TRUSTED_PROXIES=127.0.0.1, GUICHET_LOAD_DEMO=0, one GUICHET_DATA_DIR)."

# ---------------------------------------------------------------------------------------------
step "nginx on 127.0.0.1:$nginx_port in front of the three"
mkdir -p "$tmp/nginx"
# The master runs as the current user; as root its workers run as nginx's default account, which
# must reach the temporary folders.
chmod 777 "$tmp/nginx"
cat >"$tmp/nginx/nginx.conf" <<EOF
daemon off;
worker_processes auto;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstream '\$request_method \$uri \$status \$upstream_addr';
  access_log $tmp/nginx/access.log upstream;
  client_body_temp_path $tmp/nginx/client_body;
  proxy_temp_path $tmp/nginx/proxy;
  fastcgi_temp_path $tmp/nginx/fastcgi;
  uwsgi_temp_path $tmp/nginx/uwsgi;
  scgi_temp_path $tmp/nginx/scgi;
  upstream guichet {
    server 127.0.0.1:${ports[0]};
    server 127.0.0.1:${ports[1]};
    server 127.0.0.1:${ports[2]};
    keepalive 64;
    # Below Guichet's own 60 s idle close, so that nginx never reuses a closing connection.
    keepalive_timeout 50s;
  }
  server {
    listen 127.0.0.1:$nginx_port;
    # GUICHET_MAX_UPLOAD_MB (default 20) plus the 256 KB of a form; Guichet checks each route's own limit.
    client_max_body_size 21m;
    location / {
      proxy_pass http://guichet;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_read_timeout 120s;
    }
  }
}
EOF
"$nginx_bin" -t -q -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" || fail "nginx refuses its configuration"
"$nginx_bin" -e "$tmp/nginx/error.log" -c "$tmp/nginx/nginx.conf" &
nginx_pid=$!
nginx_url="http://127.0.0.1:$nginx_port"
ok=""
for _ in $(seq 1 50); do
  [ "$(curl -fsS "$nginx_url/health" 2>/dev/null || true)" = '{"status":"ok"}' ] && { ok=1; break; }
  sleep 0.1
done
[ -n "$ok" ] || fail "nginx does not answer"
for path in / /appels/hdf-2021/resultats /api/v1/calls/hdf-2021/results; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$nginx_url$path")
  [ "$code" = 200 ] || fail "GET $path through nginx answered $code"
done
echo "Public pages answer 200 through nginx."

# ---------------------------------------------------------------------------------------------
step "Staff sign-in through nginx; the session on each instance"
jar="$tmp/cookies"
token=$(curl -fsS -c "$jar" -b "$jar" "$nginx_url/connexion" | sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$token" ] || fail "no _csrf on /connexion"
code=$(curl -sS -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "_csrf=$token" \
  --data-urlencode "email=admin-grappe@exemple.fr" --data-urlencode "password=$staff_password" "$nginx_url/connexion")
[ "$code" = 303 ] || fail "signing in through nginx answered $code, not 303"
cookie="guichet_session=$(awk '$6 == "guichet_session" {print $7}' "$jar")"
[ "$cookie" != "guichet_session=" ] || fail "no session cookie after signing in"
for i in 0 1 2; do
  page=$(curl -sS -H "Cookie: $cookie" -w '\n%{http_code}' "http://127.0.0.1:${ports[$i]}/instruction")
  [ "$(tail -n 1 <<<"$page")" = 200 ] || fail "instance $((i + 1)) answered $(tail -n 1 <<<"$page") to the signed-in /instruction"
  grep -q "Administration Grappe" <<<"$page" || fail "instance $((i + 1)) does not show the signed-in person on /instruction"
done
echo "The session opened through nginx is recognised by all three instances."

# ---------------------------------------------------------------------------------------------
# wrk with the benchmark's script that counts every answer outside 2xx (wrk itself counts 3xx as
# success: a staff page redirecting to /connexion would pass unseen) and the socket errors.
count_script="$PWD/scripts/bench-scale/count.lua"
endpoints=(/ /appels/hdf-2021/resultats /api/v1/calls/hdf-2021/results /instruction)
declare -A figures
load_errors=0
measure() { # label url
  local label="$1" url="$2" path="${2#http://127.0.0.1:*/}" out rps p99 total bad sock headers=()
  [ "/$path" = /instruction ] && headers=(-H "Cookie: $cookie")
  out=$(wrk -t2 -c50 -d"${duration}s" --timeout 10s "${headers[@]}" -s "$count_script" "$url")
  read -r rps p99 total bad sock < <(awk '$1 == "RESULT" {print $2, $4, $5, $6, $7}' <<<"$out")
  [ -n "${total:-}" ] || { echo "$out" >&2; fail "wrk printed no result for $url"; }
  figures["$label /$path"]="$rps|$p99|$bad|$sock|$total"
  printf '  %-42s %9s req/s   p99 %8s ms   %6s requests   non-2xx %s   socket errors %s\n' \
    "/$path" "$rps" "$p99" "$total" "$bad" "$sock"
  if [ "$bad" -ne 0 ] || [ "$sock" -ne 0 ]; then load_errors=$((load_errors + 1)); fi
}

step "Load through nginx: 3 instances, wrk -t2 -c50 -d${duration}s per endpoint"
for path in "${endpoints[@]}"; do measure three "$nginx_url$path"; done
# Each instance took its share (nginx round robin): counted from nginx's log of upstreams.
spread=$(awk '$1 == "GET" {n[$4]++} END {for (u in n) printf "%s %d, ", u, n[u]}' "$tmp/nginx/access.log")
echo "  requests per instance: ${spread%, }"

step "Load on one instance directly (127.0.0.1:${ports[0]}), same wrk"
for path in "${endpoints[@]}"; do measure one "http://127.0.0.1:${ports[0]}$path"; done

step "Comparison"
echo "Both runs are bound by this machine's $cores cores, which wrk, nginx and PostgreSQL share with"
echo "Guichet: one instance already runs one event loop per core, so three instances on the same cores"
echo "cannot serve more than one; what differs here is nginx's cost and noise. Throughput grows with"
echo "cores, that is with machines; several instances on one machine bring availability."
echo
echo "| endpoint | 3 instances via nginx: req/s | p99 ms | errors | 1 instance direct: req/s | p99 ms | errors |"
echo "|---|---|---|---|---|---|---|"
for path in "${endpoints[@]}"; do
  IFS='|' read -r r3 p3 b3 s3 _ <<<"${figures["three $path"]}"
  IFS='|' read -r r1 p1 b1 s1 _ <<<"${figures["one $path"]}"
  label="\`GET $path\`"; [ "$path" = /instruction ] && label="$label (signed in)"
  echo "| $label | $r3 | $p3 | $((b3 + s3)) | $r1 | $p1 | $((b1 + s1)) |"
done
[ "$load_errors" -eq 0 ] || fail "$load_errors load run(s) had non-2xx answers or socket errors"

# ---------------------------------------------------------------------------------------------
step "Committee race through nginx: $racers sessions apply at once, room for $winners"
# As CommitteeConcurrencyTests does in process: reviewed dossiers of the call, one per session,
# each retained at the smallest request among them; the Hauts-de-France envelope revised down to
# what is committed plus room for exactly $winners such grants (and a half).
sql "select d.id || ' ' || d.requested_cents from dossiers d join calls c on c.id = d.call_id
     where c.reference = 'hdf-2021' and d.status = 'reviewed' order by d.number limit $racers" >"$tmp/candidates"
[ "$(wc -l <"$tmp/candidates")" -eq "$racers" ] || fail "fewer than $racers reviewed dossiers in the demo"
wave2_before=$(sql "select count(*) from decisions d join waves w on w.id = d.wave_id join calls c on c.id = w.call_id
                    where c.reference = 'hdf-2021' and w.number = 2")
cat >"$tmp/race.py" <<'EOF'
"""The committee race over HTTP, through the reverse proxy: the chair opens one session per
dossier, marks the chair and the member present and stages one retained decision in each; an
administrator revises the region's envelope to leave room for exactly WINNERS grants (and a half);
then every session is applied at the same moment, each request on its own connection. Prints
key=value lines; the shell checks them and the database."""
import datetime
import http.client
import html
import re
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

host, port = "127.0.0.1", int(sys.argv[1])
password, winners, candidates_file = sys.argv[2], int(sys.argv[3]), sys.argv[4]
candidates = [line.split() for line in open(candidates_file) if line.strip()]
grant = min(int(cents) for _, cents in candidates)
today = datetime.date.today().isoformat()
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def euros(cents):
    return f"{cents // 100},{cents % 100:02d}"


def cents(text):
    """'4 400 000 €' or '1 234,50 €' in cents."""
    text = html.unescape(text).replace("€", "").replace("\u202f", "").replace("\xa0", "").replace(" ", "").strip()
    negative = text.startswith("-")
    whole, _, fraction = text.lstrip("-").partition(",")
    value = int(whole) * 100 + int((fraction + "00")[:2])
    return -value if negative else value


class Person:
    def __init__(self, email):
        self.cookie = ""
        self.csrf = ""
        self.sign_in(email)

    def request(self, method, path, form=None, connection=None):
        own = connection is None
        connection = connection or http.client.HTTPConnection(host, port, timeout=120)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        if own:
            connection.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            if value.startswith("guichet_session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.headers, text

    def page(self, path):
        status, _, text = self.request("GET", path)
        if status != 200:
            fail(f"GET {path} answered {status}")
        token = re.search(r'name="_csrf" value="([^"]+)"', text)
        if token:
            self.csrf = token.group(1)
        return text

    def post(self, path, form, refusal_ok=False):
        status, headers, _ = self.request("POST", path, {"_csrf": self.csrf, **form})
        refused = headers.get("X-Guichet-Error")
        if status != 303 or (refused and not refusal_ok):
            fail(f"POST {path} answered {status} {refused or ''}")
        return headers

    def sign_in(self, email):
        self.page("/connexion")
        self.post("/connexion", {"email": email, "password": password})
        if not self.cookie:
            fail(f"no session for {email}")


def text(cell):
    return html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()


def envelope_rows(page):
    """The envelope statement's table, by envelope: the amounts in force, committed and remaining,
    found by their column headings."""
    table = page[page.index("<thead>"):page.index("</tbody>")]
    headings = [text(h) for h in re.findall(r"<th scope=\"col\">(.*?)</th>", table, re.S)]
    column = {name: headings.index(name) for name in ("En vigueur", "Engagé", "Reste")}
    rows = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>", table, re.S):
        cells = [text(c) for c in re.findall(r"(.*?)</t[hd]>", row, re.S)]
        label = cells[0].lstrip("— ").strip()
        rows[label] = {"current": cents(cells[column["En vigueur"]]), "committed": cents(cells[column["Engagé"]]),
                       "remaining": cents(cells[column["Reste"]])}
    return rows


chair = Person("presidente-grappe@exemple.fr")
administrator = Person("admin-grappe@exemple.fr")

# The chair's and the member's ids, from the new-session form.
form = chair.page("/comite/seances/nouvelle")
chair_id = re.search(rf'<option value="({UUID})"[^>]*>Presidente Grappe</option>', form)
member_id = re.search(rf'value="({UUID})"[^>]*><label[^>]* for="member-[^"]+">Membre Grappe[ <]', form)
if not chair_id or not member_id:
    fail("the new-session form does not offer the chair and the member")
chair_id, member_id = chair_id.group(1), member_id.group(1)


def prepare(numbered):
    index, (dossier, _) = numbered
    headers = chair.post("/comite/seances", {
        "call": "hdf-2021", "wave": "2", "title": f"Grappe {index + 1:03d}", "held_on": today,
        "scope": "region:32", "chair": chair_id, "members": [member_id], "quorum": "2"})
    session = re.search(rf"/comite/seances/({UUID})$", headers.get("Location", ""))
    if not session:
        fail(f"opening a session led to {headers.get('Location')}")
    session = session.group(1)
    chair.post(f"/comite/seances/{session}/presences", {"present": [chair_id, member_id]})
    chair.post(f"/comite/seances/{session}/decisions", {
        "dossier": dossier, "outcome": "retained", "amount": euros(grant), "motive": "", "retour": ""})
    return session


started = time.monotonic()
with ThreadPoolExecutor(max_workers=6) as pool:
    sessions = list(pool.map(prepare, enumerate(candidates)))
print(f"prepared={len(sessions)} sessions in {time.monotonic() - started:.1f} s, one retained decision of {euros(grant)} € each")

# The administrator leaves room for exactly `winners` grants and a half on the region's envelope.
statement = administrator.page("/comite/enveloppes/hdf-2021")
envelope = re.search(rf'<option value="({UUID})">(?:— )*Hauts-de-France</option>', statement)
if not envelope:
    fail("no Hauts-de-France envelope on the statement")
before = envelope_rows(statement)["Hauts-de-France"]
room = grant * winners + grant // 2
administrator.post("/comite/enveloppes/hdf-2021/revisions", {
    "envelope": envelope.group(1), "amount": euros(before["committed"] + room), "effective_on": today,
    "reason": "Réduite pour l'essai de concurrence entre instances"})
revised = envelope_rows(administrator.page("/comite/enveloppes/hdf-2021"))["Hauts-de-France"]
if revised["current"] != before["committed"] + room:
    fail(f"the envelope reads {revised['current']} cents after its revision, not {before['committed'] + room}")
print(f"envelope_committed_before={before['committed']}")
print(f"envelope_revised_to={revised['current']}")
print(f"grant={grant}")

# The race: every request on its own connection, opened beforehand, released at once.
barrier = threading.Barrier(len(sessions))
outcomes = [None] * len(sessions)


def race(index):
    connection = http.client.HTTPConnection(host, port, timeout=120)
    connection.connect()
    barrier.wait()
    began = time.monotonic()
    try:
        status, headers, _ = chair.request(
            "POST", f"/comite/seances/{sessions[index]}/appliquer", {"_csrf": chair.csrf, "confirmer": "oui"}, connection)
        outcomes[index] = (status, headers.get("X-Guichet-Error") or "applied", time.monotonic() - began)
    except Exception as error:  # a dropped connection is a failure, reported as such
        outcomes[index] = (0, f"connection: {error}", time.monotonic() - began)
    finally:
        connection.close()


threads = [threading.Thread(target=race, args=(i,)) for i in range(len(sessions))]
started = time.monotonic()
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
elapsed = time.monotonic() - started
counts = {}
for status, outcome, _ in outcomes:
    counts[f"{status} {outcome}"] = counts.get(f"{status} {outcome}", 0) + 1
print(f"race_seconds={elapsed:.2f} (slowest answer {max(o[2] for o in outcomes):.2f} s)")
print("outcomes=" + ", ".join(f"{n} × {key}" for key, n in sorted(counts.items())))
print(f"applied={sum(1 for s, o, _ in outcomes if s == 303 and o == 'applied')}")
print(f"refused={sum(1 for s, o, _ in outcomes if s == 303 and o == 'decision_refused')}")
print(f"other={sum(1 for s, o, _ in outcomes if not (s == 303 and o in ('applied', 'decision_refused')))}")

# The statement after the race: no envelope spends more than it holds.
after = envelope_rows(administrator.page("/comite/enveloppes/hdf-2021"))
print(f"envelope_committed_after={after['Hauts-de-France']['committed']}")
print(f"envelope_remaining_after={after['Hauts-de-France']['remaining']}")
overspent = [label for label, row in after.items() if row["remaining"] < 0 or row["committed"] > row["current"]]
print(f"overspent_envelopes={len(overspent)} {' '.join(overspent)}")
EOF
python3 "$tmp/race.py" "$nginx_port" "$staff_password" "$winners" "$tmp/candidates" >"$tmp/race.out" \
  || { cat "$tmp/race.out"; fail "the race script"; }
sed 's/^/  /' "$tmp/race.out"
value() { awk -F= -v k="$1" '$1 == k {split($2, a, " "); print a[1]}' "$tmp/race.out"; }
spread=$(awk '$1 == "POST" && $2 ~ /\/appliquer$/ {n[$4]++} END {for (u in n) printf "%s %d, ", u, n[u]}' "$tmp/nginx/access.log")
echo "  applications per instance: ${spread%, }"
[ "$(awk '$1 == "POST" && $2 ~ /\/appliquer$/ {print $4}' "$tmp/nginx/access.log" | sort -u | wc -l)" -eq 3 ] \
  || fail "the applications did not reach all three instances"

# From the database itself.
grant=$(value grant)
applied_sessions=$(sql "select count(*) from committee_sessions where title like 'Grappe %' and status = 'applied'")
open_sessions=$(sql "select count(*) from committee_sessions where title like 'Grappe %' and status = 'open'")
wave2_after=$(sql "select count(*) from decisions d join waves w on w.id = d.wave_id join calls c on c.id = w.call_id
                   where c.reference = 'hdf-2021' and w.number = 2")
wave2_granted=$(sql "select coalesce(sum(d.granted_cents), 0) from decisions d join waves w on w.id = d.wave_id
                     join calls c on c.id = w.call_id where c.reference = 'hdf-2021' and w.number = 2")
retained=$(sql "select count(*) from dossiers where status = 'retained' and id in (
                select s.dossier_id from staged_decisions s join committee_sessions cs on cs.id = s.session_id
                where cs.title like 'Grappe %')")
echo "  database: $applied_sessions sessions applied, $open_sessions still open; $((wave2_after - wave2_before)) decisions of wave 2 for $wave2_granted cents; $retained dossiers retained"

[ "$(value other)" -eq 0 ] || fail "$(value other) application(s) neither applied nor refused by the envelope check"
[ "$(value applied)" -eq "$winners" ] || fail "$(value applied) sessions applied, the envelope allows $winners"
[ "$(value refused)" -eq $((racers - winners)) ] || fail "$(value refused) refused, expected $((racers - winners))"
[ "$applied_sessions" -eq "$winners" ] || fail "$applied_sessions sessions applied in the database, expected $winners"
[ "$open_sessions" -eq $((racers - winners)) ] || fail "$open_sessions sessions left open, expected $((racers - winners))"
[ $((wave2_after - wave2_before)) -eq "$winners" ] || fail "$((wave2_after - wave2_before)) decisions written, expected $winners"
[ "$wave2_granted" -eq $((grant * winners)) ] || fail "wave 2 grants $wave2_granted cents, expected $((grant * winners))"
[ "$retained" -eq "$winners" ] || fail "$retained dossiers retained, expected $winners"
[ "$(value envelope_committed_after)" -eq $(( $(value envelope_committed_before) + grant * winners )) ] \
  || fail "the envelope's committed amount is $(value envelope_committed_after), expected $(( $(value envelope_committed_before) + grant * winners ))"
[ "$(value overspent_envelopes)" -eq 0 ] || fail "overspent: $(grep '^overspent_envelopes=' "$tmp/race.out")"
echo "  exactly $winners of $racers applied; no envelope overspent."

# ---------------------------------------------------------------------------------------------
step "Counters in the database: password-reset requests per client address, across the instances"
# Requests come from 127.0.0.1 (a trusted proxy), so the address nginx forwards is the client's:
# distinct addresses are counted apart, and one address's requests are counted together whichever
# instance answers them (5 an hour, RequestCounter.resetByAddress).
cat >"$tmp/counters.py" <<'EOF'
import http.client
import re
import sys
import threading
import urllib.parse

port, emails = int(sys.argv[1]), sys.argv[2:]


def form_session():
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/mot-de-passe-oublie")
    response = connection.getresponse()
    body = response.read().decode()
    cookie = [v.split(";")[0] for v in response.headers.get_all("Set-Cookie") or [] if v.startswith("guichet_session=")]
    token = re.search(r'name="_csrf" value="([^"]+)"', body)
    if response.status != 200 or not cookie or not token:
        sys.exit(f"FAIL: the password-reset form answered {response.status} without a session or a token")
    return cookie[0], token.group(1)


def ask_all(requests):
    """Sends every (email, client address) at once, each on its own connection; the statuses."""
    cookie, token = form_session()
    statuses = [None] * len(requests)
    barrier = threading.Barrier(len(requests))

    def ask(index):
        email, address = requests[index]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.connect()
        barrier.wait()
        body = urllib.parse.urlencode({"_csrf": token, "email": email})
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": address}
        connection.request("POST", "/mot-de-passe-oublie", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        statuses[index] = response.status
        connection.close()

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(len(requests))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


apart = ask_all([(email, f"198.51.100.{i + 1}") for i, email in enumerate(emails)])
together = ask_all([(f"personne-{i}@exemple.fr", "203.0.113.9") for i in range(8)])
print(f"distinct_addresses_ok={apart.count(200)} of {len(apart)}")
print(f"one_address_ok={together.count(200)} refused={together.count(429)} "
      f"other={len(together) - together.count(200) - together.count(429)}")
EOF
sql "select email from users where email like '%@demo.guichet.invalid' or email like '%-grappe@exemple.fr'
     order by email" >"$tmp/emails"
mapfile -t emails <"$tmp/emails"
python3 "$tmp/counters.py" "$nginx_port" "${emails[@]}" >"$tmp/counters.out" \
  || { cat "$tmp/counters.out"; fail "the counters script"; }
sed 's/^/  /' "$tmp/counters.out"
grep -qx "distinct_addresses_ok=${#emails[@]} of ${#emails[@]}" "$tmp/counters.out" \
  || fail "requests from distinct client addresses were refused: is X-Forwarded-For read from the trusted proxy?"
grep -qx "one_address_ok=5 refused=3 other=0" "$tmp/counters.out" \
  || fail "one client address was not held to 5 requests across the instances"
queued=$(sql "select count(*) from outbox_messages where kind = 'reset_password'")
[ "$queued" -eq "${#emails[@]}" ] || fail "$queued reset emails queued, expected ${#emails[@]}"
echo "  ${#emails[@]} reset emails queued (one per account), for the instances' outbox loops to send."

# ---------------------------------------------------------------------------------------------
step "Afterwards: audit chains whole, each email written once by one of the instances"
"$bin" audit verify >"$tmp/audit.log" 2>&1 || { cat "$tmp/audit.log" >&2; fail "guichet audit verify"; }
sed 's/^/  /' "$tmp/audit.log"
# The instances' background loops send the outbox every 5 s, each claiming messages with a lease;
# the .eml files of the shared GUICHET_DATA_DIR are named <time>-<message id>.eml, so a message
# sent twice would show as two files with one id.
unsent=""
for _ in $(seq 1 40); do
  unsent=$(sql "select count(*) from outbox_messages where sent_at is null")
  [ "$unsent" -eq 0 ] && break
  sleep 0.5
done
[ "$unsent" -eq 0 ] || fail "$unsent email(s) still unsent after 20 s"
sent=$(sql "select count(*) from outbox_messages where sent_at is not null")
mkdir -p "$GUICHET_DATA_DIR/mail"
files=$(find "$GUICHET_DATA_DIR/mail" -name '*.eml' 2>/dev/null | wc -l)
distinct=$(find "$GUICHET_DATA_DIR/mail" -name '*.eml' 2>/dev/null | sed 's/.*-\([0-9a-f-]\{36\}\)\.eml$/\1/' | sort -u | wc -l)
echo "  outbox: $sent email(s) sent, $files file(s) in GUICHET_DATA_DIR/mail, $distinct distinct message id(s)"
[ "$files" -eq "$sent" ] && [ "$distinct" -eq "$sent" ] || fail "emails written $files times for $sent messages ($distinct ids)"

# Nothing went wrong inside the instances meanwhile.
errors=$(cat "$tmp"/guichet-*.log | grep -c -E '\[ (ERROR|CRITICAL) \]' || true)
[ "$errors" -eq 0 ] || { grep -h -E '\[ (ERROR|CRITICAL) \]' "$tmp"/guichet-*.log | head -n 20 >&2; fail "$errors error(s) in the instances' logs"; }
step ""
echo
echo "PASS: three instances behind nginx on one PostgreSQL ($cores cores): load without error, sessions shared, no envelope overspent."
