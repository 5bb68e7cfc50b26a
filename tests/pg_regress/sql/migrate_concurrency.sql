-- Two sessions migrating at once take turns: the second waits for the first's transaction,
-- then sees what it recorded. Both sessions are dblink connections to this database.
CREATE EXTENSION dblink;
SELECT format('dbname=%s host=%s port=%s user=postgres', current_database(),
              current_setting('unix_socket_directories'), current_setting('port')) AS conninfo \gset
SELECT dblink_connect('first', :'conninfo'), dblink_connect('second', :'conninfo');

-- The first session applies C1 in a transaction it keeps open.
SELECT dblink_exec('first', 'BEGIN');
SELECT * FROM dblink('first', $$
    SELECT confiture.migrate('C1', 'concurrent', 'CREATE TABLE concurrent_t (id int)') ->> 'status'
$$) AS t(status text);
-- The second asks for the same migration, and waits on the runners' advisory lock.
SELECT dblink_send_query('second', $$
    SELECT confiture.migrate('C1', 'concurrent', 'CREATE TABLE concurrent_t (id int)') ->> 'status'
$$);
DO $$
BEGIN
    FOR i IN 1..200 LOOP
        EXIT WHEN EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND NOT granted);
        PERFORM pg_sleep(0.05);
    END LOOP;
END
$$;
SELECT mode, granted, (classid::bigint << 32) | objid::bigint AS key
FROM pg_locks WHERE locktype = 'advisory' ORDER BY granted DESC;
SELECT dblink_is_busy('second') AS second_waits;
-- Once the first commits, the second finds C1 applied: nothing runs twice.
SELECT dblink_exec('first', 'COMMIT');
SELECT * FROM dblink_get_result('second') AS t(status text);
SELECT * FROM dblink_get_result('second') AS t(status text);
SELECT version, status FROM confiture.migrations;

-- lock_timeout bounds the wait.
SELECT dblink_exec('first', 'BEGIN');
SELECT * FROM dblink('first', $$
    SELECT confiture.migrate('C2', 'slow', 'CREATE TABLE concurrent_u (id int)') ->> 'status'
$$) AS t(status text);
SELECT dblink_exec('second', 'SET lock_timeout = ''200ms''');
SELECT * FROM dblink('second', $$
    SELECT confiture.migrate('C2', 'slow', 'CREATE TABLE concurrent_u (id int)') ->> 'status'
$$, false) AS t(status text);
SELECT dblink_error_message('second');
SELECT dblink_exec('first', 'ROLLBACK');

SELECT dblink_disconnect('first'), dblink_disconnect('second');
DROP EXTENSION dblink;
DROP TABLE concurrent_t;
DELETE FROM confiture.migrations;
