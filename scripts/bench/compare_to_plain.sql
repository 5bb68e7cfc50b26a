-- Shared by the dry_run and migrate benchmarks: runs the statements of table bench_migration
-- :runs times plainly (BEGIN, the statements one by one as a migration tool sends them,
-- ROLLBACK) and :runs times through :method, a format() template of one statement given the
-- run number (%1$s) and the script (%2$L), in a transaction rolled back too; alternating, each
-- measurement after a checkpoint so that neither pays for the other's dirty buffers. Prints
-- both medians, the extra time in all and per statement, and the ratio.
SET client_min_messages = warning;
DROP TABLE IF EXISTS pg_temp.bench_times, pg_temp.bench_clock;
CREATE TEMP TABLE bench_times (method text, ms float8);
CREATE TEMP TABLE bench_clock (started timestamptz);
INSERT INTO bench_clock VALUES (now());

-- \gexec runs each cell as a statement of its own, in the order generated; their output is
-- not the benchmark's.
\o /dev/null
SELECT cell
FROM generate_series(1, :runs) AS run,
     LATERAL (
       SELECT 0 AS part, 'CHECKPOINT' AS cell
       UNION ALL SELECT 1, 'UPDATE bench_clock SET started = clock_timestamp()'
       UNION ALL SELECT 2, 'BEGIN'
       UNION ALL SELECT 3, string_agg(sql, ';' ORDER BY statement_no) FROM bench_migration
       UNION ALL SELECT 4, 'ROLLBACK'
       UNION ALL SELECT 5, 'INSERT INTO bench_times SELECT ''plain, rolled back'', '
                           '1000 * extract(epoch FROM clock_timestamp() - started) FROM bench_clock'
       UNION ALL SELECT 6, 'CHECKPOINT'
       UNION ALL SELECT 7, 'UPDATE bench_clock SET started = clock_timestamp()'
       UNION ALL SELECT 8, 'BEGIN'
       UNION ALL SELECT 9, format(:'method', run,
                                  (SELECT string_agg(sql, E';\n' ORDER BY statement_no) FROM bench_migration))
       UNION ALL SELECT 10, 'ROLLBACK'
       UNION ALL SELECT 11, format('INSERT INTO bench_times SELECT %L, '
                                   '1000 * extract(epoch FROM clock_timestamp() - started) FROM bench_clock',
                                   :'label')
     ) AS cells
ORDER BY run, part \gexec
\o

WITH medians AS (
  SELECT method, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms, count(*) AS runs
  FROM bench_times GROUP BY method
), plain AS (
  SELECT ms AS plain_ms FROM medians WHERE method = 'plain, rolled back'
)
SELECT method, runs, round(ms::numeric, 1) AS median_ms, round((ms - plain_ms)::numeric, 1) AS extra_ms,
       round(((ms - plain_ms) / (SELECT count(*) FROM bench_migration))::numeric, 1)
         AS extra_ms_per_statement,
       round((ms / plain_ms)::numeric, 3) AS ratio_to_plain
FROM medians, plain ORDER BY method DESC;
