-- confiture.assess_risk against the truth: for each of many single statements, the locks and
-- the rewrites that assess_risk predicts without running anything, compared with what
-- PostgreSQL itself shows when the statement runs, read from pg_locks and relfilenodes by a
-- harness that knows nothing of Confiture. The statements are the dry_run truth suite's and the
-- ones below; each runs in a transaction of its own (a procedure commits between cases), since
-- a sequence locked by nextval stays locked until the top-level transaction ends.
--
-- The comparison follows assess_risk's documented conventions: locks on relations that existed
-- before the statement, strongest mode per relation, named as before the statement; an index
-- only when its lock is stronger than its table's; TOAST left out. "Rewrites" is whether any
-- relation that existed before and after got new storage.

\i fixtures/truth.sql

-- A product no item references, a sequence of its own for a default, and a table with an
-- index for CLUSTER.
INSERT INTO truth.products VALUES ('sku-free', 'Free', 0);
CREATE SEQUENCE truth.ticket;
ANALYZE truth.products;

-- Cases of assess_risk's own, beyond the dry_run suite's: a type change of each coercibility
-- class, defaults of each volatility, and statements the dry_run suite leaves out.
INSERT INTO truth.cases (sql) VALUES
('ALTER TABLE truth.customers ALTER COLUMN email TYPE varchar(100)'),
('ALTER TABLE truth.customers ALTER COLUMN score TYPE numeric'),
('ALTER TABLE truth.customers ALTER COLUMN score TYPE numeric(8,1)'),
('ALTER TABLE truth.customers ALTER COLUMN note TYPE varchar(20)'),
('ALTER TABLE truth.customers ALTER COLUMN note TYPE varchar'),
('ALTER TABLE truth.customers ALTER COLUMN code TYPE varchar(64)'),
('ALTER TABLE truth.reviews ALTER COLUMN id TYPE bigint'),
('ALTER TABLE truth.customers ALTER COLUMN score TYPE float8'),
('ALTER TABLE truth.items ALTER COLUMN qty TYPE smallint'),
('ALTER TABLE truth.audit ALTER COLUMN happened_at TYPE date'),
('ALTER TABLE truth.audit ALTER COLUMN happened_at TYPE timestamp'),
('ALTER TABLE truth.audit ALTER COLUMN what TYPE varchar(10) USING what'),
('ALTER TABLE truth.audit ALTER COLUMN what TYPE truth.positive USING length(what)'),
('ALTER TABLE truth.customers ADD COLUMN created_on date DEFAULT current_date'),
('ALTER TABLE truth.customers ADD COLUMN stamp timestamptz DEFAULT clock_timestamp()'),
('ALTER TABLE truth.customers ADD COLUMN tag text DEFAULT upper(''x'')'),
('ALTER TABLE truth.customers ADD COLUMN ratio numeric DEFAULT 1.5 NOT NULL'),
('ALTER TABLE truth.customers ADD COLUMN next_no bigint DEFAULT nextval(''truth.ticket'')'),
('ALTER TABLE truth.customers ADD COLUMN level truth.positive'),
('ALTER TABLE truth.customers ADD COLUMN labels text[] DEFAULT ''{}'''),
('ALTER TABLE ONLY truth.events ALTER COLUMN payload SET DEFAULT ''none'''),
('ALTER TABLE truth.orders ADD CONSTRAINT orders_status_chk CHECK (status <> '''') NOT VALID, VALIDATE CONSTRAINT orders_amount_positive'),
('ALTER TABLE truth.reviews ADD CONSTRAINT reviews_stars_chk CHECK (stars BETWEEN 0 AND 5)'),
('ALTER TABLE truth.reviews ALTER COLUMN stars SET NOT NULL'),
('ALTER TABLE truth.reviews DROP CONSTRAINT reviews_customer_id_fkey'),
('ALTER TABLE truth.customers ALTER COLUMN code SET STORAGE EXTERNAL'),
('ALTER TABLE truth.orders NO FORCE ROW LEVEL SECURITY'),
('ALTER TABLE truth.customers DISABLE ROW LEVEL SECURITY'),
('ALTER TABLE truth.items SET WITHOUT CLUSTER'),
('ALTER MATERIALIZED VIEW truth.order_totals SET (fillfactor = 90)'),
('ALTER VIEW truth.big_orders SET (security_barrier = true)'),
('ALTER VIEW truth.big_orders ALTER COLUMN status SET DEFAULT ''x'''),
('ALTER INDEX truth.customers_code_idx RESET (fillfactor)'),
('COMMENT ON VIEW truth.big_orders IS ''Orders over 100'''),
('COMMENT ON MATERIALIZED VIEW truth.order_totals IS ''Totals'''),
('COMMENT ON SEQUENCE truth.counter IS ''A counter'''),
('COMMENT ON SCHEMA truth IS ''The fixture'''),
('REINDEX TABLE truth.orders'),
('TRUNCATE truth.items, truth.reviews'),
('DROP INDEX truth.customers_lower_name_idx'),
('DROP TABLE truth.items'),
('DROP TABLE truth.reviews, truth.audit'),
('DROP VIEW truth.big_orders'),
('CREATE INDEX ON truth.items (sku)'),
('CREATE UNIQUE INDEX reviews_customer_stars_idx ON truth.reviews (customer_id, id) WHERE stars > 0'),
('CREATE TABLE truth.tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL UNIQUE)'),
('CREATE TABLE truth.order_tags (order_id bigint REFERENCES truth.orders, tag text, PRIMARY KEY (order_id, tag))'),
('CREATE TABLE truth.audit_child () INHERITS (truth.audit)'),
('CREATE VIEW truth.product_titles AS SELECT sku, title FROM truth.products'),
('CREATE MATERIALIZED VIEW truth.big_totals AS SELECT * FROM truth.order_totals WHERE total > 100 WITH NO DATA'),
('LOCK TABLE truth.orders IN SHARE ROW EXCLUSIVE MODE'),
('LOCK TABLE truth.big_orders IN ROW EXCLUSIVE MODE'),
('LOCK TABLE ONLY truth.events IN ACCESS EXCLUSIVE MODE'),
('DELETE FROM truth.reviews WHERE id < 5'),
('DELETE FROM truth.products WHERE sku = ''sku-free'''),
('UPDATE truth.customers SET id = id + 1000 WHERE id = 300'),
('UPDATE truth.items SET sku = ''sku-2'' WHERE order_id = 3'),
('UPDATE truth.reviews SET stars = 5'),
('INSERT INTO truth.reviews (id, customer_id, stars) VALUES (10000, 1, 5)'),
('INSERT INTO truth.items (order_id, sku) SELECT id, ''sku-1'' FROM truth.orders WHERE id < 3'),
('SELECT c.name, count(*) FROM truth.customers c JOIN truth.reviews r ON r.customer_id = c.id GROUP BY c.name'),
('SELECT * FROM truth.big_orders FOR UPDATE'),
('CLUSTER truth.reviews USING reviews_pkey'),
('ALTER SEQUENCE truth.counter START WITH 10'),
('ALTER SEQUENCE truth.counter CACHE 10'),
('ALTER TYPE truth.mood ADD VALUE ''meh'' BEFORE ''ok'''),
('ALTER DOMAIN truth.positive DROP NOT NULL'),
('ALTER DOMAIN truth.positive SET DEFAULT 1'),
('GRANT SELECT ON ALL TABLES IN SCHEMA truth TO confiture_truth_owner'),
('CREATE FUNCTION truth.answer() RETURNS int LANGUAGE sql RETURN 42'),
('CREATE TYPE truth.size AS ENUM (''s'', ''m'', ''l'')'),
('CREATE SCHEMA truth_more');

