-- confiture.assess_risk as a user sees it: a realistic migration and its safe rewrite, script
-- state (tables created earlier, transaction blocks, SET lock_timeout), ignore comments,
-- options, the summary, and bad input.
CREATE TABLE accounts (id int PRIMARY KEY, email varchar(100) NOT NULL, plan text, created_at timestamp);
INSERT INTO accounts SELECT g, 'user' || g || '@example.com', 'free', '2024-01-01' FROM generate_series(1, 2000) g;
CREATE TABLE payments (id serial PRIMARY KEY, account_id int NOT NULL, amount numeric(10,2), note text);
INSERT INTO payments (account_id, amount) SELECT g % 2000 + 1, g FROM generate_series(1, 5000) g;
ANALYZE accounts, payments;

-- A release written the quick way.
SELECT statement_no, action, target, lock_mode, rewrites_table AS rewrites, scans_table AS scans,
       est_rows, risk_score, risk_level,
       (SELECT string_agg(f->>'rule', ', ') FROM jsonb_array_elements(findings) f) AS rules
FROM confiture.assess_risk($$
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id);
CREATE INDEX payments_account_id_idx ON payments (account_id);
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();
ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200);
ALTER TABLE payments ALTER COLUMN amount TYPE numeric(10,4);
$$);

-- What each finding says, with its safe alternative.
SELECT statement_no, f->>'rule' AS rule, f->>'severity' AS severity, f->>'safe_alternative' AS safe_alternative
FROM confiture.assess_risk($$
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id);
CREATE INDEX payments_account_id_idx ON payments (account_id);
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
$$), jsonb_array_elements(findings) f
WHERE f->>'rule' <> 'missing_lock_timeout'
ORDER BY statement_no, rule;

-- The same release, rewritten safely: no error left.
SELECT statement_no, action, lock_mode, scans_table AS scans, risk_level,
       (SELECT string_agg(f->>'rule', ', ') FROM jsonb_array_elements(findings) f) AS rules
FROM confiture.assess_risk($$
SET lock_timeout = '2s';
SET statement_timeout = '10min';
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey
  FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE payments VALIDATE CONSTRAINT payments_account_id_fkey;
CREATE INDEX CONCURRENTLY payments_account_id_idx ON payments (account_id);
ALTER TABLE accounts ADD CONSTRAINT accounts_plan_not_null CHECK (plan IS NOT NULL) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_plan_not_null;
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
ALTER TABLE accounts DROP CONSTRAINT accounts_plan_not_null;
ALTER TABLE accounts ADD COLUMN token uuid;
ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200);
$$);

-- Objects created earlier in the script are new and empty: nothing to wait for.
SELECT statement_no, action, target, locks, risk_level
FROM confiture.assess_risk($$
CREATE TABLE invoices (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, account_id int, total numeric);
CREATE INDEX invoices_account_id_idx ON invoices (account_id);
ALTER TABLE invoices ADD CONSTRAINT invoices_account_id_fkey FOREIGN KEY (account_id) REFERENCES accounts (id);
ALTER TABLE invoices ALTER COLUMN total SET NOT NULL;
$$);

-- Transaction blocks: a CONCURRENTLY statement inside one fails; locks taken early are held
-- through the rest of the block; a block left open is reported on the last statement.
SELECT statement_no, statement, transactional,
       (SELECT string_agg(f->>'rule', ', ' ORDER BY f->>'rule') FROM jsonb_array_elements(findings) f
        WHERE f->>'rule' NOT IN ('missing_lock_timeout', 'missing_statement_timeout')) AS rules
FROM confiture.assess_risk($$
BEGIN;
ALTER TABLE accounts ADD COLUMN referrer int;
ALTER TABLE accounts ADD CONSTRAINT accounts_referrer_check CHECK (referrer > 0) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_referrer_check;
CREATE INDEX CONCURRENTLY accounts_referrer_idx ON accounts (referrer);
$$);

