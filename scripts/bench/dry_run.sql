-- dry_run overhead: a migration on a 1,000,000-row table (a table rewrite, an index build, a
-- constraint validation) run by confiture.dry_run, against the same statements run plainly in
-- a transaction that is rolled back (a PL/pgSQL exception block), measured in the same run,
-- alternating, median of 6 each. Prints both medians and the ratio.
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
  FOR run IN 1..12 LOOP
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
)
SELECT method, round(ms::numeric, 1) AS median_ms,
       round((ms / (SELECT ms FROM medians WHERE method = 'plain, rolled back'))::numeric, 3) AS ratio_to_plain
FROM medians ORDER BY method DESC;

DROP TABLE bench_orders;
