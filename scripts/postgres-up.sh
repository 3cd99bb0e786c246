#!/usr/bin/env bash
# Installs (from Debian packages) and starts a local PostgreSQL, then creates a role and an empty
# database for Guichet. Prints the DATABASE_URL to use on its last line.
#   scripts/postgres-up.sh [database-name]
# Needs root (apt-get, pg_ctlcluster). Idempotent: an existing database is dropped and recreated.
set -euo pipefail
db="${1:-guichet_test}"
user=guichet
password=guichet

if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "Installing PostgreSQL from Debian packages…" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$version main"; then
  pg_createcluster "$version" main >&2
fi
if ! pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $4}' | grep -q online; then
  pg_ctlcluster "$version" main start >&2
fi
wait_ready() {
  for _ in $(seq 1 30); do
    su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}
wait_ready
# The test suite runs its tests in parallel, each with its own schema and connection pool:
# PostgreSQL's default 100 connections is too few.
if [ "$(su postgres -c "psql -qAtc 'show max_connections'")" -lt 500 ]; then
  su postgres -c "psql -qc 'alter system set max_connections = 500'" >&2
  pg_ctlcluster "$version" main restart >&2
  wait_ready
fi
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='$user'\"" | grep -q 1 \
  || su postgres -c "psql -qc \"create role $user login password '$password'\"" >&2
# The backup tests restore into a database of their own, created and dropped by the role.
su postgres -c "psql -qc 'alter role $user createdb'" >&2
su postgres -c "psql -qc 'drop database if exists $db'" >&2
su postgres -c "psql -qc 'create database $db owner $user'" >&2
echo "postgres://$user:$password@127.0.0.1:5432/$db"
