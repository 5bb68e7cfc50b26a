-- confiture.dry_run against the truth: for each of many single statements, the locks and the
-- storage rewrites that PostgreSQL itself shows when the statement runs, read from pg_locks and
-- pg_class by a harness that knows nothing of Confiture, compared with what dry_run reports.
--
-- The rules are those of dry_run's documentation: relation locks of this backend in this
-- database on relations with OID >= 16384, strongest mode per relation, reported when the
-- relation was not locked before the statement or is now locked in a stronger mode; TOAST
-- relations and relations that existed neither before nor after the statement (the transient
-- copy of a rewrite) left out; a relation is rewritten when it existed before and after and its
-- relfilenode changed. Every case runs in a transaction of its own (a procedure commits between
-- cases), so the only locks it sees are its own.

-- Timestamps: timestamp -> timestamptz rewrites the table unless the session's TimeZone is UTC.
SET TimeZone = 'PST8PDT';

------------------------------------------------------------------------------------------------
-- The fixture, committed before any case runs.
------------------------------------------------------------------------------------------------
CREATE ROLE confiture_truth_owner;
CREATE SCHEMA truth;
CREATE SCHEMA truth_other;
CREATE TYPE truth.mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN truth.positive AS integer CHECK (VALUE > 0);
CREATE SEQUENCE truth.counter;
CREATE FUNCTION truth.touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;

CREATE TABLE truth.customers (
    id serial PRIMARY KEY,
    email varchar(100) NOT NULL UNIQUE,
    name text,
    mood truth.mood DEFAULT 'ok',
    created_at timestamp DEFAULT '2024-01-01 00:00',
    score numeric(8,2) NOT NULL DEFAULT 0,
    code text,
    note text,
    bio text
);
-- Long biographies stored out of line, so that the table has TOAST data.
ALTER TABLE truth.customers ALTER COLUMN bio SET STORAGE EXTERNAL;
CREATE UNIQUE INDEX customers_code_idx ON truth.customers (code);
CREATE INDEX customers_lower_name_idx ON truth.customers (lower(name));
CREATE TRIGGER customers_touch BEFORE UPDATE ON truth.customers
    FOR EACH ROW EXECUTE FUNCTION truth.touch();

CREATE TABLE truth.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id int NOT NULL REFERENCES truth.customers (id),
    amount numeric(10,2) NOT NULL,
    qty truth.positive,
    status text NOT NULL DEFAULT 'new',
    placed_at timestamp NOT NULL
);
CREATE INDEX orders_customer_idx ON truth.orders (customer_id);
ALTER TABLE truth.orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;
CREATE POLICY orders_visible ON truth.orders USING (amount > 0);

CREATE TABLE truth.products (sku text PRIMARY KEY, title text NOT NULL, price numeric(10,2));
CREATE TABLE truth.items (
    order_id bigint NOT NULL REFERENCES truth.orders (id) ON DELETE CASCADE,
    sku text NOT NULL,
    qty int NOT NULL DEFAULT 1
);
ALTER TABLE truth.items ADD CONSTRAINT items_sku_fkey
    FOREIGN KEY (sku) REFERENCES truth.products (sku) NOT VALID;

CREATE TABLE truth.reviews (id int PRIMARY KEY, customer_id int NOT NULL REFERENCES truth.customers (id), stars int);
CREATE TABLE truth.audit (id int NOT NULL, happened_at timestamptz NOT NULL DEFAULT '2024-01-01', what text);
CREATE TABLE truth.parent_log (id int);
CREATE UNLOGGED TABLE truth.scratch (id int PRIMARY KEY, payload text);
CREATE TABLE truth_other.leftover (id int PRIMARY KEY);

CREATE TABLE truth.events (id int NOT NULL, at date NOT NULL, payload text) PARTITION BY RANGE (at);
CREATE TABLE truth.events_2023 PARTITION OF truth.events FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE truth.events_2024 PARTITION OF truth.events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE INDEX events_at_idx ON truth.events (at);
CREATE TABLE truth.events_2025 (id int NOT NULL, at date NOT NULL, payload text);
CREATE TABLE truth.events_2026 (id int NOT NULL, at date NOT NULL, payload text,
    CONSTRAINT events_2026_range CHECK (at >= '2026-01-01' AND at < '2027-01-01'));

CREATE VIEW truth.customer_orders AS
    SELECT c.id, c.name, o.amount FROM truth.customers c JOIN truth.orders o ON o.customer_id = c.id;
CREATE VIEW truth.big_orders AS SELECT * FROM truth.orders WHERE amount > 100;
CREATE MATERIALIZED VIEW truth.order_totals AS
    SELECT customer_id, sum(amount) AS total, count(*) AS orders FROM truth.orders GROUP BY customer_id;
