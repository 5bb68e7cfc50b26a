-- migrate overhead: a migration of over a second on a 1,000,000-row table (a column type
-- change that rewrites it, an index build, a validated CHECK), applied by confiture.migrate
-- with 10 no-op hooks (two in each phase of a successful run), against the same statements
-- sent plainly (BEGIN, the statements, ROLLBACK). Both are rolled back so the table is the
-- same for every run; runs alternate; median of :runs each.
\set ON_ERROR_STOP on
\set runs 5
CREATE TABLE bench_accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id int NOT NULL,
  email text NOT NULL,
  balance int NOT NULL
);
INSERT INTO bench_accounts (owner_id, email, balance)
SELECT g % 50000, 'user' || g % 50000 || '@example.com', g % 1000
FROM generate_series(1, 1000000) AS g;
VACUUM ANALYZE bench_accounts;

CREATE FUNCTION bench_noop_hook(context jsonb) RETURNS void LANGUAGE sql AS $$ $$;
SELECT count(confiture.register_hook(format('noop_%s_%s', phase, n), phase::confiture.hook_phase,
                                     'bench_noop_hook(jsonb)'))
       AS hooks_registered
FROM unnest(ARRAY['before_validation', 'before_ddl', 'after_ddl', 'after_validation',
                  'cleanup']) AS phase,
     generate_series(1, 2) AS n;

CREATE TEMP TABLE bench_migration (statement_no int, sql text);
INSERT INTO bench_migration VALUES
  (1, 'ALTER TABLE bench_accounts ALTER COLUMN balance TYPE bigint'),
  (2, 'CREATE INDEX bench_accounts_email_idx ON bench_accounts (email)'),
  (3, 'ALTER TABLE bench_accounts ADD CONSTRAINT bench_accounts_balance_check CHECK (balance >= 0)');
CREATE TEMP TABLE bench_times (method text, ms float8);
CREATE TEMP TABLE bench_clock (started timestamptz);
INSERT INTO bench_clock VALUES (now());

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
       UNION ALL SELECT 7, 'BEGIN'
       UNION ALL SELECT 8, format(
                   'SELECT 1 WHERE confiture.migrate(%L, %L, %L) ->> ''status'' = ''applied''',
                   'B' || run, 'bench',
                   (SELECT string_agg(sql, E';\n' ORDER BY statement_no) FROM bench_migration))
       UNION ALL SELECT 9, 'ROLLBACK'
       UNION ALL SELECT 10, 'INSERT INTO bench_times SELECT ''migrate with 10 hooks, rolled back'', '
                           '1000 * extract(epoch FROM clock_timestamp() - started) FROM bench_clock'
     ) AS cells
ORDER BY run, part \gexec
\o

WITH medians AS (
  SELECT method, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms, count(*) AS runs
  FROM bench_times GROUP BY method
), plain AS (
  SELECT ms AS plain_ms FROM medians WHERE method = 'plain, rolled back'
)
SELECT method, runs, round(ms::numeric, 1) AS median_ms,
       round((ms - plain_ms)::numeric, 1) AS extra_ms,
       round((ms / plain_ms)::numeric, 3) AS ratio_to_plain
FROM medians, plain ORDER BY method DESC;

SELECT count(confiture.unregister_hook(name)) AS hooks_unregistered
FROM confiture.hooks WHERE name LIKE 'noop\_%';
DROP FUNCTION bench_noop_hook(jsonb);
DROP TABLE bench_accounts;
