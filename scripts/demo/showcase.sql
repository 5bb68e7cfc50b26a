-- What Confiture shows on the demo schema. Each capability adds its part here.
\pset footer off
\set VERBOSITY default

\echo
\echo '=== confiture.version(): the library loaded in this backend'
SELECT confiture.version();

\echo
\echo '=== confiture.split_statements(): a migration cut where the server would cut it'
\echo '    (comments are not statements; BEGIN/COMMIT are; a function body keeps its semicolons)'
SELECT statement_no, start_offset, statement
FROM confiture.split_statements($migration$
-- V12: a status on invoices, kept up to date by a trigger
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE invoices ADD COLUMN status text;  -- nullable first, backfilled later
CREATE FUNCTION invoices_default_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.status := coalesce(NEW.status, 'draft');
  RETURN NEW;
END;
$$;
CREATE TRIGGER invoices_default_status BEFORE INSERT ON invoices
  FOR EACH ROW EXECUTE FUNCTION invoices_default_status();
COMMIT;
CREATE INDEX CONCURRENTLY invoices_order_id_idx ON invoices (order_id);
$migration$);

\echo
\echo '=== A syntax error is the server''s own message, placed in the script'
SELECT * FROM confiture.split_statements(E'BEGIN;\nCREAT INDEX orders_created_at_idx ON orders (created_at);\nCOMMIT;');

\echo
\echo '=== psql meta-commands are not SQL, and Confiture says so'
SELECT * FROM confiture.split_statements(E'\\set ON_ERROR_STOP on\nALTER TABLE orders ADD COLUMN note text;');

\echo
\echo '=== confiture.dry_run(): a migration run for real, one statement at a time, then rolled back'
\echo '    V13 adds a verified flag and makes emails unique. Nothing in its text says it fails; the'
\echo '    data does: users.email repeats. The dry run names the failing statement with the real'
\echo '    SQLSTATE, and what follows is not_run.'
SELECT $migration$
ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
$migration$ AS v13,
$migration$
ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
CREATE UNIQUE INDEX users_tenant_id_email_key ON users (tenant_id, lower(email));
$migration$ AS v13_per_tenant,
$migration$
CREATE INDEX orders_user_id_idx ON orders (user_id);
UPDATE orders o SET user_id = d.keep
  FROM (SELECT id, min(id) OVER (PARTITION BY tenant_id, lower(email)) AS keep FROM users) d
  WHERE o.user_id = d.id AND d.id <> d.keep;
DELETE FROM users u USING users k
  WHERE k.tenant_id = u.tenant_id AND lower(k.email) = lower(u.email) AND k.id < u.id;
ALTER TABLE users ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN email_key text
  GENERATED ALWAYS AS (lower(email)) STORED;
CREATE UNIQUE INDEX users_tenant_id_email_key
  ON users (tenant_id, email_key);
$migration$ AS v13_fixed,
$migration$
CREATE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id);
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
$migration$ AS v13_concurrently \gset
\x on
SELECT statement_no, statement, status, sqlstate, message, locks, created
FROM confiture.dry_run(:'v13');
\x off

\echo
\echo '=== V13 fixed: merge duplicate accounts first, then unique per tenant and case-insensitive'
\echo '    Every statement is ok. Per statement: rows, the locks it adds (strongest new mode per'
\echo '    relation; "new" for relations the run created) and the relations it rewrote.'
SELECT statement_no AS "#", split_part(statement, E'\n', 1) AS "statement (first line)",
       status, rows_affected AS rows,
       (SELECT string_agg(concat(l->>'mode', ' ', l->>'relation',
                                 CASE WHEN l ? 'created_in_run' THEN ' (new)' END), E'\n')
        FROM jsonb_array_elements(locks) AS l) AS locks,
       array_to_string(rewritten, E'\n') AS rewritten
FROM confiture.dry_run(:'v13_fixed');

