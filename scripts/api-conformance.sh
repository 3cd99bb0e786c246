#!/usr/bin/env bash
# The API against its own OpenAPI document: schemathesis (PyPI) generates requests for every
# operation of /api/v1/openapi.json — valid ones, then hostile ones — and checks each answer
# against the document (status codes declared, bodies matching their schemas, content types,
# 405 on undeclared methods, no server error). A staff token with every scope is sent, so that
# the staff operations are exercised past their authentication.
#   scripts/api-conformance.sh [max-examples-per-operation]   (default 50; CI runs 10)
# Environment: GUICHET_BIN (default .build/debug/guichet), API_PORT (default 18190).
# Starts its own server on a fresh demo database in a temporary folder; exits non-zero on any
# failure schemathesis reports.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${GUICHET_BIN:-.build/debug/guichet}
examples=${1:-50}
port=${API_PORT:-18190}
url="http://127.0.0.1:$port"
command -v schemathesis >/dev/null 2>&1 || python3 -m pip install --quiet schemathesis
tmp=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
export GUICHET_DATABASE_PATH="$tmp/guichet.sqlite" GUICHET_DATA_DIR="$tmp/data" GUICHET_BCRYPT_COST=10
"$bin" serve --hostname 127.0.0.1 --port "$port" >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do curl -fsS "$url/health" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fsS "$url/health" >/dev/null || { cat "$tmp/serve.log"; echo "the server did not start" >&2; exit 1; }
GUICHET_NEW_PASSWORD="api conformance password" "$bin" user create --email api@exemple.fr \
  --name "Conformité de l'API" --role administrator --scope national >/dev/null
# A token with every scope, created through the token page as a person would.
jar="$tmp/jar"
csrf() { sed -n 's/.*name="_csrf" value="\([^"]*\)".*/\1/p' | head -n 1; }
token=$(curl -fsS -c "$jar" -b "$jar" "$url/connexion" | csrf)
curl -fsS -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$token" \
  --data-urlencode "email=api@exemple.fr" --data-urlencode "password=api conformance password" "$url/connexion"
token=$(curl -fsS -c "$jar" -b "$jar" "$url/mon-espace/jetons" | csrf)
page=$(curl -sS -c "$jar" -b "$jar" --data-urlencode "_csrf=$token" --data-urlencode "name=conformité" \
  --data-urlencode "scope=dossiers:read" --data-urlencode "scope=reviews:read" \
  --data-urlencode "scope=decisions:read" --data-urlencode "scope=calls:read" "$url/mon-espace/jetons")
secret=$(grep -o 'gch_[A-Za-z0-9_-]*' <<<"$page" | head -n 1)
[ -n "$secret" ] || { echo "no API token was created" >&2; exit 1; }
schemathesis run "$url/api/v1/openapi.json" --url "$url" -H "Authorization: Bearer $secret" \
  --checks all --max-examples "$examples" --workers 2 --seed 2026 --request-timeout 30 \
  --suppress-health-check all
if grep -q "internal_error\|Fatal error" "$tmp/serve.log"; then
  grep "internal_error\|Fatal error" "$tmp/serve.log" | head -n 5 >&2
  echo "the server logged an unexpected error during the run" >&2
  exit 1
fi
