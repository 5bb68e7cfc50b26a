-- confiture.lint() on a large catalog (run after ../shared/bench/big_schema.sql: 10,000 tables,
-- about 28,000 indexes), against a baseline measured in the same run: the checks an in-database
-- SQL linter of splinter's kind runs, written here as plain catalog queries (no primary key,
-- unindexed foreign keys, duplicate, unused and invalid indexes, policies with RLS disabled, RLS
-- without policies, SECURITY DEFINER functions without search_path, extensions in public).
-- Confiture runs all of its enabled rules in its time. Median of 5 each; then the per-rule
-- breakdown of one run and the backend's peak memory.
\set ON_ERROR_STOP on
CREATE TEMP TABLE bench_times (method text, ms float8, findings bigint);

DO $bench$
DECLARE
  started timestamptz;
  n bigint;
BEGIN
  FOR run IN 1..5 LOOP
    started := clock_timestamp();
    SELECT count(*) INTO n FROM confiture.lint();
    INSERT INTO bench_times VALUES ('confiture.lint(), every enabled rule',
                                    1000 * extract(epoch FROM clock_timestamp() - started), n);
    started := clock_timestamp();
    SELECT sum(c) INTO n FROM (
      -- no primary key
      SELECT count(*) AS c FROM pg_class t JOIN pg_namespace s ON s.oid = t.relnamespace
      WHERE t.relkind IN ('r', 'p') AND NOT t.relispartition
        AND s.nspname NOT IN ('pg_catalog', 'information_schema') AND s.nspname !~ '^pg_'
        AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indrelid = t.oid AND i.indisprimary)
      UNION ALL
      -- foreign keys whose columns lead no index
      SELECT count(*) FROM pg_constraint k
      WHERE k.contype = 'f'
        AND NOT EXISTS (SELECT FROM pg_index i WHERE i.indrelid = k.conrelid
                        AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] @> k.conkey
                        AND (i.indkey::int2[])[0:cardinality(k.conkey) - 1] <@ k.conkey)
      UNION ALL
      -- duplicate indexes
      SELECT count(*) FROM (SELECT indrelid FROM pg_index
                            GROUP BY indrelid, indkey::text, indclass::text, coalesce(indexprs::text, ''),
                                     coalesce(indpred::text, '') HAVING count(*) > 1) d
      UNION ALL
      -- unused indexes
      SELECT count(*) FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
      WHERE s.idx_scan = 0 AND NOT i.indisunique
      UNION ALL
      -- invalid indexes
      SELECT count(*) FROM pg_index WHERE NOT indisvalid
      UNION ALL
      -- policies on tables without RLS, RLS without policies
      SELECT count(*) FROM pg_class t WHERE NOT t.relrowsecurity
        AND EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = t.oid)
      UNION ALL
      SELECT count(*) FROM pg_class t WHERE t.relrowsecurity
        AND NOT EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = t.oid)
      UNION ALL
      -- SECURITY DEFINER without search_path
      SELECT count(*) FROM pg_proc p WHERE p.prosecdef
        AND NOT EXISTS (SELECT FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')
      UNION ALL
      -- extensions in public
      SELECT count(*) FROM pg_extension e WHERE e.extnamespace = 'public'::regnamespace
    ) checks;
    INSERT INTO bench_times VALUES ('baseline: 9 checks in plain SQL',
                                    1000 * extract(epoch FROM clock_timestamp() - started), n);
  END LOOP;
END
$bench$;

WITH medians AS (
  SELECT method, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms, max(findings) AS findings
  FROM bench_times GROUP BY method
)
SELECT method, findings, round(ms::numeric, 1) AS median_ms,
       round((ms / (SELECT ms FROM medians WHERE method LIKE 'baseline%'))::numeric, 2) AS ratio_to_baseline
FROM medians ORDER BY ms DESC;

-- Where one run's time goes: reading the catalog, then each rule (the slowest ten), from the
-- diagnostics of lint_snapshot (which also records the run; this database is thrown away).
SELECT confiture.lint_snapshot() AS snapshot \gset
SELECT round((:'snapshot'::jsonb->>'duration_ms')::numeric, 1) AS run_ms,
       round(sum(value::numeric), 1) AS rules_ms,
       round((:'snapshot'::jsonb->>'duration_ms')::numeric - sum(value::numeric), 1) AS catalog_and_output_ms
FROM jsonb_each_text(:'snapshot'::jsonb->'rule_ms');
SELECT key AS rule, value::numeric AS ms
FROM jsonb_each_text(:'snapshot'::jsonb->'rule_ms')
ORDER BY value::numeric DESC LIMIT 10;

-- Memory: the backend's peak resident set (VmHWM) after the runs above.
SELECT (regexp_match(pg_read_file('/proc/' || pg_backend_pid() || '/status'), 'VmHWM:\s+(\d+ kB)'))[1]
       AS backend_peak_rss;