CREATE UNIQUE INDEX order_totals_customer_idx ON truth.order_totals (customer_id);

INSERT INTO truth.customers (email, name, mood, score, code, note, bio)
SELECT 'c' || i || '@example.com', 'Customer ' || i, (ARRAY['sad', 'ok', 'happy'])[1 + i % 3]::truth.mood,
       i % 100, i::text, 'note ' || i,
       CASE WHEN i % 10 = 0 THEN (SELECT string_agg(md5(i::text || j), '') FROM generate_series(1, 100) j) END
FROM generate_series(1, 300) i;
INSERT INTO truth.orders (customer_id, amount, qty, status, placed_at)
SELECT 1 + i % 299, i % 500 + 0.5, 1 + i % 5, (ARRAY['new', 'paid', 'done'])[1 + i % 3],
       '2024-01-01'::timestamp + i * interval '1 hour'
FROM generate_series(1, 1000) i;
INSERT INTO truth.products SELECT 'sku-' || i, 'Product ' || i, i FROM generate_series(1, 50) i;
INSERT INTO truth.items SELECT 1 + i % 1000, 'sku-' || (1 + i % 50), 1 + i % 3 FROM generate_series(1, 2000) i;
INSERT INTO truth.reviews SELECT i, 1 + i % 299, i % 5 FROM generate_series(1, 400) i;
INSERT INTO truth.audit (id, what) SELECT i, 'event ' || i FROM generate_series(1, 100) i;
INSERT INTO truth.scratch SELECT i, 'p' || i FROM generate_series(1, 50) i;
INSERT INTO truth.events SELECT i, '2023-01-01'::date + i % 700, 'payload ' || i FROM generate_series(1, 500) i;
INSERT INTO truth.events_2025 SELECT i, '2025-01-01'::date + i % 365, 'p' FROM generate_series(1, 50) i;
INSERT INTO truth.events_2026 SELECT i, '2026-01-01'::date + i % 365, 'p' FROM generate_series(1, 50) i;
REFRESH MATERIALIZED VIEW truth.order_totals;
-- Fresh statistics.
VACUUM ANALYZE truth.customers, truth.orders, truth.products, truth.items, truth.reviews, truth.audit,
    truth.scratch, truth.events, truth.events_2025, truth.events_2026, truth.order_totals;

