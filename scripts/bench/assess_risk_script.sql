-- The schema and the migration of scripts/bench/assess_risk.sh: 100 tables that exist, with
-- rows, statistics, keys and indexes, so that assess_risk looks real relations up in the
-- catalog; and a deterministic 10,000-statement migration over them in
-- confiture_bench_risk.script (one row), which the shell script also writes to a file for squawk.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS confiture_bench_risk CASCADE;
CREATE SCHEMA confiture_bench_risk;
SET search_path = confiture_bench_risk;

CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);
INSERT INTO accounts SELECT g, 'user' || g || '@example.com' FROM generate_series(1, 10000) AS g;

-- Tables of different sizes (t<n> has 50 * n rows), so the size estimates differ.
SELECT format($t$
  CREATE TABLE t%1$s (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint,
    parent_id bigint,
    name varchar(100),
    amount numeric(12,2),
    status text,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX t%1$s_created_at_idx ON t%1$s (created_at);
  INSERT INTO t%1$s (account_id, parent_id, name, amount, status, created_at)
  SELECT g %% 10000 + 1, g, 'item ' || g, g %% 1000, (ARRAY['new', 'paid', 'done'])[g %% 3 + 1],
         '2019-01-01'::timestamptz + g * interval '1 hour'
  FROM generate_series(1, 50 * %1$s) AS g$t$, n)
FROM generate_series(1, 100) AS n
\gexec
ANALYZE;

-- Statement g works on table t<g % 100 + 1>, in a cycle of 20 kinds. The renames and index drops
-- refer to what an earlier statement of the cycle added (g - 16 added a column, g - 14 created
-- an index). Names are not qualified: the benchmark sets search_path, as a migration tool would.
CREATE TABLE script AS
SELECT string_agg(
         CASE g % 20
           WHEN 0 THEN 'SET lock_timeout = ''5s'''
           WHEN 1 THEN format('ALTER TABLE t%s ADD COLUMN c%s text', t, g)
           WHEN 2 THEN format('ALTER TABLE t%s ADD COLUMN c%s integer NOT NULL DEFAULT 0', t, g)
           WHEN 3 THEN format('ALTER TABLE t%s ADD COLUMN c%s timestamptz DEFAULT clock_timestamp()', t, g)
           WHEN 4 THEN format('CREATE INDEX CONCURRENTLY i%s ON t%s (account_id)', g, t)
           WHEN 5 THEN format('CREATE INDEX i%s ON t%s (status, created_at) WHERE status <> ''done''', g, t)
           WHEN 6 THEN format('ALTER TABLE t%s ALTER COLUMN amount TYPE numeric(14,2)', t)
           WHEN 7 THEN format('ALTER TABLE t%s ALTER COLUMN name TYPE varchar(200)', t)
           WHEN 8 THEN format('ALTER TABLE t%s ADD CONSTRAINT fk%s FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID', t, g)
           WHEN 9 THEN format('ALTER TABLE t%s ADD CONSTRAINT fk%s FOREIGN KEY (parent_id) REFERENCES t%s (id)', t, g, (g + 37) % 100 + 1)
           WHEN 10 THEN format('ALTER TABLE t%s ADD CONSTRAINT ck%s CHECK (amount >= 0) NOT VALID', t, g)
           WHEN 11 THEN format('ALTER TABLE t%s ADD CONSTRAINT ck%s CHECK (status IN (''new'', ''paid'', ''done''))', t, g)
           WHEN 12 THEN format('ALTER TABLE t%s ALTER COLUMN status SET NOT NULL', t)
           WHEN 13 THEN format('UPDATE t%s SET status = ''done'' WHERE id BETWEEN %s AND %s', t, g, g + 999)
           WHEN 14 THEN format('DELETE FROM t%s WHERE created_at < ''2019-02-01'' AND status = ''done''', t)
           WHEN 15 THEN format('CREATE TABLE new%s (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, t_id bigint REFERENCES t%s (id), payload jsonb)', g, t)
           WHEN 16 THEN format('COMMENT ON COLUMN t%s.amount IS %L', t, 'amount in euros, step ' || g)
           WHEN 17 THEN format('ALTER TABLE t%s RENAME COLUMN c%s TO c%s_old', (g - 16) % 100 + 1, g - 16, g - 16)
           WHEN 18 THEN format('DROP INDEX CONCURRENTLY i%s', g - 14)
           ELSE format('DROP INDEX i%s', g - 14)
         END, E';\n' ORDER BY g) || ';' AS script
FROM generate_series(1, 10000) AS g, LATERAL (SELECT g % 100 + 1 AS t) AS tables;
RESET search_path;
