#!/usr/bin/env bash
# `make bench`: release build in a throwaway cluster; split_statements throughput against a
# baseline measured in the same run, dry_run and migrate against plain statements rolled back,
# anonymize_table against a plain UPDATE, assess_risk against squawk on the same
# 10,000-statement file and on a 10,000-table catalog, lint on that catalog against plain SQL
# checks, then the robustness sweep over PostgreSQL's regression SQL.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/common.sh
CORPUS=${CONFITURE_CORPUS:-../shared/corpus/postgres-regress}

bash scripts/setup.sh
install_extension --release >/dev/null
start_throwaway_cluster bench
create_confiture_database bench

echo "==> split_statements on a 10,000-statement migration (median of 7)"
"$PG_BIN/psql" -X -q -d bench -f scripts/bench/split_statements.sql
echo "==> dry_run overhead on a 1,000,000-row table (median of 6)"
"$PG_BIN/psql" -X -q -d bench -f scripts/bench/dry_run.sql
echo "==> migrate overhead: 10 no-op hooks on a migration of over a second (median of 15), and its fixed cost"
"$PG_BIN/psql" -X -q -d bench -f scripts/bench/migrate.sql
echo "==> anonymize_table: 1,000,000 rows, 4 masked columns, against a plain UPDATE to md5() (median of 3)"
"$PG_BIN/psql" -X -q -d bench -f scripts/bench/anonymize.sql
echo "==> dry_run on a catalog of 10,000 tables (../shared/bench/big_schema.sql, median of 7)"
"$PG_BIN/createdb" bench_catalog
"$PG_BIN/psql" -X -q -d bench_catalog -c 'CREATE EXTENSION confiture'
"$PG_BIN/psql" -X -q -d bench_catalog -v tables=10000 -v schemas=20 \
    -f ../shared/bench/big_schema.sql >/dev/null
"$PG_BIN/psql" -X -q -d bench_catalog -f scripts/bench/dry_run_catalog.sql
echo "==> assess_risk on the same catalog: 100 statements over 50 tables (median of 7)"
"$PG_BIN/psql" -X -q -d bench_catalog -f scripts/bench/assess_risk_catalog.sql
echo "==> lint on the same catalog, against the same checks in plain SQL (median of 5)"
"$PG_BIN/psql" -X -q -d bench_catalog -f scripts/bench/lint_catalog.sql
echo "==> assess_risk on a 10,000-statement migration, against squawk (median of 5)"
bash scripts/bench/assess_risk.sh bench
if [ -d "$CORPUS" ]; then
    echo "==> robustness over $CORPUS"
    python3 scripts/bench/corpus_sweep.py split_statements bench "$CORPUS"
    python3 scripts/bench/corpus_sweep.py assess_risk bench "$CORPUS"
    python3 scripts/bench/corpus_sweep.py dry_run bench "$CORPUS"
fi
