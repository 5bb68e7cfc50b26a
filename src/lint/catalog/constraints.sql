-- One row per constraint of the relations.
SELECT k.oid::int8, k.conrelid::int8, k.conname::text,
       CASE k.contype WHEN 'p' THEN 'primary_key' WHEN 'u' THEN 'unique'
                      WHEN 'f' THEN 'foreign_key' WHEN 'c' THEN 'check'
                      WHEN 'x' THEN 'exclusion' ELSE 'other' END,
       coalesce(k.conkey, '{}'), nullif(k.confrelid, 0)::int8, coalesce(k.confkey, '{}'),
       k.convalidated, cm.description
FROM pg_constraint k
JOIN rels r ON r.oid = k.conrelid
LEFT JOIN constraint_comments cm ON cm.objoid = k.oid
