#!/usr/bin/env bash
# assess_risk.sh DATABASE: confiture.assess_risk on a 10,000-statement migration over 100 real
# tables (scripts/bench/assess_risk_script.sql), against squawk checking the same text from a
# file in the same run. Connection from the PG* variables; the database needs the extension.
# Prints the median of 5 runs of each, statements per second and the ratio assess_risk/squawk.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/common.sh
DB=$1
RUNS=5
# Pinned, so that figures of different days compare against the same baseline.
SQUAWK_VERSION=${SQUAWK_VERSION:-2.70.0}
WORK=$(mktemp -d /tmp/confiture-assess-risk.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

# squawk into the throwaway directory: the wheel is a zip that carries the binary.
python3 -m pip download -q --disable-pip-version-check --no-deps -d "$WORK/wheel" \
    "squawk-cli==$SQUAWK_VERSION"
python3 -m zipfile -e "$WORK"/wheel/squawk_cli-*.whl "$WORK/squawk"
SQUAWK=$(echo "$WORK"/squawk/squawk_cli-*.data/scripts/squawk)
chmod +x "$SQUAWK"

# The schema and the migration; squawk reads the migration from a file (psql -At prints the
# text as it is, followed by one newline).
psql -f scripts/bench/assess_risk_script.sql
psql -At -c 'SELECT script FROM confiture_bench_risk.script' >"$WORK/migration.sql"

# squawk: one untimed run first, like the warm-up of assess_risk below. --reporter json, since
# the default terminal reporter is quadratic in the number of findings. squawk exits 1 both when
# it finds something and when it fails, so its output is checked instead of its status.
squawk_us=()
for run in $(seq 0 "$RUNS"); do
    rm -f "$WORK/squawk.json"
    start=$(date +%s%N)
    (cd "$WORK" && "$SQUAWK" --reporter json migration.sql >squawk.json) || true
    end=$(date +%s%N)
    [ "$run" -eq 0 ] || squawk_us+=($(((end - start) / 1000)))
done
squawk_findings=$(python3 -c '
import json, sys
findings = json.load(open(sys.argv[1]))
errors = [f for f in findings if f["rule_name"] == "syntax-error"]
if errors: sys.exit(f"squawk could not parse the migration: {errors[0]}")
print(len(findings))' "$WORK/squawk.json")

# assess_risk: one session, one transaction per call (COMMIT in the DO block). Call 0 is the
# first of the session (library load, cold catalog caches) and is shown apart; the median is
# of the 5 warm calls that follow. Unqualified names resolve through search_path, as when a
# migration tool runs the script. The findings are counted in every call so that the result
# is consumed, as squawk writes its JSON.
psql -v squawk_us="{$(IFS=,; echo "${squawk_us[*]}")}" -v squawk_findings="$squawk_findings" \
    -v squawk="squawk $SQUAWK_VERSION --reporter json" -v runs="$RUNS" <<'SQL'
SET search_path = confiture_bench_risk;
SET client_min_messages = warning;
SELECT set_config('bench.runs', :'runs', false) \g /dev/null
CREATE TEMP TABLE bench_times (run int, ms float8, statements bigint, findings bigint);
DO $bench$
DECLARE
  script text := (SELECT script FROM script);
  started timestamptz;
  n bigint;
  found bigint;
BEGIN
  FOR run IN 0..current_setting('bench.runs')::int LOOP
    started := clock_timestamp();
    SELECT count(*), sum(jsonb_array_length(findings)) INTO n, found
    FROM confiture.assess_risk(script);
    INSERT INTO bench_times
    VALUES (run, 1000 * extract(epoch FROM clock_timestamp() - started), n, found);
    COMMIT;
  END LOOP;
  IF n <> 10000 THEN
    RAISE EXCEPTION 'assess_risk returned % statements, not 10000', n;
  END IF;
END
$bench$;

WITH results AS (
  SELECT 'confiture.assess_risk, first call of a session' AS method, 1::bigint AS runs,
         ms, statements, findings
  FROM bench_times WHERE run = 0
  UNION ALL
  SELECT 'confiture.assess_risk, warm', count(*),
         percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), max(statements), max(findings)
  FROM bench_times WHERE run > 0
  UNION ALL
  SELECT :'squawk', count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY us) / 1000,
         (SELECT max(statements) FROM bench_times), :squawk_findings
  FROM unnest(:'squawk_us'::float8[]) AS us
)
SELECT method, runs, statements, findings, round(ms::numeric, 1) AS median_ms,
       round((statements / (ms / 1000))::numeric) AS statements_per_s,
       round((ms / (SELECT ms FROM results WHERE method = :'squawk'))::numeric, 2) AS ratio_to_squawk
FROM results;
-- Leave the database as it was for the benchmarks that follow.
DROP SCHEMA confiture_bench_risk CASCADE;
SQL
