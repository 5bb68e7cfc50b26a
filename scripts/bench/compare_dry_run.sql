-- Shared by the dry_run benchmarks: runs the statements of table bench_migration :runs times
-- plainly in a transaction that is rolled back (a PL/pgSQL exception block) and :runs times
-- through confiture.dry_run, alternating, and prints both medians, the extra time per
-- statement and the ratio.
SELECT set_config('bench.runs', :'runs', false) AS runs_each \gset
CREATE TEMP TABLE bench_times (method text, ms float8);

DO $bench$
DECLARE
  script text := (SELECT string_agg(sql, E';\n' ORDER BY statement_no) FROM bench_migration);
  started timestamptz;
  statement text;
  method text;
  failures int;
BEGIN
  -- Odd runs time the plain statements, even runs the dry run, so that checkpoints and cache
  -- effects spread over both.
  FOR run IN 1..2 * current_setting('bench.runs')::int LOOP
    started := clock_timestamp();
    IF run % 2 = 1 THEN
      BEGIN
        FOR statement IN SELECT sql FROM bench_migration ORDER BY statement_no LOOP
          EXECUTE statement;
        END LOOP;
        RAISE EXCEPTION USING ERRCODE = 'P0001', MESSAGE = 'roll back';
      EXCEPTION WHEN raise_exception THEN
        NULL;
      END;
      method := 'plain, rolled back';
    ELSE
      SELECT count(*) FILTER (WHERE status <> 'ok') INTO failures FROM confiture.dry_run(script);
      IF failures > 0 THEN
        RAISE EXCEPTION 'the benchmark migration failed in dry_run';
      END IF;
      method := 'confiture.dry_run';
    END IF;
    INSERT INTO bench_times VALUES (method, 1000 * extract(epoch FROM clock_timestamp() - started));
  END LOOP;
END
$bench$;

WITH medians AS (
  SELECT method, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench_times GROUP BY method
), plain AS (
  SELECT ms AS plain_ms FROM medians WHERE method = 'plain, rolled back'
)
SELECT method, round(ms::numeric, 1) AS median_ms,
       round(((ms - plain_ms) / (SELECT count(*) FROM bench_migration))::numeric, 1)
         AS extra_ms_per_statement,
       round((ms / plain_ms)::numeric, 3) AS ratio_to_plain
FROM medians, plain ORDER BY method DESC;
