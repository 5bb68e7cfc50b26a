-- Confiture runs as its caller: no function is SECURITY DEFINER, and any role may use them.
SELECT p.proname, p.prosecdef
FROM pg_proc AS p
WHERE p.pronamespace = 'confiture'::regnamespace
ORDER BY p.proname;

CREATE ROLE confiture_plain_user;
CREATE TABLE confiture_secret (v text);
-- What a role without grants may do with Confiture's tables: read the configuration, the hooks,
-- the anonymization rules and strategies, nothing more. The migration history (scripts, hook
-- results), the anonymization key and its audit trail are private until granted.
SELECT c.relname, c.relkind,
       has_table_privilege('confiture_plain_user', c.oid, 'SELECT') AS can_read,
       has_table_privilege('confiture_plain_user', c.oid, 'INSERT, UPDATE, DELETE') AS can_write
FROM pg_class c
WHERE c.relnamespace = 'confiture'::regnamespace AND c.relkind IN ('r', 'v')
ORDER BY c.relname;
CREATE FUNCTION confiture_hook(context jsonb) RETURNS void LANGUAGE sql AS $$ $$;
SET ROLE confiture_plain_user;
SELECT count(*) AS hooks FROM confiture.hooks;
SELECT count(*) FROM confiture.migrations;
SELECT confiture.register_hook('mine', 'after_ddl', 'confiture_hook(jsonb)');
SELECT confiture.migrate('P1', 'not mine to run', 'SELECT 1');
SELECT count(*) AS statements FROM confiture.split_statements('SELECT 1; SELECT 2');
-- A dry run executes with the caller's privileges: what plain SQL may not do, it may not either.
SELECT statement_no, status, sqlstate, message
FROM confiture.dry_run('SELECT * FROM confiture_secret; DROP TABLE confiture_secret',
                       '{"stop_on_error": false}');
RESET ROLE;
DROP FUNCTION confiture_hook(jsonb);
DROP TABLE confiture_secret;
DROP ROLE confiture_plain_user;
