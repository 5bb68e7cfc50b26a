-- Facts about the relations whose OIDs are $1, one JSON object each (read by
-- confiture_core::risk::catalog::Relation::from_json). Catalog reads only: no relation is locked.
SELECT coalesce(json_agg(json_build_object(
    'oid', c.oid,
    'schema', n.nspname,
    'name', c.relname,
    'qualified', quote_ident(n.nspname) || '.' || quote_ident(c.relname),
    'kind', c.relkind,
    'rows', c.reltuples,
    'pages', c.relpages,
    'table', (SELECT x.indrelid FROM pg_index x WHERE x.indexrelid = c.oid),
    'partition_of', (SELECT i.inhparent FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
                     WHERE i.inhrelid = c.oid AND p.relkind = 'p'),
    'default_partition', (SELECT nullif(pt.partdefid, 0) FROM pg_partitioned_table pt
                          WHERE pt.partrelid = c.oid),
    'children', ARRAY(SELECT i.inhrelid FROM pg_inherits i WHERE i.inhparent = c.oid ORDER BY 1),
    'columns', (SELECT json_agg(json_build_array(a.attname, a.atttypid, a.atttypmod,
                                                 format_type(a.atttypid, a.atttypmod), a.attnotnull)
                                ORDER BY a.attnum)
                FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
    'indexes', (SELECT json_agg(json_build_array(
                    x.indexrelid,
                    ARRAY(SELECT a.attname FROM unnest(x.indkey[0:x.indnkeyatts - 1]) WITH ORDINALITY k (attnum, ord)
                          LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum AND k.attnum > 0
                          ORDER BY k.ord),
                    x.indisunique, x.indisprimary, x.indisvalid,
                    i.relname, i.relkind, quote_ident(n.nspname) || '.' || quote_ident(i.relname)))
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = c.oid),
    'foreign_keys', (SELECT json_agg(json_build_array(
                         k.conname, k.conrelid,
                         ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u (attnum, ord)
                               JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.ord),
                         k.confrelid,
                         ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u (attnum, ord)
                               JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.ord),
                         k.confdeltype, k.conindid, k.convalidated, k.confupdtype))
                     FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = c.oid),
    'referenced_by', r.referenced_by,
    'constraints', (SELECT json_agg(json_build_array(k.conname, k.contype, k.convalidated, nullif(k.conindid, 0)))
                    FROM pg_constraint k WHERE k.conrelid = c.oid),
    'not_null_checks', ARRAY(SELECT m[1] FROM pg_constraint k
                             CROSS JOIN LATERAL regexp_match(pg_get_constraintdef(k.oid),
                                                             '^CHECK \(\((\w+) IS NOT NULL\)\)$') m
                             WHERE k.conrelid = c.oid AND k.contype = 'c' AND k.convalidated),
    'owned_sequences', (SELECT json_agg(json_build_array(d.objid, a.attname))
                        FROM pg_depend d
                        JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
                        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
                        WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                          AND d.refobjid = c.oid AND d.deptype IN ('a', 'i')),
    'dependent_views', (SELECT json_agg(DISTINCT jsonb_build_array(r.ev_class, a.attname))
                        FROM pg_depend d
                        JOIN pg_rewrite r ON r.oid = d.objid
                        LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
                        WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
                          AND d.refobjid = c.oid AND r.ev_class <> c.oid),
    'reads', ARRAY(SELECT DISTINCT d.refobjid
                   FROM pg_rewrite r
                   JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                                   AND d.refclassid = 'pg_class'::regclass
                   WHERE c.relkind IN ('v', 'm') AND r.ev_class = c.oid AND d.refobjid <> c.oid)
)), '[]')::text
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
-- pg_constraint has no index on confrelid: one pass over it for every relation asked about.
LEFT JOIN (SELECT k.confrelid,
                  json_agg(json_build_array(
                      k.conname, k.conrelid,
                      ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u (attnum, ord)
                            JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum ORDER BY u.ord),
                      k.confrelid,
                      ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u (attnum, ord)
                            JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum ORDER BY u.ord),
                      k.confdeltype, k.conindid, k.convalidated, k.confupdtype)) AS referenced_by
           FROM pg_constraint k
           WHERE k.contype = 'f' AND k.confrelid = ANY ($1)
           GROUP BY k.confrelid) r ON r.confrelid = c.oid
WHERE c.oid = ANY ($1)
