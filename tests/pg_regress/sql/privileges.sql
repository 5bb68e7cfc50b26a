-- Confiture runs as its caller: no function is SECURITY DEFINER, and any role may use them.
SELECT p.proname, p.prosecdef
FROM pg_proc AS p
WHERE p.pronamespace = 'confiture'::regnamespace
ORDER BY p.proname;

CREATE ROLE confiture_plain_user;
CREATE TABLE confiture_secret (v text);
SET ROLE confiture_plain_user;
SELECT count(*) AS statements FROM confiture.split_statements('SELECT 1; SELECT 2');
-- A dry run executes with the caller's privileges: what plain SQL may not do, it may not either.
SELECT statement_no, status, sqlstate, message
FROM confiture.dry_run('SELECT * FROM confiture_secret; DROP TABLE confiture_secret',
                       '{"stop_on_error": false}');
RESET ROLE;
DROP TABLE confiture_secret;
DROP ROLE confiture_plain_user;
