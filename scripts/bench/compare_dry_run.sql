-- Shared by the dry_run benchmarks: runs the statements of table bench_migration :runs times
-- plainly (BEGIN, the statements one by one, ROLLBACK: how a migration tool sends them) and
-- :runs times through one confiture.dry_run call, alternating, each run in a transaction of its
-- own, and prints both medians, the extra time per statement and the ratio.
CREATE TEMP TABLE bench_times (method text, ms float8);
CREATE TEMP TABLE bench_clock (started timestamptz);
INSERT INTO bench_clock VALUES (now());

-- \gexec runs each cell as a statement of its own, in the order generated; their output is
-- not the benchmark's.
\o /dev/null
SELECT cell
FROM generate_series(1, :runs) AS run,
     LATERAL (
       SELECT 1 AS part, 'UPDATE bench_clock SET started = clock_timestamp()' AS cell
       UNION ALL SELECT 2, 'BEGIN'
       UNION ALL SELECT 3, string_agg(sql, ';' ORDER BY statement_no) FROM bench_migration
       UNION ALL SELECT 4, 'ROLLBACK'
       UNION ALL SELECT 5, 'INSERT INTO bench_times SELECT ''plain, rolled back'', '
                           '1000 * extract(epoch FROM clock_timestamp() - started) FROM bench_clock'
       UNION ALL SELECT 6, 'UPDATE bench_clock SET started = clock_timestamp()'
       UNION ALL SELECT 7, format('SELECT count(*) FROM confiture.dry_run(%L) HAVING count(*) FILTER (WHERE status <> ''ok'') = 0',
                                  (SELECT string_agg(sql, E';\n' ORDER BY statement_no) FROM bench_migration))
       UNION ALL SELECT 8, 'INSERT INTO bench_times SELECT ''confiture.dry_run'', '
                           '1000 * extract(epoch FROM clock_timestamp() - started) FROM bench_clock'
     ) AS cells
ORDER BY run, part \gexec
\o

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
