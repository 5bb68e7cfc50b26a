-- migrate overhead: a migration of over a second on a 1,000,000-row table (a column type
-- change that rewrites it, an index build, a validated CHECK), applied by confiture.migrate
-- with 10 no-op hooks (two in each phase of a successful run), against the same statements
-- sent plainly (BEGIN, the statements, ROLLBACK). Both are rolled back so the table is the
-- same for every run; runs alternate; median of 15 each (I/O makes single runs vary by 5%).
\set ON_ERROR_STOP on
\set runs 15
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
\set method 'SELECT 1 WHERE confiture.migrate(''B%1$s'', ''bench'', %2$L) ->> ''status'' = ''applied'''
\set label 'migrate with 10 hooks, rolled back'
\ir compare_to_plain.sql

-- The fixed cost of migrate itself, without I/O to blur it: a one-statement migration that
-- touches no table, median of 21 each.
TRUNCATE bench_migration;
INSERT INTO bench_migration VALUES (1, 'SELECT 1');
\set runs 21
\ir compare_to_plain.sql

SELECT count(confiture.unregister_hook(name)) AS hooks_unregistered
FROM confiture.hooks WHERE name LIKE 'noop\_%';
DROP FUNCTION bench_noop_hook(jsonb);
DROP TABLE bench_accounts;