-- What `statement` really does: {"locks": ["relation mode", ...], "rewrites": bool}.
CREATE FUNCTION truth.observe_risk(statement text) RETURNS jsonb LANGUAGE sql VOLATILE
RETURN (SELECT CASE WHEN o ? 'error' THEN o ELSE jsonb_build_object(
            'locks', coalesce((
                SELECT jsonb_agg((rel->>'name') || ' ' || (truth.lock_modes())[a.value::int]
                                 ORDER BY rel->>'name' COLLATE "C")
                FROM jsonb_each(o->'locks_after') a
                LEFT JOIN jsonb_each(o->'locks_before') b ON b.key = a.key
                CROSS JOIN LATERAL (SELECT o->'relations_before'->a.key AS rel) r
                WHERE (b.value IS NULL OR b.value::int < a.value::int)
                  AND rel IS NOT NULL AND rel->>'schema' <> 'pg_toast'
                  AND NOT (rel->>'kind' IN ('i', 'I')
                           AND coalesce((o->'locks_after'->>(rel->>'table'))::int, 0) >= a.value::int)), '[]'),
            'rewrites', EXISTS (
                SELECT FROM jsonb_each(o->'relations_after') aft
                JOIN jsonb_each(o->'relations_before') bef ON bef.key = aft.key
                WHERE aft.value->>'schema' <> 'pg_toast'
                  AND aft.value->'filenode' <> bef.value->'filenode')) END
        FROM truth.around(statement) o);

