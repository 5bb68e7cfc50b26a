-- Catalog row versions a statement touched, as JSON rows for catalog_diff.rs.
-- @VERSION@ is xmin (versions the statement wrote, read in a snapshot taken after it) or xmax
-- (versions it deleted or replaced, read in a snapshot taken before it). $1 and $2 bound the
-- transaction IDs assigned while the statement ran (modulo 2^32); the caller keeps only rows
-- whose ID belongs to its own transaction. $3 are the relations the transaction holds locks
-- on: PostgreSQL creates, drops and alters a relation, and its columns, defaults,
-- constraints, triggers, policies and rules, only under a lock on it, so rows of other
-- relations need not be read (on a catalog of 10,000 tables this is the difference between
-- index lookups and scans of hundreds of thousands of rows). Domain constraints, functions,
-- types and schemas are not tied to a relation and are read by OID range; functions, types,
-- enum values and schemas only when $4 says the statement wrote to their catalogs (the
-- transaction's statistics counters tell, see server.rs), since their scans cost the most. Only user objects
-- (OID >= 16384, FirstNormalObjectId) are read; TOAST tables and their indexes (schemas
-- pg_toast and pg_toast_temp_N) follow their table and are left out.
WITH touched AS (
  SELECT 'class:' || c.oid AS key,
         CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned table'
              WHEN 'i' THEN 'index' WHEN 'I' THEN 'partitioned index' WHEN 'S' THEN 'sequence'
              WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'c' THEN 'type'
              WHEN 'f' THEN 'foreign table' END AS kind,
         quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name,
         'class:' || i.indrelid AS owner,
         quote_ident(tn.nspname) || '.' || quote_ident(t.relname) AS owner_name,
         c.relfilenode::bigint AS filenode,
         concat_ws('|', c.relname, c.relnamespace, c.relowner, c.reloptions::text,
                   c.relpersistence, c.relkind, c.relnatts, c.relchecks, c.relrowsecurity,
                   c.relforcerowsecurity, c.relreplident, c.relispartition,
                   c.relpartbound::text, c.reltablespace, c.relacl::text) AS definition,
         false AS gone, c.@VERSION@ AS version
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_index i ON i.indexrelid = c.oid
  LEFT JOIN pg_class t ON t.oid = i.indrelid
  LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
  WHERE c.oid = ANY ($3) AND n.nspname NOT LIKE 'pg\_toast%'
  UNION ALL
  SELECT 'attribute:' || a.attrelid || ':' || a.attnum, 'column',
         quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname),
         'class:' || a.attrelid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), NULL,
         concat_ws('|', a.attname, a.atttypid, a.atttypmod, a.attnotnull, a.atthasdef,
                   a.attidentity, a.attgenerated, a.attcollation, a.attstattarget,
                   a.attoptions::text, a.attstorage, a.attcompression),
         a.attisdropped, a.@VERSION@
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE a.attrelid = ANY ($3) AND a.attnum > 0 AND n.nspname NOT LIKE 'pg\_toast%'
  UNION ALL
  SELECT 'attrdef:' || d.adrelid || ':' || d.adnum, 'default', '', 'class:' || d.adrelid,
         quote_ident(n.nspname) || '.' || quote_ident(c.relname), NULL, d.adbin::text, false,
         d.@VERSION@
  FROM pg_attrdef d
  JOIN pg_class c ON c.oid = d.adrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE d.adrelid = ANY ($3)
  UNION ALL
  SELECT 'constraint:' || co.oid, 'constraint',
         quote_ident(co.conname) || ' on '
           || coalesce(quote_ident(n.nspname) || '.' || quote_ident(c.relname),
                       quote_ident(tn.nspname) || '.' || quote_ident(t.typname)),
         CASE WHEN co.conrelid <> 0 THEN 'class:' || co.conrelid ELSE 'type:' || co.contypid END,
         coalesce(quote_ident(n.nspname) || '.' || quote_ident(c.relname),
                  quote_ident(tn.nspname) || '.' || quote_ident(t.typname)),
         NULL,
         concat_ws('|', co.conname, co.contype, co.condeferrable, co.condeferred,
                   co.convalidated, co.conkey::text, co.confrelid, co.confkey::text,
                   co.conbin::text, co.conindid, co.connoinherit),
         false, co.@VERSION@
  FROM pg_constraint co
  LEFT JOIN pg_class c ON c.oid = co.conrelid
  LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_type t ON t.oid = co.contypid
  LEFT JOIN pg_namespace tn ON tn.oid = t.typnamespace
  WHERE (co.conrelid = ANY ($3) OR co.conrelid = 0) AND co.oid >= 16384
  UNION ALL
  SELECT 'trigger:' || tg.oid, 'trigger',
         quote_ident(tg.tgname) || ' on ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname),
         'class:' || tg.tgrelid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), NULL,
         concat_ws('|', tg.tgname, tg.tgfoid, tg.tgtype, tg.tgenabled, tg.tgqual::text), false,
         tg.@VERSION@
  FROM pg_trigger tg
  JOIN pg_class c ON c.oid = tg.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE tg.tgrelid = ANY ($3) AND NOT tg.tgisinternal
  UNION ALL
  SELECT 'policy:' || p.oid, 'policy',
         quote_ident(p.polname) || ' on ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname),
         'class:' || p.polrelid, quote_ident(n.nspname) || '.' || quote_ident(c.relname), NULL,
         concat_ws('|', p.polname, p.polcmd, p.polpermissive, p.polroles::text, p.polqual::text,
                   p.polwithcheck::text),
         false, p.@VERSION@
  FROM pg_policy p
  JOIN pg_class c ON c.oid = p.polrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE p.polrelid = ANY ($3)
  UNION ALL
  SELECT 'rewrite:' || r.oid, CASE WHEN r.rulename = '_RETURN' THEN 'view definition' ELSE 'rule' END,
         quote_ident(r.rulename) || ' on ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname),
         'class:' || r.ev_class, quote_ident(n.nspname) || '.' || quote_ident(c.relname), NULL,
         md5(r.ev_action::text || coalesce(r.ev_qual::text, '')), false, r.@VERSION@
  FROM pg_rewrite r
  JOIN pg_class c ON c.oid = r.ev_class
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE r.ev_class = ANY ($3) AND r.oid >= 16384
  UNION ALL
  SELECT 'proc:' || p.oid,
         CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' ELSE 'function' END,
         quote_ident(n.nspname) || '.' || quote_ident(p.proname)
           || '(' || oidvectortypes(p.proargtypes) || ')',
         NULL, NULL, NULL,
         concat_ws('|', p.proname, p.pronamespace, p.proowner, md5(p.prosrc), p.probin,
                   p.provolatile, p.prosecdef, p.proleakproof, p.proisstrict, p.proparallel,
                   p.prorettype, p.proconfig::text, p.proacl::text),
         false, p.@VERSION@
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE $4 AND p.oid >= 16384
  UNION ALL
  SELECT 'type:' || t.oid,
         CASE t.typtype WHEN 'd' THEN 'domain' ELSE 'type' END,
         quote_ident(n.nspname) || '.' || quote_ident(t.typname), NULL, NULL, NULL,
         concat_ws('|', t.typname, t.typnamespace, t.typowner, t.typnotnull, t.typdefault,
                   t.typbasetype, t.typtypmod, t.typacl::text),
         false, t.@VERSION@
  FROM pg_type t
  JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE $4 AND t.oid >= 16384 AND t.typtype IN ('b', 'd', 'e', 'r') AND t.typrelid = 0
    AND NOT (t.typtype = 'b' AND t.typelem <> 0)
  UNION ALL
  SELECT 'enum:' || e.oid, 'enum value',
         quote_literal(e.enumlabel) || ' of ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname),
         'type:' || e.enumtypid, quote_ident(n.nspname) || '.' || quote_ident(t.typname), NULL,
         e.enumlabel || '|' || e.enumsortorder, false, e.@VERSION@
  FROM pg_enum e
  JOIN pg_type t ON t.oid = e.enumtypid
  JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE $4 AND e.oid >= 16384
  UNION ALL
  SELECT 'namespace:' || s.oid, 'schema', quote_ident(s.nspname), NULL, NULL, NULL,
         concat_ws('|', s.nspname, s.nspowner, s.nspacl::text), false, s.@VERSION@
  FROM pg_namespace s
  -- A session's first temporary table creates its temporary schemas: not the migration's.
  WHERE $4 AND s.oid >= 16384 AND s.nspname NOT LIKE 'pg\_temp\_%' AND s.nspname NOT LIKE 'pg\_toast\_temp\_%'
)
SELECT coalesce(json_agg(touched), '[]')::text
FROM touched
WHERE version::text::bigint >= 3
  AND (version::text::bigint - $1 + 4294967296) % 4294967296 < $2
