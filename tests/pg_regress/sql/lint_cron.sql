-- confiture.lint_snapshot() on a schedule: pg_cron (preloaded by scripts/regress.sh) runs it,
-- and the run it records is there to read. pg_cron 1.4's smallest interval is a minute, so the
-- suite waits for the first run, up to 90 seconds.
CREATE EXTENSION pg_cron;
CREATE SCHEMA cron_shop;
CREATE TABLE cron_shop.log (at timestamptz, what text);
SELECT cron.schedule('confiture-lint', '* * * * *', 'SELECT confiture.lint_snapshot()') > 0 AS scheduled;
DO $$
BEGIN
    FOR i IN 1..90 LOOP
        EXIT WHEN EXISTS (SELECT FROM cron.job_run_details WHERE status IN ('succeeded', 'failed'));
        PERFORM pg_sleep(1);
    END LOOP;
END
$$;
-- pg_cron ran the job, and the job's run is in confiture.lint_runs with its findings.
SELECT j.jobname, d.status, d.command, d.return_message
FROM cron.job_run_details d JOIN cron.job j USING (jobid)
ORDER BY d.runid LIMIT 1;
SELECT count(*) > 0 AS runs_recorded, bool_and(counts ? 'error') AS with_counts FROM confiture.lint_runs;
SELECT rule, severity, object_name
FROM confiture.lint_findings
WHERE run_id = (SELECT min(id) FROM confiture.lint_runs) AND object_name LIKE 'cron\_shop.%'
ORDER BY rule;
SELECT cron.unschedule('confiture-lint');
DROP EXTENSION pg_cron;
DROP SCHEMA cron_shop CASCADE;
DELETE FROM confiture.lint_runs;