-- Ignore comments silence a rule for one statement; one that silences nothing is reported.
SELECT statement_no, (SELECT string_agg(f->>'rule', ', ' ORDER BY f->>'rule') FROM jsonb_array_elements(findings) f) AS rules
FROM confiture.assess_risk($$
SET lock_timeout = '1s';
-- confiture:ignore require_concurrent_index
CREATE INDEX payments_amount_idx ON payments (amount);
-- confiture:ignore prefer_text
CREATE INDEX payments_note_idx ON payments (note);
$$);

-- Rules can be switched off for a call.
SELECT count(*) FILTER (WHERE f->>'rule' = 'missing_lock_timeout') AS missing_lock_timeout,
       count(*) FILTER (WHERE f->>'rule' = 'require_concurrent_index') AS require_concurrent_index
FROM confiture.assess_risk('CREATE INDEX ON payments (note)', '{"ignore": ["missing_lock_timeout"]}'),
     jsonb_array_elements(findings) f;

-- The duration model reads the table's size and the throughput settings.
SET confiture.rewrite_mb_per_s = 0.01;
SELECT est_bytes > 0 AS has_size, est_duration_ms > 1000 AS slow_when_the_disk_is_slow
FROM confiture.assess_risk('ALTER TABLE payments ALTER COLUMN amount TYPE numeric(10,4)');
RESET confiture.rewrite_mb_per_s;

-- Statements the analysis cannot see into, or does not know, say so.
SELECT statement_no, command, lock_mode,
       (SELECT string_agg(f->>'rule', ', ') FROM jsonb_array_elements(findings) f) AS rules
FROM confiture.assess_risk($$
DO $do$ BEGIN EXECUTE 'ALTER TABLE accounts ADD COLUMN x int'; END $do$;
ALTER TABLE missing_table ADD COLUMN x int;
SELECT 1;
$$);

-- The whole migration as one verdict, for a deploy gate.
SELECT jsonb_pretty(confiture.assess_risk_summary($$
SET lock_timeout = '2s';
CREATE INDEX payments_account_id_idx ON payments (account_id);
ALTER TABLE accounts ADD COLUMN referrer int;
$$) - 'recommendations');

-- Rules are listed with their default severity.
SELECT count(*) AS rules, count(*) FILTER (WHERE severity = 'error') AS errors FROM confiture.risk_rules();

-- Static analysis locks nothing and writes nothing: the tables it reads about stay unlocked,
-- and it runs in a read-only transaction (as on a hot standby) without a transaction ID.
BEGIN READ ONLY;
SELECT count(*) FROM confiture.assess_risk('ALTER TABLE accounts ALTER COLUMN email TYPE text; TRUNCATE payments;
ALTER TABLE accounts ADD COLUMN seen timestamptz DEFAULT now()');
SELECT count(*) AS relation_locks FROM pg_locks
WHERE locktype = 'relation' AND pid = pg_backend_pid() AND relation IN ('accounts'::regclass, 'payments'::regclass);
SELECT txid_current_if_assigned() IS NULL AS no_transaction_id;
COMMIT;

-- Bad input: an ERROR that says what is wrong and where.
\set VERBOSITY default
SELECT * FROM confiture.assess_risk(E'ALTER TABLE accounts ADD COLUMN a int;\nALTER TABEL accounts DROP COLUMN a;');
SELECT * FROM confiture.assess_risk('SELECT 1', '{"ignore": ["no_such_rule"]}');
SELECT * FROM confiture.assess_risk('SELECT 1', '{"ignroe": []}');
SELECT * FROM confiture.assess_risk('SELECT 1', '["prefer_text"]');
\set VERBOSITY terse
-- A statement the server refuses to read is a finding of its row, not an ERROR.
SELECT statement_no, lock_mode, f->>'message' AS message
FROM confiture.assess_risk('ALTER TABLE accounts ADD COLUMN a varchar(0)'), jsonb_array_elements(findings) f
WHERE f->>'rule' = 'unrecognized_statement';
-- NULL is no migration: no rows, and a NULL summary.
SELECT count(*) FROM confiture.assess_risk(NULL);
SELECT confiture.assess_risk_summary(NULL) IS NULL AS null_summary;

DROP TABLE payments, accounts;
