-- confiture.lint() as a user sees it: a schema with deliberate problems, what lint reports and
-- what it must not (known false positives), configuration, exclusions, reports, snapshots.
CREATE SCHEMA shop;
CREATE TABLE shop.tenants (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
COMMENT ON TABLE shop.tenants IS 'Customers of the platform';
CREATE TABLE shop.customers (
    id serial PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES shop.tenants,
    email text,
    password text,
    created_at timestamp DEFAULT now(),
    profile json
);
CREATE TABLE shop.orders (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id bigint NOT NULL REFERENCES shop.tenants,
    customer_id int NOT NULL REFERENCES shop.customers,
    total money
);
-- Covered by the composite primary key's prefix: not an unindexed foreign key.
CREATE TABLE shop.order_lines (
    order_id bigint REFERENCES shop.orders,
    line int,
    tenant_id bigint NOT NULL REFERENCES shop.tenants,
    PRIMARY KEY (order_id, line)
);
CREATE INDEX order_lines_tenant_idx ON shop.order_lines (tenant_id);
-- No primary key, and one declared append-only in its comment.
CREATE TABLE shop.events (at timestamptz, what text, tenant_id bigint);
CREATE TABLE shop.audit_log (at timestamptz, what text, tenant_id bigint);
COMMENT ON TABLE shop.audit_log IS 'Append-only. @confiture:ignore missing_primary_key';
-- Duplicate and redundant indexes; a unique prefix is not redundant.
CREATE INDEX customers_email_idx ON shop.customers (email);
CREATE INDEX customers_email_idx2 ON shop.customers (email);
CREATE INDEX customers_email_created_idx ON shop.customers (email, created_at);
CREATE UNIQUE INDEX orders_tenant_id_idx ON shop.orders (tenant_id, id);
CREATE INDEX orders_tenant_customer_idx ON shop.orders (tenant_id, customer_id);
-- A failed CREATE INDEX CONCURRENTLY leaves an invalid index.
INSERT INTO shop.tenants (name) VALUES ('a'), ('b');
INSERT INTO shop.customers (tenant_id, email) VALUES (1, 'x@example.com'), (1, 'x@example.com');
CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON shop.customers (email);
-- A partitioned table: its partitions are not reported for what their parent has.
CREATE TABLE shop.visits (tenant_id bigint NOT NULL, at date NOT NULL, PRIMARY KEY (tenant_id, at))
    PARTITION BY RANGE (at);
CREATE TABLE shop.visits_2024 PARTITION OF shop.visits FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
-- Security: a policy without row security, a SECURITY DEFINER function without search_path.
CREATE POLICY orders_by_tenant ON shop.orders USING (tenant_id = current_setting('app.tenant')::bigint);
CREATE FUNCTION shop.refund(order_id bigint) RETURNS void LANGUAGE sql SECURITY DEFINER
    AS $$UPDATE shop.orders SET total = 0 WHERE id = order_id$$;
-- Naming: a CamelCase table, a reserved word as a column.
CREATE TABLE shop."OrderNotes" (id int PRIMARY KEY, "user" text, tenant_id bigint);

-- Everything lint reports on shop, errors first.
SELECT rule, severity, object_type, object_name
FROM confiture.lint(ARRAY['shop'])
ORDER BY severity = 'error' DESC, severity = 'warning' DESC, rule, object_name;

-- Messages and remediations, for a few.
SELECT rule, object_name, message, remediation
FROM confiture.lint(ARRAY['shop'], ARRAY['missing_primary_key', 'fk_without_index', 'duplicate_index',
                                         'invalid_index', 'rls_policy_without_rls',
                                         'security_definer_without_search_path'])
ORDER BY rule, object_name;

-- Only errors.
SELECT rule, object_name FROM confiture.lint(ARRAY['shop'], min_severity => 'error') ORDER BY rule, object_name;

-- Configuration: a rule off, a severity changed, an option set; exclusions by pattern.
SELECT confiture.configure_rule('prefer_timestamptz', enabled => false);
SELECT confiture.configure_rule('missing_primary_key', severity => 'warning');
SELECT confiture.configure_rule('tenant_column_missing', options => '{"column": "tenant_id"}');
SELECT confiture.exclude('duplicate_index', 'shop.customers_email%', 'being replaced next release') > 0 AS excluded;
SELECT rule, severity, enabled, options FROM confiture.lint_rules()
WHERE rule IN ('prefer_timestamptz', 'missing_primary_key', 'tenant_column_missing') ORDER BY rule;
SELECT rule, severity, object_name FROM confiture.lint(ARRAY['shop'])
WHERE rule IN ('prefer_timestamptz', 'missing_primary_key', 'duplicate_index') ORDER BY rule, object_name;

-- A rule that fails (an invalid pattern) is a finding; the others still run.
SELECT confiture.configure_rule('table_naming', options => '{"pattern": "(["}');
SELECT rule, severity, object_name, message FROM confiture.lint(ARRAY['shop'])
WHERE rule IN ('lint_rule_failed', 'missing_primary_key') ORDER BY rule;
DELETE FROM confiture.lint_rule_config WHERE rule = 'table_naming';

-- Reports.
SELECT confiture.lint_report('text', ARRAY['shop'], min_severity => 'error');
SELECT confiture.lint_report('github', ARRAY['shop'], ARRAY['invalid_index']);
SELECT confiture.lint_report('junit', ARRAY['shop'], ARRAY['invalid_index']);
SELECT r->>'version' AS version, r->'runs'->0->'tool'->'driver'->>'name' AS tool,
       jsonb_array_length(r->'runs'->0->'results') AS results,
       r->'runs'->0->'results'->0->>'ruleId' AS first_rule
FROM (SELECT confiture.lint_report('sarif', ARRAY['shop'], ARRAY['invalid_index'])::jsonb AS r) s;
SELECT r->'counts' AS counts FROM (SELECT confiture.lint_report('json', ARRAY['shop'])::jsonb AS r) s;

-- Snapshots: what changed since the previous run.
SELECT s->'counts' AS counts, s->'new' AS new, s->'fixed' AS fixed
FROM (SELECT confiture.lint_snapshot() AS s) r;
DROP INDEX shop.customers_email_key;
ALTER TABLE shop.events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
SELECT jsonb_array_length(s->'new') AS new,
       (SELECT string_agg(f->>'rule' || ' ' || (f->>'object_name'), ', ' ORDER BY f->>'rule')
        FROM jsonb_array_elements(s->'fixed') f WHERE f->>'object_name' LIKE 'shop.%') AS fixed_in_shop
FROM (SELECT confiture.lint_snapshot() AS s) r;
SELECT change, rule, object_name
FROM confiture.lint_diff((SELECT min(id) FROM confiture.lint_runs), (SELECT max(id) FROM confiture.lint_runs))
WHERE object_name LIKE 'shop.%' ORDER BY change, rule, object_name;

-- New errors are announced with NOTIFY confiture_lint, heard here by a second session.
CREATE EXTENSION dblink;
SELECT dblink_connect('listener', format('host=%s port=%s dbname=%s user=%s',
  split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'),
  current_database(), current_user));
SELECT dblink_exec('listener', 'LISTEN confiture_lint');
CREATE TABLE shop.imports (id bigint PRIMARY KEY, password text);
SELECT f->>'severity' AS severity, f->>'rule' AS new_rule, f->>'object_name' AS object
FROM confiture.lint_snapshot() s, jsonb_array_elements(s->'new') f;
CREATE TEMP TABLE heard (channel text, payload jsonb);
DO $$
BEGIN
    FOR i IN 1..50 LOOP
        INSERT INTO heard SELECT notify_name, extra::jsonb FROM dblink_get_notify('listener');
        EXIT WHEN EXISTS (SELECT FROM heard);
        PERFORM pg_sleep(0.1);
    END LOOP;
END
$$;
SELECT channel, payload->'new_errors' AS new_errors, payload->'first' AS first FROM heard;
SELECT dblink_disconnect('listener');
DROP EXTENSION dblink;

-- Read-only: lint runs in a read-only transaction (as on a hot standby), takes no lock on the
-- tables it reads about and assigns no transaction ID.
BEGIN READ ONLY;
SELECT count(*) > 0 AS findings FROM confiture.lint(ARRAY['shop']);
SELECT count(*) AS locks FROM pg_locks
WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = 'shop.orders'::regclass;
SELECT txid_current_if_assigned() IS NULL AS no_transaction_id;
COMMIT;

-- Bad input.
\set VERBOSITY default
SELECT * FROM confiture.lint(rules => ARRAY['no_such_rule']);
SELECT * FROM confiture.lint(min_severity => 'fatal');
SELECT * FROM confiture.lint(ARRAY['pg_catalog']);
SELECT confiture.lint_report('pdf');
SELECT confiture.configure_rule('missing_primary_key', options => '{"x": 1}');
SELECT confiture.configure_rule('unused_index', options => '{"min_bytes": "big"}');
SELECT confiture.configure_rule('missing_primary_key', severity => 'critical');
SELECT confiture.exclude('missing_primary_key', 'shop.%', '');
SELECT * FROM confiture.lint_diff(-1, -2);
\set VERBOSITY terse

DELETE FROM confiture.lint_rule_config;
DELETE FROM confiture.lint_exclusions;
DELETE FROM confiture.lint_runs;
DROP SCHEMA shop CASCADE;