------------------------------------------------------------------------------------------------
-- The cases: one statement each, every one of which succeeds on the fixture.
------------------------------------------------------------------------------------------------
CREATE TABLE truth.cases (id serial PRIMARY KEY, sql text NOT NULL);
INSERT INTO truth.cases (sql) VALUES
-- ADD COLUMN
('ALTER TABLE truth.customers ADD COLUMN nickname text'),
('ALTER TABLE truth.customers ADD COLUMN visits int NOT NULL DEFAULT 0'),
('ALTER TABLE truth.customers ADD COLUMN seen_at timestamptz DEFAULT now()'),
('ALTER TABLE truth.customers ADD COLUMN lucky float8 DEFAULT random()'),
('ALTER TABLE truth.customers ADD COLUMN token uuid DEFAULT gen_random_uuid()'),
('ALTER TABLE truth.customers ADD COLUMN seq_no serial'),
('ALTER TABLE truth.customers ADD COLUMN ident bigint GENERATED ALWAYS AS IDENTITY'),
('ALTER TABLE truth.customers ADD COLUMN email_upper text GENERATED ALWAYS AS (upper(email)) STORED'),
('ALTER TABLE truth.orders ADD COLUMN product_sku text REFERENCES truth.products (sku)'),
('ALTER TABLE truth.events ADD COLUMN source text DEFAULT ''web'''),
-- DROP COLUMN
('ALTER TABLE truth.customers DROP COLUMN note'),
('ALTER TABLE truth.customers DROP COLUMN name CASCADE'),
('ALTER TABLE truth.orders DROP COLUMN customer_id CASCADE'),
-- NOT NULL, DEFAULT
('ALTER TABLE truth.customers ALTER COLUMN name SET NOT NULL'),
('ALTER TABLE truth.customers ALTER COLUMN email DROP NOT NULL'),
('ALTER TABLE truth.events ALTER COLUMN payload SET NOT NULL'),
('ALTER TABLE truth.orders ALTER COLUMN status SET DEFAULT ''pending'''),
('ALTER TABLE truth.orders ALTER COLUMN status DROP DEFAULT'),
-- ALTER COLUMN TYPE
('ALTER TABLE truth.customers ALTER COLUMN email TYPE varchar(200)'),
('ALTER TABLE truth.customers ALTER COLUMN email TYPE text'),
('ALTER TABLE truth.customers ALTER COLUMN email TYPE varchar(50)'),
('ALTER TABLE truth.reviews ALTER COLUMN customer_id TYPE bigint'),
('ALTER TABLE truth.audit ALTER COLUMN id TYPE bigint'),
('ALTER TABLE truth.customers ALTER COLUMN score TYPE numeric(12,2)'),
('ALTER TABLE truth.customers ALTER COLUMN score TYPE numeric(10,4)'),
('ALTER TABLE truth.customers ALTER COLUMN code TYPE int USING code::int'),
('ALTER TABLE truth.customers ALTER COLUMN created_at TYPE timestamptz'),
('ALTER TABLE truth.customers ALTER COLUMN mood TYPE text'),
('ALTER TABLE truth.customers ALTER COLUMN bio TYPE varchar(10000)'),
('ALTER TABLE truth.items ALTER COLUMN qty TYPE bigint'),
('ALTER TABLE truth.events ALTER COLUMN id TYPE bigint'),
('ALTER TABLE truth.products ALTER COLUMN title TYPE varchar(80)'),
-- constraints
('ALTER TABLE truth.customers ADD CONSTRAINT customers_score_nonneg CHECK (score >= 0)'),
('ALTER TABLE truth.customers ADD CONSTRAINT customers_score_small CHECK (score < 1000000) NOT VALID'),
('ALTER TABLE truth.customers ADD CONSTRAINT customers_name_key UNIQUE (name)'),
('ALTER TABLE truth.customers ADD CONSTRAINT customers_code_key UNIQUE USING INDEX customers_code_idx'),
('ALTER TABLE truth.audit ADD PRIMARY KEY (id)'),
('ALTER TABLE truth.audit ADD CONSTRAINT audit_customer_fkey FOREIGN KEY (id) REFERENCES truth.customers (id)'),
('ALTER TABLE truth.audit ADD CONSTRAINT audit_customer_fkey FOREIGN KEY (id) REFERENCES truth.customers (id) NOT VALID'),
('ALTER TABLE truth.orders VALIDATE CONSTRAINT orders_amount_positive'),
('ALTER TABLE truth.items VALIDATE CONSTRAINT items_sku_fkey'),
('ALTER TABLE truth.orders DROP CONSTRAINT orders_amount_positive'),
('ALTER TABLE truth.orders DROP CONSTRAINT orders_customer_id_fkey'),
('ALTER TABLE truth.products DROP CONSTRAINT products_pkey CASCADE'),
('ALTER TABLE truth.events ADD CONSTRAINT events_id_positive CHECK (id > 0)'),
('ALTER TABLE truth.customers ADD CONSTRAINT customers_email_excl EXCLUDE USING btree (email WITH =)'),
-- statistics, storage, options
('ALTER TABLE truth.customers ALTER COLUMN email SET STATISTICS 500'),
('ALTER TABLE truth.customers ALTER COLUMN bio SET STORAGE MAIN'),
('ALTER TABLE truth.customers ALTER COLUMN bio SET COMPRESSION pglz'),
('ALTER TABLE truth.customers ALTER COLUMN code SET (n_distinct = -1)'),
('ALTER TABLE truth.orders SET (fillfactor = 70)'),
('ALTER TABLE truth.orders SET (autovacuum_vacuum_scale_factor = 0.01)'),
('ALTER TABLE truth.orders RESET (fillfactor)'),
('ALTER TABLE truth.orders CLUSTER ON orders_customer_idx'),
('ALTER TABLE truth.orders SET WITHOUT CLUSTER'),
-- triggers
('ALTER TABLE truth.customers DISABLE TRIGGER customers_touch'),
('ALTER TABLE truth.customers ENABLE ALWAYS TRIGGER customers_touch'),
('ALTER TABLE truth.customers DISABLE TRIGGER USER'),
('ALTER TABLE truth.orders DISABLE TRIGGER ALL'),
-- renames
('ALTER TABLE truth.customers RENAME COLUMN name TO full_name'),
('ALTER TABLE truth.audit RENAME TO audit_log'),
('ALTER TABLE truth.orders RENAME CONSTRAINT orders_amount_positive TO orders_amount_gt_zero'),
('ALTER TABLE truth.customers RENAME CONSTRAINT customers_pkey TO customers_pk'),
('ALTER VIEW truth.customer_orders RENAME TO customer_order_lines'),
('ALTER VIEW truth.customer_orders RENAME COLUMN amount TO order_amount'),
('ALTER MATERIALIZED VIEW truth.order_totals RENAME TO order_sums'),
-- persistence
('ALTER TABLE truth.scratch SET LOGGED'),
('ALTER TABLE truth.audit SET UNLOGGED'),
-- partitions
('ALTER TABLE truth.events ATTACH PARTITION truth.events_2025 FOR VALUES FROM (''2025-01-01'') TO (''2026-01-01'')'),
('ALTER TABLE truth.events ATTACH PARTITION truth.events_2026 FOR VALUES FROM (''2026-01-01'') TO (''2027-01-01'')'),
('ALTER TABLE truth.events DETACH PARTITION truth.events_2023'),
('CREATE TABLE truth.events_2027 PARTITION OF truth.events FOR VALUES FROM (''2027-01-01'') TO (''2028-01-01'')'),
('CREATE TABLE truth.events_default PARTITION OF truth.events DEFAULT'),
-- owner, replica identity, row security, inheritance, schema, identity
('ALTER TABLE truth.audit OWNER TO confiture_truth_owner'),
('ALTER TABLE truth.customers OWNER TO confiture_truth_owner'),
('ALTER TABLE truth.orders REPLICA IDENTITY FULL'),
('ALTER TABLE truth.customers REPLICA IDENTITY USING INDEX customers_email_key'),
('ALTER TABLE truth.orders ENABLE ROW LEVEL SECURITY'),
('ALTER TABLE truth.audit INHERIT truth.parent_log'),
('ALTER TABLE truth.audit SET SCHEMA truth_other'),
('ALTER TABLE truth.orders ALTER COLUMN id RESTART WITH 5000'),
('ALTER TABLE truth.orders ALTER COLUMN id SET GENERATED BY DEFAULT'),
('ALTER TABLE truth.audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY'),
('ALTER TABLE IF EXISTS truth.missing ADD COLUMN a int'),
-- several subcommands in one ALTER TABLE
('ALTER TABLE truth.customers ADD COLUMN tier int, ALTER COLUMN score TYPE numeric(12,2), DROP COLUMN note'),
('ALTER TABLE truth.orders ADD COLUMN priority int DEFAULT 1, ALTER COLUMN status SET DEFAULT ''queued'', SET (fillfactor = 80)'),
('ALTER TABLE truth.customers ADD COLUMN ranking float8 DEFAULT random(), ALTER COLUMN code TYPE bigint USING code::bigint, ADD CONSTRAINT customers_score_chk CHECK (score >= 0)'),
('ALTER TABLE truth.products ALTER COLUMN price SET NOT NULL, ADD CONSTRAINT products_price_chk CHECK (price > 0) NOT VALID'),
-- indexes
('CREATE INDEX orders_placed_idx ON truth.orders (placed_at)'),
('CREATE UNIQUE INDEX customers_lower_email_idx ON truth.customers (lower(email))'),
('CREATE INDEX orders_new_idx ON truth.orders (placed_at) WHERE status = ''new'''),
('CREATE INDEX events_id_idx ON truth.events (id)'),
('CREATE INDEX orders_placed_brin ON truth.orders USING brin (placed_at)'),
('CREATE INDEX order_totals_total_idx ON truth.order_totals (total)'),
('CREATE INDEX IF NOT EXISTS orders_customer_idx ON truth.orders (customer_id)'),
('DROP INDEX truth.orders_customer_idx'),
('DROP INDEX truth.events_at_idx'),
('REINDEX INDEX truth.orders_customer_idx'),
('REINDEX TABLE truth.customers'),
('REINDEX INDEX truth.events_2023_at_idx'),
('ALTER INDEX truth.orders_customer_idx RENAME TO orders_by_customer'),
('ALTER INDEX truth.orders_customer_idx SET (fillfactor = 50)'),
('ALTER INDEX truth.customers_lower_name_idx ALTER COLUMN 1 SET STATISTICS 200'),
-- TRUNCATE
('TRUNCATE truth.audit'),
('TRUNCATE truth.orders CASCADE'),
('TRUNCATE truth.customers RESTART IDENTITY CASCADE'),
('TRUNCATE truth.events'),
('TRUNCATE truth.scratch'),
-- DROP
('DROP TABLE truth.audit'),
('DROP TABLE truth.customers CASCADE'),
('DROP TABLE truth.events'),
('DROP TABLE truth.events_2024'),
('DROP VIEW truth.customer_orders'),
('DROP MATERIALIZED VIEW truth.order_totals'),
('DROP SEQUENCE truth.counter'),
('DROP SCHEMA truth_other CASCADE'),
-- triggers, policies, rules, comments
('CREATE TRIGGER orders_touch BEFORE INSERT OR UPDATE ON truth.orders FOR EACH ROW EXECUTE FUNCTION truth.touch()'),
('CREATE TRIGGER events_touch BEFORE UPDATE ON truth.events FOR EACH ROW EXECUTE FUNCTION truth.touch()'),
('CREATE CONSTRAINT TRIGGER audit_check AFTER INSERT ON truth.audit DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION truth.touch()'),
('DROP TRIGGER customers_touch ON truth.customers'),
('CREATE POLICY orders_big ON truth.orders FOR SELECT USING (amount > 100)'),
('ALTER POLICY orders_visible ON truth.orders USING (amount >= 0)'),
('DROP POLICY orders_visible ON truth.orders'),
('CREATE RULE audit_no_delete AS ON DELETE TO truth.audit DO INSTEAD NOTHING'),
('COMMENT ON TABLE truth.orders IS ''Orders placed by customers'''),
('COMMENT ON COLUMN truth.orders.amount IS ''Total in EUR'''),
('COMMENT ON INDEX truth.orders_customer_idx IS ''Foreign key lookups'''),
('COMMENT ON CONSTRAINT orders_amount_positive ON truth.orders IS ''Checked for new rows only'''),
-- sequences
('ALTER SEQUENCE truth.counter RESTART WITH 100'),
('ALTER SEQUENCE truth.counter INCREMENT BY 5'),
('ALTER SEQUENCE truth.counter OWNED BY truth.audit.id'),
('ALTER SEQUENCE truth.customers_id_seq AS bigint'),
('ALTER SEQUENCE truth.counter RENAME TO counter2'),
('CREATE SEQUENCE truth.fresh'),
('SELECT nextval(''truth.counter'')'),
('SELECT setval(''truth.counter'', 42)'),
-- domains and enums
('ALTER DOMAIN truth.positive ADD CONSTRAINT positive_small CHECK (VALUE < 1000000)'),
('ALTER DOMAIN truth.positive ADD CONSTRAINT positive_small CHECK (VALUE < 1000000) NOT VALID'),
('ALTER DOMAIN truth.positive SET NOT NULL'),
('ALTER TYPE truth.mood ADD VALUE ''ecstatic'''),
('ALTER TYPE truth.mood RENAME VALUE ''ok'' TO ''fine'''),
-- materialized views, CLUSTER
('REFRESH MATERIALIZED VIEW truth.order_totals'),
('REFRESH MATERIALIZED VIEW CONCURRENTLY truth.order_totals'),
('REFRESH MATERIALIZED VIEW truth.order_totals WITH NO DATA'),
('CLUSTER truth.orders USING orders_pkey'),
('CLUSTER truth.customers USING customers_pkey'),
-- LOCK TABLE in each mode
('LOCK TABLE truth.audit IN ACCESS SHARE MODE'),
('LOCK TABLE truth.audit IN ROW SHARE MODE'),
('LOCK TABLE truth.audit IN ROW EXCLUSIVE MODE'),
('LOCK TABLE truth.audit IN SHARE UPDATE EXCLUSIVE MODE'),
('LOCK TABLE truth.audit IN SHARE MODE'),
('LOCK TABLE truth.audit IN SHARE ROW EXCLUSIVE MODE'),
('LOCK TABLE truth.audit IN EXCLUSIVE MODE'),
('LOCK TABLE truth.audit IN ACCESS EXCLUSIVE MODE'),
('LOCK TABLE truth.events IN SHARE MODE'),
('LOCK TABLE truth.customer_orders IN ACCESS SHARE MODE'),
('LOCK TABLE truth.customers, truth.orders IN EXCLUSIVE MODE'),
-- DML and reads
('INSERT INTO truth.audit (id, what) VALUES (1000, ''x'')'),
('INSERT INTO truth.orders (customer_id, amount, qty, placed_at) VALUES (1, 10, 1, ''2024-06-01'')'),
('UPDATE truth.orders SET amount = amount + 1 WHERE id <= 10'),
('UPDATE truth.customers SET score = score + 1 WHERE id = 5'),
('DELETE FROM truth.items WHERE order_id <= 10'),
('DELETE FROM truth.orders WHERE id <= 10'),
('DELETE FROM truth.customers WHERE id = 300'),
('SELECT * FROM truth.orders WHERE id = 1 FOR UPDATE'),
('SELECT * FROM truth.orders WHERE id = 1 FOR SHARE'),
('SELECT * FROM truth.orders WHERE id = 1 FOR KEY SHARE'),
('SELECT count(*) FROM truth.orders'),
('SELECT * FROM truth.customer_orders WHERE id = 1'),
('INSERT INTO truth.events (id, at, payload) VALUES (1, ''2024-05-01'', ''x'')'),
('UPDATE truth.events SET payload = ''y'' WHERE at = ''2023-03-01'''),
('MERGE INTO truth.products p USING (VALUES (''sku-1'', ''New'', 9.99), (''sku-new'', ''New'', 1)) v (sku, title, price) ON p.sku = v.sku WHEN MATCHED THEN UPDATE SET price = v.price WHEN NOT MATCHED THEN INSERT VALUES (v.sku, v.title, v.price)'),
('INSERT INTO truth.products VALUES (''sku-1'', ''Dup'', 1) ON CONFLICT (sku) DO UPDATE SET price = excluded.price'),
('UPDATE truth.big_orders SET status = ''big'' WHERE id = 150'),
('INSERT INTO truth.scratch SELECT g, ''p'' FROM generate_series(1000, 1010) g'),
('WITH moved AS (DELETE FROM truth.audit WHERE id < 10 RETURNING *) INSERT INTO truth.scratch SELECT id + 5000, what FROM moved'),
-- new tables and views
('CREATE TABLE truth.customers_copy (LIKE truth.customers INCLUDING ALL)'),
('CREATE TABLE truth.orders_archive AS SELECT * FROM truth.orders WHERE status = ''done'''),
('CREATE TABLE truth.notes (id serial PRIMARY KEY, customer_id int REFERENCES truth.customers, body text)'),
('CREATE UNLOGGED TABLE truth.products_copy AS TABLE truth.products WITH NO DATA'),
('CREATE VIEW truth.recent_orders AS SELECT * FROM truth.orders WHERE placed_at > ''2024-01-20'''),
('CREATE OR REPLACE VIEW truth.customer_orders AS SELECT c.id, c.name, o.amount, o.status FROM truth.customers c JOIN truth.orders o ON o.customer_id = c.id'),
('CREATE MATERIALIZED VIEW truth.customer_moods AS SELECT mood, count(*) FROM truth.customers GROUP BY mood'),
-- ANALYZE, statistics, privileges, a DO block
('ANALYZE truth.orders'),
('ANALYZE truth.events'),
('ANALYZE truth.customers (email, score)'),
('CREATE STATISTICS truth.orders_stats ON customer_id, status FROM truth.orders'),
('GRANT SELECT ON truth.orders TO confiture_truth_owner'),
('REVOKE ALL ON truth.customers FROM PUBLIC'),
('DO $$BEGIN EXECUTE ''ALTER TABLE truth.audit ADD COLUMN via_do int''; END$$');

