-- dry_run overhead: a migration on a 1,000,000-row table (a table rewrite, an index build, a
-- constraint validation) run by confiture.dry_run, against the same statements run plainly in
-- a transaction that is rolled back, measured in the same run (see compare_to_plain.sql),
-- median of 6 each.
\set ON_ERROR_STOP on
CREATE TABLE bench_orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int NOT NULL,
  email text NOT NULL,
  amount int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO bench_orders (customer_id, email, amount, created_at)
SELECT g % 50000, 'user' || g % 50000 || '@example.com', g % 1000,
       '2026-01-01'::timestamptz + g * interval '1 second'
FROM generate_series(1, 1000000) AS g;
VACUUM ANALYZE bench_orders;

CREATE TEMP TABLE bench_migration (statement_no int, sql text);
INSERT INTO bench_migration VALUES
  (1, 'ALTER TABLE bench_orders ALTER COLUMN amount TYPE bigint'),
  (2, 'CREATE INDEX bench_orders_email_idx ON bench_orders (email)'),
  (3, 'ALTER TABLE bench_orders ADD CONSTRAINT bench_orders_amount_check CHECK (amount >= 0) NOT VALID'),
  (4, 'ALTER TABLE bench_orders VALIDATE CONSTRAINT bench_orders_amount_check');

\set runs 6
\set method 'SELECT count(*) FROM confiture.dry_run(%2$L) HAVING count(*) FILTER (WHERE status <> ''ok'') = 0'
\set label 'confiture.dry_run'
\ir compare_to_plain.sql

DROP TABLE bench_orders;
