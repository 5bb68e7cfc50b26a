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