\echo
\echo '=== confiture.dry_run_summary(): the verdict as one JSON value, for a deploy gate'
\echo '    Unique per tenant without merging fails too: addresses repeat inside their own tenant.'
SELECT version, s->'would_succeed' AS would_succeed,
       s->'first_failure'->>'statement_no' AS failed_at,
       s->'first_failure'->>'sqlstate' AS sqlstate,
       s->'strongest_lock'->>'relation' AS strongest_lock_on,
       s->'strongest_lock'->>'mode' AS mode,
       s->'strongest_lock'->>'acquired_by_statement' AS from_statement
FROM (VALUES ('v13', :'v13'), ('v13_per_tenant', :'v13_per_tenant'),
             ('v13_fixed', :'v13_fixed')) AS v (version, migration),
     LATERAL confiture.dry_run_summary(v.migration) AS s;

\echo
\echo '=== CONCURRENTLY cannot run inside a transaction: skipped, or simulated by the plain form'
\echo '    With "simulate_concurrently" the unique index fails on the duplicates as it would in'
\echo '    production, and the lock shown is the one the concurrent form takes.'
\x on
SELECT o.simulate_concurrently, d.statement_no, d.status, d.sqlstate, d.message, d.locks
FROM (VALUES (false), (true)) AS o (simulate_concurrently),
     LATERAL confiture.dry_run(:'v13_concurrently',
                               jsonb_build_object('simulate_concurrently', o.simulate_concurrently,
                                                  'stop_on_error', false)) AS d;
\x off

\echo
\echo '=== confiture.assess_risk(): what a migration will lock and rewrite, without running it'
\echo '    V14, written the quick way. Each statement: the lock it takes on the real tables, whether'
\echo '    it rewrites or scans them while the lock is held, the estimate from their real size, the'
\echo '    risk, and the rules it breaks.'
SELECT $migration$
ALTER TABLE order_items ADD CONSTRAINT order_items_quantity_positive CHECK (quantity > 0);
CREATE INDEX order_items_order_id_idx ON order_items (order_id);
ALTER TABLE invoices ALTER COLUMN issued_at SET NOT NULL;
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
ALTER TABLE order_items ALTER COLUMN quantity TYPE bigint;
$migration$ AS v14,
$migration$
SET lock_timeout = '2s';
SET statement_timeout = '15min';
ALTER TABLE order_items ADD CONSTRAINT order_items_quantity_positive CHECK (quantity > 0) NOT VALID;
ALTER TABLE order_items VALIDATE CONSTRAINT order_items_quantity_positive;
CREATE INDEX CONCURRENTLY order_items_order_id_idx ON order_items (order_id);
ALTER TABLE invoices ADD CONSTRAINT invoices_issued_at_not_null CHECK (issued_at IS NOT NULL) NOT VALID;
ALTER TABLE invoices VALIDATE CONSTRAINT invoices_issued_at_not_null;
ALTER TABLE invoices ALTER COLUMN issued_at SET NOT NULL;
ALTER TABLE invoices DROP CONSTRAINT invoices_issued_at_not_null;
ALTER TABLE orders ADD COLUMN public_id uuid;
$migration$ AS v14_safe \gset
SELECT statement_no AS "#", action, target, lock_mode, rewrites_table AS rewrites,
       scans_table AS scans, est_rows, est_duration_ms AS est_ms, risk_level AS risk,
       (SELECT string_agg(f->>'rule', E'\n') FROM jsonb_array_elements(findings) AS f) AS rules
FROM confiture.assess_risk(:'v14');

\echo
\echo '=== Each finding carries the safe way to do the same thing, as runnable SQL'
SELECT statement_no AS "#", f->>'rule' AS rule, f->>'safe_alternative' AS safe_alternative
FROM confiture.assess_risk(:'v14'), jsonb_array_elements(findings) AS f
WHERE f ? 'safe_alternative' AND f->>'rule' NOT IN ('missing_lock_timeout', 'missing_statement_timeout')
ORDER BY 1;

