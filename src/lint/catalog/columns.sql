-- One row per column of the relations, in order.
SELECT a.attrelid::int8, a.attnum, a.attname::text, format_type(a.atttypid, a.atttypmod),
       a.atttypid::int8, a.attnotnull,
       -- Deparsing is the costly part; only a default holding a string can hide a secret.
       CASE WHEN ad.adbin::text ~ ':consttype (25|1042|1043) ' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
       cm.description, a.attidentity <> '', a.attgenerated <> ''
FROM pg_attribute a
JOIN rels r ON r.oid = a.attrelid
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
LEFT JOIN comments cm ON cm.objoid = a.attrelid AND cm.objsubid = a.attnum
WHERE a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attrelid, a.attnum
