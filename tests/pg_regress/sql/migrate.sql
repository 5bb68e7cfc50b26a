-- The migration runner: a version is applied once, with hooks around its statements, recorded
-- in confiture.migrations, and rolled back with its down script.
CREATE SCHEMA shop;
CREATE TABLE shop.orders (id bigint PRIMARY KEY, total numeric NOT NULL);
CREATE TABLE shop.audit (version text, phase text, tables jsonb);
CREATE FUNCTION shop.audit_hook(context jsonb) RETURNS jsonb LANGUAGE sql AS $$
    INSERT INTO shop.audit VALUES (context ->> 'version', context ->> 'phase', context -> 'tables')
    RETURNING jsonb_build_object('audited', version)
$$;
CREATE FUNCTION shop.no_negative_totals(context jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM shop.orders WHERE total < 0) THEN
        RAISE EXCEPTION 'orders with a negative total' USING HINT = 'Fix the data first.';
    END IF;
END
$$;
SELECT confiture.register_hook('audit', 'after_ddl', 'shop.audit_hook(jsonb)');
SELECT confiture.register_hook('totals', 'after_validation', 'shop.no_negative_totals(jsonb)',
                               priority => 10, timeout => '5s');
SELECT name, phase, fn, priority, timeout, applies_to, enabled, source, status, refusal
FROM confiture.hooks ORDER BY phase, priority, name;

-- V1 is applied: its steps in order, the hooks that ran, what they returned.
SELECT r ->> 'status' AS status, r -> 'statements' AS statements,
       jsonb_path_query_array(r, '$.steps[*].step') AS steps,
       jsonb_path_query_array(r, '$.hook_results[*].result') AS hook_results
FROM confiture.migrate('V1', 'order status',
    $$ALTER TABLE shop.orders ADD status text;
      COMMENT ON COLUMN shop.orders.status IS 'Where the order is';$$,
    $$ALTER TABLE shop.orders DROP status;$$) AS r;
SELECT * FROM shop.audit;
-- The same script again is a no-op; a changed one is refused.
SELECT confiture.migrate('V1', 'order status',
    $$ALTER TABLE shop.orders ADD status text;
      COMMENT ON COLUMN shop.orders.status IS 'Where the order is';$$) ->> 'status' AS status;
SELECT confiture.migrate('V1', 'order status', 'ALTER TABLE shop.orders ADD status varchar(20);');

-- A failing hook: with on_error = 'record', the failure is returned and kept after COMMIT,
-- and nothing the migration did remains.
INSERT INTO shop.orders VALUES (1, -5);
SELECT r ->> 'status' AS status, r -> 'error' ->> 'message' AS message,
       r -> 'error' ->> 'hint' AS hint, r -> 'error' -> 'failed_at' AS failed_at
FROM confiture.migrate('V2', 'index totals', 'CREATE INDEX orders_total ON shop.orders (total);',
                       options => '{"on_error": "record"}') AS r;
SELECT to_regclass('shop.orders_total') AS index_created;
SELECT version, status, error ->> 'sqlstate' AS sqlstate, error ->> 'message' AS error
FROM confiture.migrations ORDER BY version;
-- By default the error is raised, with its SQLSTATE.
SELECT confiture.migrate('V2', 'index totals', 'CREATE INDEX orders_total ON shop.orders (total);');
-- Fixed data, and the failed version applies.
DELETE FROM shop.orders;
SELECT confiture.migrate('V2', 'index totals',
    'CREATE INDEX orders_total ON shop.orders (total);') ->> 'status' AS status;

-- A dry run runs everything, hooks included, and keeps nothing.
SELECT r ->> 'status' AS status, r -> 'rows' AS rows,
       jsonb_path_query_array(r, '$.hook_results[*].hook') AS hooks
FROM confiture.migrate('V3', 'seed', $$INSERT INTO shop.orders VALUES (1, 10), (2, 20);$$,
                       options => '{"dry_run": true}') AS r;
SELECT count(*) AS orders, (SELECT count(*) FROM confiture.migrations WHERE version = 'V3') AS recorded
FROM shop.orders;

-- max_risk refuses a migration that assess_risk rates above it.
SELECT confiture.migrate('V3', 'total as integer',
    'ALTER TABLE shop.orders ALTER total TYPE integer;', options => '{"max_risk": "medium"}');

-- applies_to: a hook for some migrations only; disabled hooks do not run.
SELECT confiture.register_hook('billing_audit', 'before_ddl', 'shop.audit_hook(jsonb)',
                               applies_to => '^billing');
SELECT confiture.enable_hook('totals', false);
SELECT jsonb_path_query_array(r, '$.hook_results[*].hook') AS hooks
FROM confiture.migrate('V3', 'billing: invoices', 'CREATE TABLE shop.invoices (id bigint PRIMARY KEY);',
                       'DROP TABLE shop.invoices;') AS r;

-- Rollback runs the down script, with hooks, and the version can be applied again.
SELECT confiture.rollback('V3') ->> 'status' AS status;
SELECT to_regclass('shop.invoices') AS invoices;
SELECT version, name, status, error FROM confiture.status(ARRAY['V1', 'V2', 'V3', 'V4']);
SELECT confiture.rollback('V3');
SELECT confiture.rollback('V2');

-- A hook shipped by another extension, declared in its function's comment.
CREATE EXTENSION confiture_sample_hooks;
SELECT confiture.discover_hooks();
SELECT name, phase, priority, timeout, source FROM confiture.hooks WHERE source = 'comment';
SELECT jsonb_path_query_first(
           r, '$.hook_results[*] ? (@.hook == "confiture_sample_hooks.record_tables").result'
       ) AS sample_hook
FROM confiture.migrate('V4', 'note', 'ALTER TABLE shop.orders ADD note text;') AS r;

-- Bad input.
SELECT confiture.migrate('V5', 'x', 'SELECT 1', options => '{"on_error": "ignore"}');
SELECT confiture.migrate(NULL, 'x', 'SELECT 1');
SELECT confiture.migrate('V5', 'x', 'BEGIN; CREATE TABLE shop.t (id int); COMMIT;');
SELECT confiture.migrate('V5', 'x', 'CREATE INDEX CONCURRENTLY ON shop.orders (note);');
SELECT confiture.migrate('V5', 'x', 'CREATE TABLE shop.t (id int');
SELECT confiture.register_hook('audit', 'cleanup', 'shop.audit_hook(jsonb)');
SELECT confiture.register_hook('x', 'cleanup', 'shop.audit_hook(jsonb)', timeout => '-1s');
SELECT confiture.register_hook('x', 'cleanup', 'pg_catalog.now()');
SELECT confiture.register_hook('x', 'on_success', 'shop.audit_hook(jsonb)');
SELECT confiture.unregister_hook('nope');
SELECT confiture.enable_hook('nope', true);

SELECT confiture.unregister_hook(name) FROM confiture.hooks;
DROP EXTENSION confiture_sample_hooks;
DELETE FROM confiture.migrations;
DROP SCHEMA shop CASCADE;
