-- The part of the catalog the linter reads: the user's schemas (not system schemas, not an
-- extension's) and their relations (not an extension's). Each query of this folder starts with
-- these definitions. Catalog reads only, plus statistics: no lock on any table, no write, so
-- the linter runs on a hot standby.
WITH nsp AS (
    SELECT n.oid, n.nspname, n.nspowner, n.nspacl
    FROM pg_namespace n
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'
      AND NOT EXISTS (SELECT FROM pg_depend d
                      WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e')
),
rels AS (
    SELECT c.oid, c.relname, c.relkind, c.relnamespace, n.nspname, c.reltuples, c.relpages,
           c.relispartition, c.relrowsecurity, c.reloptions
    FROM pg_class c
    JOIN nsp n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND NOT EXISTS (SELECT FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
),
comments AS (
    SELECT d.objoid, d.objsubid, d.description
    FROM pg_description d
    WHERE d.classoid = 'pg_class'::regclass
),
constraint_comments AS (
    SELECT d.objoid, d.description
    FROM pg_description d
    WHERE d.classoid = 'pg_constraint'::regclass
),
view_reads AS (
    SELECT r.ev_class, array_agg(DISTINCT d.refobjid::int8) AS reads
    FROM pg_rewrite r
    JOIN pg_class v ON v.oid = r.ev_class AND v.relkind IN ('v', 'm')
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
    GROUP BY r.ev_class
)
