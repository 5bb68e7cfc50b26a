-- One row per relation; read into confiture_core::lint::catalog::Table by src/lint/loader.rs
-- (plain rows through SPI: building JSON costs far more than reading the values).
SELECT r.oid::int8, r.nspname::text, r.relname::text,
       quote_ident(r.nspname) || '.' || quote_ident(r.relname),
       r.relkind::text,
       CASE WHEN r.relispartition THEN inh.inhparent::int8 END,
       inh.inhparent IS NOT NULL AND NOT r.relispartition,
       r.reltuples::float8, r.relpages::int8 * 8192, pg_stat_get_dead_tuples(r.oid),
       cm.description, r.relrowsecurity,
       coalesce(r.reloptions && ARRAY['security_invoker=true', 'security_invoker=on',
                                      'security_invoker=1', 'security_invoker=yes'], false),
       CASE WHEN r.relkind IN ('v', 'm') THEN pg_get_viewdef(r.oid) END,
       coalesce(vr.reads, '{}')
FROM rels r
LEFT JOIN comments cm ON cm.objoid = r.oid AND cm.objsubid = 0
LEFT JOIN pg_inherits inh ON inh.inhrelid = r.oid AND inh.inhseqno = 1
LEFT JOIN view_reads vr ON vr.ev_class = r.oid