-- What confiture.assess_risk predicts for `statement`, in the same shape.
CREATE FUNCTION truth.predict(statement text) RETURNS jsonb LANGUAGE sql STABLE
RETURN (SELECT jsonb_build_object(
            'locks', coalesce((SELECT jsonb_agg((l->>'relation') || ' ' || (l->>'mode') ORDER BY l->>'relation' COLLATE "C")
                               FROM jsonb_array_elements(r.locks) l), '[]'),
            'rewrites', r.rewrites_table)
        FROM confiture.assess_risk(statement) r);

CREATE TABLE truth.risk_results (id int PRIMARY KEY, observed jsonb NOT NULL, predicted jsonb);

-- Statements whose locks PostgreSQL decides at run time, which a static analysis cannot know:
-- a DO block (the statements it will execute are strings), rows routed to or pruned from
-- partitions of a partitioned table.
CREATE TABLE truth.run_time_cases AS
SELECT id FROM truth.cases
WHERE sql LIKE 'DO %'
   OR sql IN ('INSERT INTO truth.events (id, at, payload) VALUES (1, ''2024-05-01'', ''x'')',
              'UPDATE truth.events SET payload = ''y'' WHERE at = ''2023-03-01''');

CREATE PROCEDURE truth.run_risk_cases() LANGUAGE plpgsql AS $$
DECLARE
    c record;
    observed jsonb;
BEGIN
    FOR c IN SELECT id, sql FROM truth.cases WHERE id NOT IN (SELECT id FROM truth.run_time_cases)
             ORDER BY id LOOP
        COMMIT;
        observed := truth.observe_risk(c.sql);
        COMMIT;
        INSERT INTO truth.risk_results VALUES (c.id, observed, truth.predict(c.sql));
    END LOOP;
END
$$;

CALL truth.run_risk_cases();

------------------------------------------------------------------------------------------------
-- The verdict.
------------------------------------------------------------------------------------------------
-- Every case ran and succeeded under the harness; how many assess_risk predicted exactly.
SELECT count(*) AS cases,
       count(*) FILTER (WHERE NOT observed ? 'error') AS observed,
       count(*) FILTER (WHERE observed = predicted) AS matching
FROM truth.risk_results;

-- Cases where the prediction differs from what PostgreSQL did (expected: none).
SELECT c.id, c.sql, r.observed, r.predicted
FROM truth.cases c JOIN truth.risk_results r USING (id)
WHERE r.observed IS DISTINCT FROM r.predicted
ORDER BY c.id;

-- The cases cover something: how many take each strongest lock, and how many rewrite.
SELECT coalesce(split_part(l.lock, ' ', 2), 'none') AS strongest_lock, count(*) AS cases
FROM truth.risk_results r
LEFT JOIN LATERAL (SELECT lock FROM jsonb_array_elements_text(r.observed->'locks') lock
                   ORDER BY array_position(truth.lock_modes(), split_part(lock, ' ', 2)) DESC LIMIT 1) l ON true
GROUP BY 1 ORDER BY array_position(truth.lock_modes(), coalesce(split_part(l.lock, ' ', 2), 'none')) NULLS FIRST;
SELECT count(*) FILTER (WHERE (observed->>'rewrites')::boolean) AS cases_that_rewrite FROM truth.risk_results;

-- A sample of what assess_risk says, as a user sees it.
SELECT statement, action, target, lock_mode, rewrites_table, risk_level
FROM truth.cases c, confiture.assess_risk(c.sql)
WHERE c.sql IN (
    'ALTER TABLE truth.customers ALTER COLUMN email TYPE varchar(200)',
    'ALTER TABLE truth.customers ALTER COLUMN score TYPE numeric(10,4)',
    'ALTER TABLE truth.customers ADD COLUMN seen_at timestamptz DEFAULT now()',
    'ALTER TABLE truth.customers ADD COLUMN lucky float8 DEFAULT random()',
    'ALTER TABLE truth.items VALIDATE CONSTRAINT items_sku_fkey',
    'ALTER TABLE truth.events ATTACH PARTITION truth.events_2025 FOR VALUES FROM (''2025-01-01'') TO (''2026-01-01'')',
    'REINDEX TABLE truth.customers',
    'DELETE FROM truth.customers WHERE id = 300')
ORDER BY c.id;

-- Under UTC, timestamp -> timestamptz keeps the stored values: no rewrite, and assess_risk,
-- which asks the server's own coercion planning, agrees.
SET TimeZone = 'UTC';
SELECT truth.observe_risk('ALTER TABLE truth.customers ALTER COLUMN created_at TYPE timestamptz') -> 'rewrites' AS utc_truth,
       truth.predict('ALTER TABLE truth.customers ALTER COLUMN created_at TYPE timestamptz') -> 'rewrites' AS utc_predicted;
RESET TimeZone;

DROP SCHEMA truth, truth_other CASCADE;
DROP ROLE confiture_truth_owner;