\echo
\echo '=== V14 rewritten with those alternatives (the bigint change left for an expand/contract release):'
\echo '    long work under weak locks only, every lock bounded by lock_timeout'
SELECT statement_no AS "#", action, lock_mode, scans_table AS scans, transactional, risk_level AS risk,
       (SELECT string_agg(f->>'rule', E'\n') FROM jsonb_array_elements(findings) AS f) AS rules
FROM confiture.assess_risk(:'v14_safe');

\echo
\echo '=== confiture.assess_risk_summary(): both versions as deploy-gate verdicts'
SELECT version, s->>'risk_level' AS risk, s->'strongest_lock'->>'mode' AS strongest_lock,
       s->'findings' AS findings, s->'est_duration_ms' AS est_ms
FROM (VALUES ('v14', :'v14'), ('v14_safe', :'v14_safe')) AS v (version, migration),
     LATERAL confiture.assess_risk_summary(v.migration) AS s;

\echo
\echo '=== confiture.lint(): the live schema checked against rules, errors first'
\echo '    The demo schema has deliberate design problems: a table without a primary key, foreign'
\echo '    keys without an index, a duplicate index, timestamps without time zone, ...'
SELECT rule, severity, object_name, left(message, 90) AS message
FROM confiture.lint(ARRAY['public'], min_severity => 'warning');

\echo
\echo '=== confiture.lint_report(): the same as a text report, with the SQL that fixes each finding'
SELECT confiture.lint_report('text', ARRAY['public'],
                             ARRAY['missing_primary_key', 'fk_without_index', 'duplicate_index']);

\echo
\echo '=== Configuration and exclusions: audit_log is append-only, by design without a primary key'
SELECT confiture.exclude('missing_primary_key', 'public.audit_log', 'append-only log') > 0 AS excluded;
SELECT confiture.configure_rule('prefer_timestamptz', severity => 'info') ->> 'severity' AS prefer_timestamptz;
SELECT severity, count(*) FROM confiture.lint(ARRAY['public']) GROUP BY severity ORDER BY severity;

\echo
\echo '=== Hooks: functions Confiture calls at the phases of every migration'
\echo '    An audit hook records each migration in audit_log; a guard refuses migrations that leave'
\echo '    orders without an amount. Both are plain SQL functions of one jsonb context.'
CREATE FUNCTION record_migration(context jsonb) RETURNS jsonb LANGUAGE sql AS $$
    INSERT INTO audit_log (action, payload)
    VALUES ((context ->> 'operation') || ' ' || (context ->> 'version'),
            json_build_object('tables', context -> 'tables', 'by', context ->> 'user'))
    RETURNING jsonb_build_object('audit_log_rows', (SELECT count(*) + 1 FROM audit_log))
$$;
CREATE FUNCTION orders_have_totals(context jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM orders WHERE total IS NULL OR total < 0) THEN
        RAISE EXCEPTION 'orders without a valid total' USING HINT = 'Repair the data before migrating.';
    END IF;
    RETURN jsonb_build_object('orders_checked', (SELECT count(*) FROM orders));
END
$$;
SELECT confiture.register_hook('audit', 'after_ddl', 'record_migration(jsonb)');
SELECT confiture.register_hook('orders_guard', 'after_validation', 'orders_have_totals(jsonb)',
                               priority => 10, timeout => '5s');
SELECT name, phase, priority, timeout, status FROM confiture.hooks;

\echo
\echo '=== confiture.migrate(): V14 refused by max_risk before anything runs'
SELECT confiture.migrate('V14', 'order items checks', :'v14', options => '{"max_risk": "medium"}');