------------------------------------------------------------------------------------------------
-- The harness.
------------------------------------------------------------------------------------------------
-- PostgreSQL's table lock modes, weakest first.
CREATE FUNCTION truth.lock_modes() RETURNS text[] LANGUAGE sql IMMUTABLE
RETURN ARRAY['AccessShareLock', 'RowShareLock', 'RowExclusiveLock', 'ShareUpdateExclusiveLock',
             'ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'];

-- {oid: strength} of the relation locks this backend holds now, strongest mode per relation.
CREATE FUNCTION truth.held_locks() RETURNS jsonb LANGUAGE sql VOLATILE
RETURN (SELECT coalesce(jsonb_object_agg(relation::text, strength), '{}')
        FROM (SELECT l.relation, max(array_position(truth.lock_modes(), l.mode)) AS strength
              FROM pg_locks l
              WHERE l.pid = pg_backend_pid() AND l.locktype = 'relation' AND l.granted
                AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                AND l.relation >= 16384
              GROUP BY l.relation) held);

-- {oid: {name, schema, filenode}} of every relation with OID >= 16384 now.
CREATE FUNCTION truth.relations() RETURNS jsonb LANGUAGE sql VOLATILE
RETURN (SELECT coalesce(jsonb_object_agg(c.oid::text, jsonb_build_object(
                   'name', quote_ident(n.nspname) || '.' || quote_ident(c.relname),
                   'schema', n.nspname, 'filenode', c.relfilenode)), '{}')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.oid >= 16384);

