#!/usr/bin/env bash
# A throwaway PostgreSQL server for the store's tests, on loopback only.
#
#   scripts/postgres.sh start   install PostgreSQL if missing, start a private cluster on 127.0.0.1:55432,
#                               and print the line to eval:  export CROSSTALK_TEST_POSTGRES='Host=...'
#   scripts/postgres.sh stop    stop that cluster (its files stay for the next start)
#   scripts/postgres.sh env     print the export line only (the cluster must be running)
#
#   eval "$(scripts/postgres.sh start)"
#
# Everything but the export line goes to stderr, so eval sees only that. Run as root (CI, developer
# machines) or as a user who can already run the PostgreSQL binaries. Starting twice is a no-op.
# Settings: CROSSTALK_PG_DIR (default /tmp/crosstalk-postgres), CROSSTALK_PG_PORT (default 55432).
set -euo pipefail

PG_DIR="${CROSSTALK_PG_DIR:-/tmp/crosstalk-postgres}"
PG_PORT="${CROSSTALK_PG_PORT:-55432}"
PG_DATA="$PG_DIR/data"
PG_LOG="$PG_DIR/server.log"
PG_PASSWORD_FILE="$PG_DIR/password"
PG_USER=crosstalk
PG_DB=crosstalk_test
PG_BIN=

log() { printf 'postgres.sh: %s\n' "$*" >&2; }

find_bin() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$dir" && -x "$dir/initdb" ]]; then
        printf '%s\n' "$dir"
    fi
}

install_if_missing() {
    if [[ -n "$(find_bin)" ]]; then
        return
    fi
    if [[ "$(id -u)" != 0 ]]; then
        log "PostgreSQL is not installed and this is not root; install the 'postgresql' package first."
        exit 1
    fi
    log "installing PostgreSQL (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq postgresql >&2
    # The package starts a default cluster on 5432; it is not ours and we do not need it.
    if command -v pg_lsclusters >/dev/null; then
        pg_lsclusters --no-header 2>/dev/null | while read -r version name _; do
            pg_ctlcluster "$version" "$name" stop >/dev/null 2>&1 || true
        done
    fi
}

# Runs a command as the postgres user when we are root (the server refuses to run as root).
as_owner() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

is_running() {
    local bin="$1"
    [[ -f "$PG_DATA/PG_VERSION" ]] && as_owner "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

password() {
    cat "$PG_PASSWORD_FILE"
}

print_env() {
    printf "export CROSSTALK_TEST_POSTGRES='Host=127.0.0.1;Port=%s;Username=%s;Password=%s;Database=%s'\n" \
        "$PG_PORT" "$PG_USER" "$(password)" "$PG_DB"
}

psql_admin() {
    as_owner "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

start() {
    install_if_missing
    local bin
    bin="$(find_bin)"
    if [[ -z "$bin" ]]; then
        log "no PostgreSQL binaries under /usr/lib/postgresql/*/bin after installing."
        exit 1
    fi
    PG_BIN="$bin"

    mkdir -p "$PG_DIR"
    if [[ "$(id -u)" == 0 ]]; then
        chown postgres: "$PG_DIR"
    fi
    chmod 700 "$PG_DIR"

    if is_running "$bin"; then
        log "already running on 127.0.0.1:$PG_PORT ($PG_DATA)"
        ensure_user_and_database
        print_env
        return
    fi

    if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
        log "creating a cluster in $PG_DATA"
        if [[ ! -s "$PG_PASSWORD_FILE" ]]; then
            # Loopback-only throwaway server: a random password keeps other local users out all the same.
            head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > "$PG_PASSWORD_FILE"
            [[ "$(id -u)" == 0 ]] && chown postgres: "$PG_PASSWORD_FILE"
            chmod 600 "$PG_PASSWORD_FILE"
        fi
        as_owner "$bin/initdb" -D "$PG_DATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            --encoding=UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
            || { log "initdb failed; see $PG_DIR/initdb.log"; cat "$PG_DIR/initdb.log" >&2; exit 1; }
        # The admin user connects over loopback without a password; the test user needs its password.
        cat > "$PG_DATA/pg_hba.conf" <<HBA
local all all trust
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
        cat >> "$PG_DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_DIR'
max_connections = 200
fsync = on
CONF
    fi

    log "starting on 127.0.0.1:$PG_PORT"
    as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >&2 \
        || { log "the server did not start; see $PG_LOG"; tail -n 30 "$PG_LOG" >&2 || true; exit 1; }

    local i
    for i in $(seq 1 60); do
        if as_owner "$bin/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q; then
            break
        fi
        sleep 1
    done
    as_owner "$bin/pg_isready" -h 127.0.0.1 -p "$PG_PORT" -q \
        || { log "the server is not accepting connections; see $PG_LOG"; exit 1; }

    ensure_user_and_database
    log "ready"
    print_env
}

ensure_user_and_database() {
    local pw
    pw="$(password)"
    # CREATEDB lets each test make its own fresh database.
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'")" != 1 ]]; then
        psql_admin -c "CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$pw'"
    else
        psql_admin -c "ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$pw'"
    fi
    if [[ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" != 1 ]]; then
        psql_admin -c "CREATE DATABASE $PG_DB OWNER $PG_USER"
    fi
}

stop() {
    local bin
    bin="$(find_bin)"
    if [[ -z "$bin" ]] || ! is_running "$bin"; then
        log "not running"
        return
    fi
    as_owner "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >&2
    log "stopped"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    env) print_env ;;
    *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
