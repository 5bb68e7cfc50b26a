-- split_statements on a 10,000-statement migration, against a naive split on ';' (wrong for
-- quotes and bodies, but the cheapest way to cut a script) measured in the same run.
-- Median of 7 runs each; prints statements per second and the ratio.
\set ON_ERROR_STOP on
CREATE TEMP TABLE bench_script AS
SELECT string_agg(
         CASE g % 5
           WHEN 0 THEN format('-- step %s%sALTER TABLE t%s ADD COLUMN c%s text DEFAULT %L', g, E'\n', g % 97, g, 'a;b')
           WHEN 1 THEN format('CREATE INDEX CONCURRENTLY i%s ON t%s (c%s) WHERE note <> %L', g, g % 97, g, '--')
           WHEN 2 THEN format('DO $do$ BEGIN PERFORM %s; RAISE NOTICE %L; END $do$', g, 'x;y')
           WHEN 3 THEN format('CREATE FUNCTION f%s() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT %s; SELECT %s; END', g, g, g + 1)
           ELSE format('UPDATE t%s SET c = c + 1 /* batch; %s */ WHERE id BETWEEN %s AND %s', g % 97, g, g, g + 100)
         END, E';\n') AS script
FROM generate_series(1, 10000) AS g;

CREATE TEMP TABLE bench_times (method text, ms float8, statements bigint);

DO $bench$
DECLARE
  script text := (SELECT script FROM bench_script);
  started timestamptz;
  n bigint;
BEGIN
  FOR run IN 1..7 LOOP
    started := clock_timestamp();
    SELECT count(*) INTO n FROM confiture.split_statements(script);
    INSERT INTO bench_times VALUES ('split_statements', 1000 * extract(epoch FROM clock_timestamp() - started), n);
    started := clock_timestamp();
    SELECT count(*) INTO n FROM regexp_split_to_table(script, ';') AS piece WHERE btrim(piece) <> '';
    INSERT INTO bench_times VALUES ('naive split on ;', 1000 * extract(epoch FROM clock_timestamp() - started), n);
  END LOOP;
END
$bench$;

WITH medians AS (
  SELECT method, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms, max(statements) AS statements
  FROM bench_times GROUP BY method
)
SELECT method, statements, round(ms::numeric, 1) AS median_ms,
       round((10000 / (ms / 1000))::numeric) AS statements_per_s,
       round((ms / (SELECT ms FROM medians WHERE method = 'naive split on ;'))::numeric, 2) AS ratio_to_naive
FROM medians ORDER BY method DESC;
