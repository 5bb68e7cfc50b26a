# Shared by the scripts: where PostgreSQL 15 lives, running its tools as `postgres` (PostgreSQL
# refuses to run as root), and throwaway clusters.
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
PG_BIN=/usr/lib/postgresql/15/bin

as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; else sudo -u postgres "$@"; fi
}

# postgres_dir DIR: an empty directory that the postgres user owns.
postgres_dir() {
    rm -rf "$1"
    mkdir -p "$1"
    chown postgres:postgres "$1"
    chmod 700 "$1"
}

# install_extension: builds Confiture and installs it into PostgreSQL 15 (as root: the
# extension directories belong to root).
install_extension() {
    cargo pgrx install --pg-config "$PG_CONFIG" "$@"
}

# install_test_extensions: the fixture extensions of tests/extensions (another extension that
# ships hooks), into PostgreSQL 15's extension directory.
install_test_extensions() {
    install -m 644 tests/extensions/*/*.control tests/extensions/*/*.sql \
        "$($PG_CONFIG --sharedir)/extension/"
}

# start_cluster DIR [SETTING=VALUE ...]: a fresh cluster in DIR, reachable only through a Unix
# socket inside DIR (no TCP), so it cannot collide with a server on 5432 or anywhere else.
# Exports PGHOST, PGPORT and PGUSER for the clients that follow.
start_cluster() {
    local dir=$1
    shift
    local port=${CONFITURE_PORT:-54315}
    local settings=(-c "listen_addresses=''" -c "unix_socket_directories=$dir" -p "$port")
    for setting in "$@"; do settings+=(-c "$setting"); done
    postgres_dir "$dir"
    as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale \
        --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log"; return 1; }
    as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "${settings[*]}" start >/dev/null || { cat "$dir/server.log"; return 1; }
    export PGHOST=$dir PGPORT=$port PGUSER=postgres
}

# stop_cluster DIR: stops the cluster of start_cluster; quiet when it is not running.
stop_cluster() {
    [ -d "$1/data" ] && as_postgres "$PG_BIN/pg_ctl" -D "$1/data" -m fast -w stop >/dev/null 2>&1
    return 0
}

# start_throwaway_cluster NAME: start_cluster in a new temporary directory (exported as CLUSTER)
# that is stopped and removed when the calling script exits.
start_throwaway_cluster() {
    CLUSTER=$(mktemp -d "/tmp/confiture-$1.XXXXXX")
    trap 'stop_cluster "$CLUSTER"; rm -rf "$CLUSTER"' EXIT
    start_cluster "$CLUSTER"
}

# create_confiture_database NAME: a new database with the extension created in it.
create_confiture_database() {
    "$PG_BIN/createdb" "$1"
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$1" -c 'CREATE EXTENSION confiture'
}
