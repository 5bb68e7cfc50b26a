#!/usr/bin/env bash
# Runs the pg_regress suites in tests/pg_regress against a throwaway cluster, the way
# `cargo pgrx regress` does: setup.sql first, then every other suite, terse error verbosity,
# client_min_messages=warning, results in tests/pg_regress/results. Then checks that every SQL
# function has a reference page in docs/ whose example prints what the page shows.
#
# `cargo pgrx regress` itself starts its cluster as the invoking user, which PostgreSQL refuses
# for root; this script starts it as `postgres` instead. Developers who are not root can use
# `cargo pgrx regress pg15 --postgresql-conf autovacuum=off` on the same files (`--add NAME`
# records a new suite's output).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh

SUITES=tests/pg_regress
CLUSTER=${CONFITURE_TEST_ROOT:-/tmp/confiture-test}/regress
DBNAME=confiture_regress
PG_REGRESS="$($PG_CONFIG --pkglibdir)/pgxs/src/test/regress/pg_regress"

install_extension >/dev/null
install_test_extensions
trap 'stop_cluster "$CLUSTER"' EXIT
# No autovacuum: a worker's lock on a fixture table would make a dry run wait and fail once its
# lock_timeout passes, and the suites compare what each statement locks.
# pg_cron runs lint_snapshot() in the lint_cron suite: it must be preloaded, it schedules jobs
# in the regress database, and it runs them in background workers (the cluster takes no TCP
# connections for it to use).
start_cluster "$CLUSTER" client_min_messages=warning autovacuum=off \
    shared_preload_libraries=pg_cron cron.database_name="$DBNAME" cron.use_background_workers=on
"$PG_BIN/createdb" "$DBNAME"

# pg_regress runs psql through a launcher; this one sets the verbosity cargo pgrx uses.
launcher="$CLUSTER/psql-launcher.sh"
printf '#!/bin/bash\n"$@" -v VERBOSITY=terse\n' >"$launcher"
chmod 755 "$launcher"

suites=(setup)
for file in "$SUITES"/sql/*.sql; do
    name=$(basename "$file" .sql)
    [ "$name" = setup ] || suites+=("$name")
done

rm -rf "$SUITES/results"
# From the suites' directory, as cargo pgrx regress runs it: suites include shared fixtures with
# `\i fixtures/...`, which psql resolves against the working directory.
(cd "$SUITES" && "$PG_REGRESS" --host="$PGHOST" --port="$PGPORT" --user=postgres --use-existing \
    --dbname="$DBNAME" --inputdir=. --outputdir=. \
    --launcher="$launcher" "${suites[@]}") || {
    status=$?
    [ -f "$SUITES/regression.diffs" ] && cat "$SUITES/regression.diffs"
    exit $status
}

# The reference pages' examples run against a database of their own.
create_confiture_database confiture_docs
python3 scripts/check_docs.py confiture_docs
