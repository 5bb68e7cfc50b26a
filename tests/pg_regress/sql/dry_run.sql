-- confiture.dry_run as a user sees it: a realistic migration, the errors it catches, what it
-- refuses, and a lock held by another session.
CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL, plan text);
INSERT INTO accounts SELECT g, 'user' || g % 40 || '@example.com', NULL FROM generate_series(1, 100) g;
CREATE TABLE payments (id serial PRIMARY KEY, account_id int NOT NULL, amount numeric(10,2));
INSERT INTO payments (account_id, amount) SELECT g % 100 + 1, g FROM generate_series(1, 300) g;
CREATE VIEW account_emails AS SELECT id, email FROM accounts;

-- A release that would fail in production on its fifth statement.
SELECT statement_no, status, sqlstate, locks, rewritten, created, altered
FROM confiture.dry_run($$
BEGIN;
SET LOCAL lock_timeout = '3s';
ALTER TABLE payments ADD CONSTRAINT payments_account_id_fkey
  FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE payments ALTER COLUMN amount TYPE numeric(12,2);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);
ALTER TABLE payments VALIDATE CONSTRAINT payments_account_id_fkey;
COMMIT;
$$);

-- The failure, as the server reported it.
SELECT statement_no, message FROM confiture.dry_run(
  'CREATE UNIQUE INDEX accounts_email_key ON accounts (email)') ;

-- Keep going past failures: each statement runs in its own subtransaction.
SELECT statement_no, status, sqlstate, split_part(message, E'\n', 1) AS message
FROM confiture.dry_run($$
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
ALTER TABLE accounts DROP COLUMN email;
INSERT INTO payments (account_id, amount) VALUES (1, 1), (2, 2);
ALTER TABLE nowhere ADD COLUMN x int;
CREATE INDEX CONCURRENTLY payments_account_id_idx ON payments (account_id);
VACUUM payments
$$, '{"stop_on_error": false}');

-- Non-rollbackable effects are named: the sequence really moved.
SELECT statement_no, side_effects FROM confiture.dry_run(
  'INSERT INTO payments (account_id, amount) VALUES (1, 1), (2, 2)');
SELECT last_value FROM payments_id_seq;

-- CONCURRENTLY statements run as their plain form on request, with the real lock named.
SELECT statement_no, status, locks, created FROM confiture.dry_run(
  'CREATE INDEX CONCURRENTLY payments_account_id_idx ON payments (account_id)',
  '{"simulate_concurrently": true}');

-- Nothing was left behind.
SELECT count(*) AS constraints FROM pg_constraint WHERE conrelid = 'payments'::regclass;
SELECT count(*) AS indexes FROM pg_index WHERE indrelid IN ('payments'::regclass, 'accounts'::regclass);
SELECT format_type(atttypid, atttypmod) FROM pg_attribute
WHERE attrelid = 'payments'::regclass AND attname = 'amount';

-- Another session holds a lock: the dry run reports a lock timeout instead of waiting.
CREATE EXTENSION dblink;
SELECT dblink_connect('other', format('host=%s port=%s dbname=%s user=%s',
  split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port'),
  current_database(), current_user));
SELECT dblink_exec('other', 'BEGIN');
SELECT dblink_exec('other', 'LOCK TABLE accounts IN ACCESS SHARE MODE');
SELECT statement_no, status, sqlstate, message
FROM confiture.dry_run('ALTER TABLE accounts ADD COLUMN note text', '{"lock_timeout": "100ms"}');
SELECT s->'would_succeed' AS would_succeed, s->'lock_timeouts' AS lock_timeouts
FROM confiture.dry_run_summary('ALTER TABLE accounts ADD COLUMN note text',
                               '{"lock_timeout": "100ms"}') AS s;
SELECT dblink_exec('other', 'ROLLBACK');
SELECT dblink_disconnect('other');
DROP EXTENSION dblink;

-- The run's own statement_timeout fails only its statement; the caller's ends the whole call,
-- after the rollback.
SELECT statement_no, status, sqlstate, message
FROM confiture.dry_run('SELECT pg_sleep(1); ALTER TABLE accounts ADD COLUMN note text',
                       '{"statement_timeout": "50ms", "stop_on_error": false}');
SET statement_timeout = '200ms';
SELECT * FROM confiture.dry_run('ALTER TABLE accounts ADD COLUMN note text; SELECT pg_sleep(1)');
RESET statement_timeout;
SELECT count(*) AS note_columns FROM pg_attribute
WHERE attrelid = 'accounts'::regclass AND attname = 'note';

-- What the dry run refuses or rejects.
SELECT * FROM confiture.dry_run('SELECT 1; COPY accounts TO PROGRAM ''cat''');
SELECT * FROM confiture.dry_run('SELECT 1', '{"stop_on_eror": false}');
SELECT * FROM confiture.dry_run('SELECT 1', '{"lock_timeout": "soon"}');
SELECT * FROM confiture.dry_run('SELECT 1', '[]');
SELECT * FROM confiture.dry_run(E'SELECT 1;\nALTER TABLE accounts ADD COLUM note text;');
SELECT count(*) FROM confiture.dry_run(NULL);

DROP VIEW account_emails;
DROP TABLE payments, accounts;
