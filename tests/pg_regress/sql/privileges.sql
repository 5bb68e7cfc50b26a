-- Confiture runs as its caller: no function is SECURITY DEFINER, and any role may use them.
SELECT p.proname, p.prosecdef
FROM pg_proc AS p
WHERE p.pronamespace = 'confiture'::regnamespace
ORDER BY p.proname;

CREATE ROLE confiture_plain_user;
SET ROLE confiture_plain_user;
SELECT count(*) AS statements FROM confiture.split_statements('SELECT 1; SELECT 2');
RESET ROLE;
DROP ROLE confiture_plain_user;
