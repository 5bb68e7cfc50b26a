-- assess_risk on a large catalog (run after ../shared/bench/big_schema.sql: 10,000 tables,
-- 18,000 constraints): a 100-statement migration over 50 existing tables, against
-- split_statements of the same script (the server's grammar alone, no catalog) measured in the
-- same run: what reading the catalog and judging the statements add. Median of 7 each.
\set ON_ERROR_STOP on
CREATE TEMP TABLE bench_script AS
SELECT string_agg(format('ALTER TABLE %I.%I ADD COLUMN bench_note text; CREATE INDEX ON %I.%I (tenant_id)',
                         n.nspname, c.relname, n.nspname, c.relname), E';\n') AS script
FROM (SELECT c.relname, c.relnamespace FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname LIKE 'bench\_%' ORDER BY c.oid LIMIT 50) c
JOIN pg_namespace n ON n.oid = c.relnamespace;

CREATE TEMP TABLE bench_times (method text, ms float8);
DO $bench$
DECLARE
  script text := (SELECT script FROM bench_script);
  started timestamptz;
BEGIN
  FOR run IN 1..7 LOOP
    started := clock_timestamp();
    PERFORM count(*) FROM confiture.assess_risk(script);
    INSERT INTO bench_times VALUES ('assess_risk', 1000 * extract(epoch FROM clock_timestamp() - started));
    started := clock_timestamp();
    PERFORM count(*) FROM confiture.split_statements(script);
    INSERT INTO bench_times VALUES ('split_statements', 1000 * extract(epoch FROM clock_timestamp() - started));
  END LOOP;
END
$bench$;

WITH medians AS (
  SELECT method, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench_times GROUP BY method
)
SELECT method, round(ms::numeric, 1) AS median_ms, round((ms / 100)::numeric, 3) AS ms_per_statement,
       round((ms / (SELECT ms FROM medians WHERE method = 'split_statements'))::numeric, 1) AS ratio_to_split
FROM medians ORDER BY ms DESC;
