-- confiture.split_statements: a migration script cut where the server would cut it.
\set VERBOSITY default

-- A realistic migration: comments around statements are not part of them, BEGIN/COMMIT are
-- statements of their own, and the semicolons of a function body stay inside it.
SELECT * FROM confiture.split_statements($migration$
-- V42: orders get a status and an updated_at trigger
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN status text;   -- nullable first, backfill later
CREATE FUNCTION orders_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders
  FOR EACH ROW EXECUTE FUNCTION orders_touch();
COMMIT;
$migration$);

-- SQL-standard function bodies hold several statements.
SELECT statement_no, statement FROM confiture.split_statements($$
CREATE PROCEDURE archive_order(id bigint) LANGUAGE sql
BEGIN ATOMIC
  INSERT INTO orders_archive SELECT * FROM orders WHERE orders.id = archive_order.id;
  DELETE FROM orders WHERE orders.id = archive_order.id;
END;
CALL archive_order(1);
$$);

-- start_offset counts the characters before a statement, multibyte ones included.
SELECT statement_no, start_offset, substr(script, start_offset + 1, length(statement)) = statement AS points_at_it
FROM (VALUES ($$SELECT 'crème brûlée';  /* dessert */ SELECT 'ok'$$)) AS s(script),
     confiture.split_statements(script);

-- Nothing to split: no rows.
SELECT count(*) AS null_script FROM confiture.split_statements(NULL);
SELECT count(*) AS empty_script FROM confiture.split_statements('');
SELECT count(*) AS comments_only FROM confiture.split_statements(E'-- nothing\n/* at /* all */ */');

-- A syntax error is the server's message, placed in the script.
SELECT * FROM confiture.split_statements(E'SELECT 1;\nALTER TABEL orders ADD c int;');
SELECT * FROM confiture.split_statements(E'SELECT 1;\nSELECT ''never closed');
SELECT * FROM confiture.split_statements('SELECT (1');

-- psql meta-commands are named, with the line they are on.
SELECT * FROM confiture.split_statements(E'BEGIN;\n\\copy orders FROM ''orders.csv'' csv\nCOMMIT;');

-- The library and the installed extension agree on the version.
SELECT confiture.version() = extversion AS same_version FROM pg_extension WHERE extname = 'confiture';
