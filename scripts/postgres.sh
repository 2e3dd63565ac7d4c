#!/usr/bin/env bash
# A throwaway PostgreSQL server for the indexer's PostgreSQL tests (and for trying the indexer on
# PostgreSQL by hand). Debian's `postgresql` package provides the binaries; nothing system-wide is
# started or configured: the cluster lives in a temporary directory, listens on 127.0.0.1 only, on a
# free port, with trust authentication, and is removed by `stop`.
#
#   scripts/postgres.sh --install-only   install Debian's postgresql if its binaries are missing, then exit
#   scripts/postgres.sh start [DIR]      create a cluster in DIR (default: a new temp dir) and start it;
#                                        prints on stdout:  DATABASE_URL=postgresql://...  and  PGDATA_DIR=...
#   scripts/postgres.sh stop DIR         stop the cluster in DIR and delete DIR
#
# initdb refuses to run as root, so as root the cluster is created and run as the `postgres` user
# (created by the Debian package). Progress goes to stderr; stdout carries only the two lines above.
set -euo pipefail

log() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

pg_bindir() {
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
    printf '%s\n' "$dir"
    return 0
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

install_postgres() {
  if pg_bindir >/dev/null; then
    log "PostgreSQL binaries found in $(pg_bindir)"
    return 0
  fi
  [[ "$(id -u)" -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
  command -v apt-get >/dev/null 2>&1 || die "PostgreSQL is not installed and apt-get is not available"
  log "installing Debian's postgresql (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
  pg_bindir >/dev/null || die "apt-get install postgresql finished but initdb/pg_ctl are still missing"
}

# Runs a command as the cluster owner: `postgres` when we are root, ourselves otherwise.
as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to own the cluster"
    if command -v runuser >/dev/null 2>&1; then
      runuser -u postgres -- "$@"
    else
      su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
    fi
  else
    "$@"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_cluster() {
  local dir="${1:-}"
  install_postgres
  local bin
  bin="$(pg_bindir)"
  if [[ -z "$dir" ]]; then
    dir="$(mktemp -d "${TMPDIR:-/tmp}/novanet-pg.XXXXXX")"
  else
    mkdir -p "$dir"
  fi
  [[ -z "$(ls -A "$dir")" ]] || die "$dir is not empty"
  mkdir -p "$dir/data" "$dir/socket"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown -R postgres: "$dir"
    chmod 700 "$dir"
  fi
  log "initdb in $dir/data"
  as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  local attempt port
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && continue
    log "starting on 127.0.0.1:$port (attempt $attempt)"
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
      start >&2; then
      printf 'DATABASE_URL=postgresql://postgres@127.0.0.1:%s/postgres\n' "$port"
      printf 'PGDATA_DIR=%s\n' "$dir"
      return 0
    fi
    tail -n 20 "$dir/server.log" >&2 || true
  done
  die "could not start PostgreSQL (see $dir/server.log)"
}

stop_cluster() {
  local dir="${1:-}"
  [[ -n "$dir" && -d "$dir/data" ]] || die "usage: $0 stop DIR (a directory made by '$0 start')"
  local bin
  bin="$(pg_bindir)" || die "PostgreSQL binaries not found"
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >&2 || log "pg_ctl stop failed (already stopped?)"
  rm -rf "$dir"
}

case "${1:-}" in
  --install-only) install_postgres ;;
  start) start_cluster "${2:-}" ;;
  stop) stop_cluster "${2:-}" ;;
  *) die "usage: $0 --install-only | start [DIR] | stop DIR" ;;
esac
