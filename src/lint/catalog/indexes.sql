-- One row per index of the relations.
SELECT i.indexrelid::int8, i.indrelid::int8, ic.relname::text,
       quote_ident(r.nspname) || '.' || quote_ident(ic.relname),
       (i.indkey::int2[])[0:i.indnkeyatts - 1],
       coalesce((i.indkey::int2[])[i.indnkeyatts:i.indnatts - 1], '{}'),
       pg_get_expr(i.indexprs, i.indrelid), pg_get_expr(i.indpred, i.indrelid), am.amname::text,
       (i.indclass::oid[])::int8[], (i.indcollation::oid[])::int8[],
       i.indisunique, i.indisprimary, i.indisvalid, i.indisready, ic.relkind = 'I',
       con.conname::text, pg_stat_get_numscans(i.indexrelid), ic.relpages::int8 * 8192,
       cm.description, b.index_relid IS NOT NULL
FROM pg_index i
JOIN rels r ON r.oid = i.indrelid
JOIN pg_class ic ON ic.oid = i.indexrelid
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                            AND con.contype IN ('p', 'u', 'x')
LEFT JOIN comments cm ON cm.objoid = i.indexrelid AND cm.objsubid = 0
LEFT JOIN pg_stat_progress_create_index b ON b.index_relid = i.indexrelid