\echo
\echo '=== V15, a change safe enough to run in one transaction: applied, with its hooks'
SELECT $migration$
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN public_id uuid;
COMMENT ON COLUMN orders.public_id IS 'Identifier shown to customers';
$migration$ AS v15 \gset
SELECT r ->> 'status' AS status, r -> 'statements' AS statements, r -> 'risk' ->> 'risk_level' AS risk,
       jsonb_path_query_array(r, '$.steps[*].step') AS steps,
       jsonb_pretty(jsonb_path_query_array(r, '$.hook_results[*] ? (@.status == "completed")')
                    #- '{0,duration_ms}' #- '{1,duration_ms}') AS hooks
FROM confiture.migrate('V15', 'orders public id', :'v15',
                       'ALTER TABLE orders DROP COLUMN public_id;') AS r;
\echo '    Applying it again is a no-op; a changed script under the same version is refused.'
SELECT confiture.migrate('V15', 'orders public id', :'v15') ->> 'status' AS again;
SELECT confiture.migrate('V15', 'orders public id', 'ALTER TABLE orders ADD COLUMN public_id text;');

\echo
\echo '=== A failing guard: everything V16 did is rolled back; with on_error = record the attempt'
\echo '    is kept in confiture.migrations with the error and where it happened'
UPDATE orders SET total = -1 WHERE id = 1;
SELECT r ->> 'status' AS status, r -> 'error' ->> 'message' AS error, r -> 'error' -> 'failed_at' AS failed_at
FROM confiture.migrate('V16', 'orders currency', 'ALTER TABLE orders ADD COLUMN currency char(3);',
                       options => '{"on_error": "record"}') AS r;
SELECT to_regclass('orders') IS NOT NULL AS orders_still_there,
       EXISTS (SELECT FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'currency') AS currency_added;
SELECT version, name, status, error FROM confiture.status(ARRAY['V15', 'V16', 'V17']);
UPDATE orders SET total = 1 WHERE id = 1;

\echo
\echo '=== confiture.rollback(): V15 undone by its down script, with the hooks'
SELECT confiture.rollback('V15') ->> 'status' AS status;
SELECT action, payload::text FROM audit_log WHERE action ~ '^(migrate|rollback) ' ORDER BY at;

\echo
\echo '=== Structured logging: each event goes to the server log; here also to this client'
SET client_min_messages = log;
SET confiture.log_format = 'json';
SET confiture.log_min_level = 'debug';
SELECT confiture.migrate('V16', 'orders currency', 'ALTER TABLE orders ADD COLUMN currency char(3);') ->> 'status' AS status;
RESET client_min_messages;

\echo
\echo '=== Anonymization: a safe copy of users for staging, made inside the database'
\echo '    A keyed, deterministic mask per column: the same e-mail masks alike in every table and'
\echo '    run, so joins survive; one-to-one where values must stay distinct.'
RESET confiture.log_min_level;
SELECT confiture.set_anonymization_key('demo-only-key-' || md5('not for production'));
SELECT confiture.set_rule('users', 'email', 'mask_unique', '{"kind": "email"}');
SELECT confiture.set_rule('users', 'firstName', 'mask_name');
SELECT confiture.set_rule('users', 'created_at', 'mask_date_shift', '{"max_days": 15}');
SELECT "table", "column", strategy, options FROM confiture.anonymization_rules;
SELECT id, email, "firstName", created_at::date FROM users ORDER BY id LIMIT 3;
SELECT r -> 'rows' AS rows, r -> 'batches' AS batches, r -> 'columns' AS columns
FROM confiture.anonymize_table('users', 400) AS r;
SELECT id, email, "firstName", created_at::date FROM users ORDER BY id LIMIT 3;
\echo '    Verification: no original value left; free text elsewhere still checked for PII.'
SELECT * FROM confiture.verify_anonymization('users');
\echo '    A rule that would break a unique value is refused when declared:'
CREATE UNIQUE INDEX tenants_name_key ON tenants (name);
SELECT confiture.set_rule('tenants', 'name', 'mask_name');