-- What `statement` really does: {"locks": [{relation, mode}...], "rewritten": [...]}, both
-- sorted, read around the statement in a subtransaction that the final RAISE rolls back.
CREATE FUNCTION truth.observe(statement text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    locks_before jsonb;
    rels_before jsonb;
    locks_after jsonb;
    rels_after jsonb;
    result jsonb;
    detail text;
BEGIN
    BEGIN
        locks_before := truth.held_locks();
        rels_before := truth.relations();
        EXECUTE statement;
        locks_after := truth.held_locks();
        rels_after := truth.relations();
        SELECT jsonb_build_object(
            'locks', coalesce((
                SELECT jsonb_agg(jsonb_build_object('relation', rel->>'name',
                                                    'mode', (truth.lock_modes())[a.value::int])
                                 ORDER BY rel->>'name' COLLATE "C", (truth.lock_modes())[a.value::int] COLLATE "C")
                FROM jsonb_each(locks_after) a
                LEFT JOIN jsonb_each(locks_before) b ON b.key = a.key
                CROSS JOIN LATERAL (SELECT coalesce(rels_after -> a.key, rels_before -> a.key) AS rel) r
                WHERE (b.value IS NULL OR b.value::int < a.value::int)
                  AND rel IS NOT NULL AND rel->>'schema' <> 'pg_toast'), '[]'),
            'rewritten', coalesce((
                SELECT jsonb_agg(aft.value->>'name' ORDER BY aft.value->>'name' COLLATE "C")
                FROM jsonb_each(rels_after) aft
                JOIN jsonb_each(rels_before) bef ON bef.key = aft.key
                WHERE aft.value->>'schema' <> 'pg_toast'
                  AND aft.value->'filenode' <> bef.value->'filenode'), '[]'))
        INTO result;
        RAISE EXCEPTION USING ERRCODE = 'CFTRU', MESSAGE = 'observed', DETAIL = result::text;
    EXCEPTION
        WHEN SQLSTATE 'CFTRU' THEN
            GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
            RETURN detail::jsonb;
        WHEN OTHERS THEN
            RETURN jsonb_build_object('error', SQLSTATE || ': ' || SQLERRM);
    END;
END
$$;

-- What confiture.dry_run reports for `statement` alone, in the same shape.
CREATE FUNCTION truth.confiture(statement text) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    rows int := 0;
    report record;
BEGIN
    FOR report IN SELECT * FROM confiture.dry_run(statement) LOOP
        rows := rows + 1;
        IF report.status <> 'ok' THEN
            RETURN jsonb_build_object('error', report.status || ' ' || report.sqlstate || ': ' || report.message);
        END IF;
    END LOOP;
    IF rows <> 1 THEN
        RETURN jsonb_build_object('error', rows || ' rows');
    END IF;
    RETURN jsonb_build_object(
        'locks', coalesce((SELECT jsonb_agg(jsonb_build_object('relation', l->>'relation', 'mode', l->>'mode')
                                            ORDER BY l->>'relation' COLLATE "C", l->>'mode' COLLATE "C")
                           FROM jsonb_array_elements(report.locks) l), '[]'),
        'rewritten', coalesce((SELECT jsonb_agg(r ORDER BY r COLLATE "C")
                               FROM unnest(report.rewritten) r), '[]'));
END
$$;

-- One result as rows: each relation named, with its lock mode(s) and "rewritten" if it was.
CREATE FUNCTION truth.describe(result jsonb) RETURNS TABLE (relation text, what text)
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    SELECT '(error)', result->>'error' WHERE result ? 'error'
    UNION ALL
    SELECT name, concat_ws(', ', (SELECT string_agg(l->>'mode', ', ' ORDER BY l->>'mode' COLLATE "C")
                                  FROM jsonb_array_elements(result->'locks') l
                                  WHERE l->>'relation' = name),
                           CASE WHEN result->'rewritten' ? name THEN 'rewritten' END)
    FROM (SELECT l->>'relation' FROM jsonb_array_elements(result->'locks') l
          UNION
          SELECT r FROM jsonb_array_elements_text(result->'rewritten') r) names (name)
    WHERE NOT result ? 'error';
END;

-- Where two results differ, relation by relation (or as a whole, if they differ only in order
-- or repetition).
CREATE FUNCTION truth.differences(truth jsonb, dry_run jsonb)
RETURNS TABLE (relation text, truth_saw text, dry_run_reported text)
LANGUAGE sql IMMUTABLE
BEGIN ATOMIC
    WITH per_relation AS (
        SELECT coalesce(t.relation, d.relation) AS relation, t.what AS truth_saw, d.what AS dry_run_reported
        FROM truth.describe(truth) t FULL JOIN truth.describe(dry_run) d ON d.relation = t.relation
        WHERE t.what IS DISTINCT FROM d.what
    )
    SELECT * FROM per_relation
    UNION ALL
    SELECT '(whole result)', truth::text, dry_run::text
    WHERE truth IS DISTINCT FROM dry_run AND NOT EXISTS (SELECT FROM per_relation);
END;

CREATE TABLE truth.results (id int PRIMARY KEY, truth jsonb NOT NULL, confiture jsonb NOT NULL);

-- Each case in transactions of its own: the harness, then dry_run. Sequences matter here:
-- nextval, setval and reading a sequence's position take RowExclusiveLock on it for the whole
-- top-level transaction (the lock survives the rollback of the subtransaction that took it), so
-- cases sharing a transaction would hide each other's sequence locks.
CREATE PROCEDURE truth.run_cases() LANGUAGE plpgsql AS $$
DECLARE
    last int;
    statement text;
    observed jsonb;
    reported jsonb;
BEGIN
    SELECT max(id) INTO last FROM truth.cases;
    FOR i IN 1..last LOOP
        SELECT sql INTO statement FROM truth.cases WHERE id = i;
        COMMIT;
        observed := truth.observe(statement);
        COMMIT;
        reported := truth.confiture(statement);
        COMMIT;
        INSERT INTO truth.results VALUES (i, observed, reported);
        COMMIT;
    END LOOP;
END
$$;

CALL truth.run_cases();

------------------------------------------------------------------------------------------------
-- The verdict.
------------------------------------------------------------------------------------------------
-- Every case ran and succeeded, under the harness and under dry_run.
SELECT count(*) AS cases,
       count(*) FILTER (WHERE NOT truth ? 'error') AS observed,
       count(*) FILTER (WHERE NOT confiture ? 'error') AS dry_run_ok,
       count(*) FILTER (WHERE truth = confiture) AS matching
FROM truth.results;

-- Cases where dry_run does not report what PostgreSQL did, relation by relation (expected: none).
-- Known today: a sequence locked in RowExclusiveLock or weaker is not reported, because dry_run
-- reads every sequence's position before the first statement, which already holds
-- RowExclusiveLock on every sequence until the caller's transaction ends.
SELECT c.id, c.sql, d.relation, d.truth_saw, d.dry_run_reported
FROM truth.cases c JOIN truth.results r USING (id)
CROSS JOIN LATERAL truth.differences(r.truth, r.confiture) d
ORDER BY c.id, d.relation COLLATE "C";

-- The cases cover something: how many take each strongest lock, and how many rewrite.
SELECT mode, count(*) AS cases
FROM (SELECT (SELECT max(array_position(truth.lock_modes(), l->>'mode'))
              FROM jsonb_array_elements(truth->'locks') l) AS strength
      FROM truth.results) s
LEFT JOIN LATERAL (SELECT coalesce((truth.lock_modes())[strength], 'none') AS mode) m ON true
GROUP BY strength, mode
ORDER BY strength NULLS FIRST;
SELECT count(*) FILTER (WHERE jsonb_array_length(truth->'rewritten') > 0) AS cases_that_rewrite
FROM truth.results;

-- A sample of what PostgreSQL does, as the harness saw it (under TimeZone PST8PDT): each
-- relation a statement locked or rewrote. Widening a varchar rebuilds the column's index as a
-- new relation of the same name that takes over the old one's storage: two relations locked
-- under one name, nothing rewritten. Changing the referencing column of a foreign key drops and
-- re-adds the constraint, which takes AccessExclusiveLock on the referenced table.
SELECT CASE WHEN row_number() OVER (PARTITION BY c.id ORDER BY d.relation COLLATE "C") = 1 THEN c.sql END AS statement,
       d.relation, d.what
FROM truth.cases c JOIN truth.results r USING (id)
CROSS JOIN LATERAL truth.describe(r.truth) d
WHERE c.sql IN (
    'ALTER TABLE truth.customers ADD COLUMN visits int NOT NULL DEFAULT 0',
    'ALTER TABLE truth.customers ADD COLUMN lucky float8 DEFAULT random()',
    'ALTER TABLE truth.customers ALTER COLUMN email TYPE varchar(200)',
    'ALTER TABLE truth.customers ALTER COLUMN created_at TYPE timestamptz',
    'ALTER TABLE truth.reviews ALTER COLUMN customer_id TYPE bigint',
    'ALTER TABLE truth.audit ADD CONSTRAINT audit_customer_fkey FOREIGN KEY (id) REFERENCES truth.customers (id) NOT VALID',
    'ALTER TABLE truth.items VALIDATE CONSTRAINT items_sku_fkey',
    'ALTER TABLE truth.events ATTACH PARTITION truth.events_2025 FOR VALUES FROM (''2025-01-01'') TO (''2026-01-01'')',
    'CREATE INDEX orders_placed_idx ON truth.orders (placed_at)',
    'TRUNCATE truth.customers RESTART IDENTITY CASCADE',
    'REFRESH MATERIALIZED VIEW CONCURRENTLY truth.order_totals',
    'ALTER DOMAIN truth.positive ADD CONSTRAINT positive_small CHECK (VALUE < 1000000)',
    'ALTER SEQUENCE truth.counter INCREMENT BY 5',
    'SELECT count(*) FROM truth.orders')
ORDER BY c.id, d.relation COLLATE "C";

-- The session's TimeZone decides whether timestamp -> timestamptz rewrites: under UTC the two
-- types store the same values and only the catalog changes.
SET TimeZone = 'UTC';
SELECT truth.observe('ALTER TABLE truth.customers ALTER COLUMN created_at TYPE timestamptz') -> 'rewritten' AS utc_truth,
       truth.confiture('ALTER TABLE truth.customers ALTER COLUMN created_at TYPE timestamptz') -> 'rewritten' AS utc_dry_run;
RESET TimeZone;

DROP SCHEMA truth, truth_other CASCADE;
DROP ROLE confiture_truth_owner;
