-- The schema to lint as one JSON document, read by confiture_core::lint::catalog::LintCatalog.
-- Catalog reads only (plus statistics views): no lock on any table, no write, so it runs on a
-- hot standby. System schemas, extension schemas and objects that belong to an extension are
-- left out: they are not the user's to fix. Each part is one set-based query; per-table facts
-- are grouped with hash joins rather than a subquery per table, statistics are read with the
-- single pg_stat_get_* function needed (the pg_stat_* views compute every counter), and the
-- many small objects (columns, indexes, constraints) are arrays in the field order of their
-- Rust structs rather than objects repeating every key.
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
cols AS (
    SELECT a.attrelid,
           -- Column: num, name, type_name, type_oid, not_null, default, comment, identity, generated
           json_agg(json_build_array(
               a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid::int8,
               a.attnotnull,
               -- Deparsing is the costly part; only a default holding a string can hide a secret.
               CASE WHEN ad.adbin::text ~ ':consttype (25|1042|1043) ' THEN pg_get_expr(ad.adbin, ad.adrelid) END,
               cm.description,
               a.attidentity <> '', a.attgenerated <> '') ORDER BY a.attnum) AS columns
    FROM pg_attribute a
    JOIN rels r ON r.oid = a.attrelid
    LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    LEFT JOIN comments cm ON cm.objoid = a.attrelid AND cm.objsubid = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped
    GROUP BY a.attrelid
),
view_reads AS (
    SELECT r.ev_class, array_agg(DISTINCT d.refobjid::int8) AS reads
    FROM pg_rewrite r
    JOIN pg_class v ON v.oid = r.ev_class AND v.relkind IN ('v', 'm')
    JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid
                    AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> r.ev_class
    GROUP BY r.ev_class
),
tables AS (
    SELECT json_agg(json_build_object(
        'oid', r.oid::int8, 'schema', r.nspname, 'name', r.relname,
        'qualified', quote_ident(r.nspname) || '.' || quote_ident(r.relname),
        'kind', CASE r.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'partitioned_table'
                               WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized_view'
                               ELSE 'foreign_table' END,
        'partition_of', CASE WHEN r.relispartition THEN inh.inhparent::int8 END,
        'inherits', inh.inhparent IS NOT NULL AND NOT r.relispartition,
        'rows', r.reltuples, 'bytes', r.relpages::int8 * 8192,
        'dead_rows', pg_stat_get_dead_tuples(r.oid),
        'comment', cm.description, 'rls_enabled', r.relrowsecurity,
        'security_invoker', coalesce(r.reloptions && ARRAY['security_invoker=true', 'security_invoker=on',
                                                          'security_invoker=1', 'security_invoker=yes'], false),
        'definition', CASE WHEN r.relkind IN ('v', 'm') THEN pg_get_viewdef(r.oid) END,
        'reads', coalesce(vr.reads, '{}'),
        'columns', coalesce(c.columns, '[]'))) AS value
    FROM rels r
    LEFT JOIN cols c ON c.attrelid = r.oid
    LEFT JOIN comments cm ON cm.objoid = r.oid AND cm.objsubid = 0
    LEFT JOIN pg_inherits inh ON inh.inhrelid = r.oid AND inh.inhseqno = 1
    LEFT JOIN view_reads vr ON vr.ev_class = r.oid
),
indexes AS (
    -- Index: oid, table, name, qualified, keys, included, expressions, predicate, method,
    -- opclasses, collations, unique, primary, valid, ready, partitioned, constraint, scans,
    -- bytes, comment, building
    SELECT json_agg(json_build_array(
        i.indexrelid::int8, i.indrelid::int8, ic.relname,
        quote_ident(r.nspname) || '.' || quote_ident(ic.relname),
        (i.indkey::int2[])[0:i.indnkeyatts - 1],
        coalesce((i.indkey::int2[])[i.indnkeyatts:i.indnatts - 1], '{}'),
        pg_get_expr(i.indexprs, i.indrelid), pg_get_expr(i.indpred, i.indrelid), am.amname,
        (i.indclass::oid[])::int8[], (i.indcollation::oid[])::int8[],
        i.indisunique, i.indisprimary, i.indisvalid, i.indisready, ic.relkind = 'I',
        con.conname, pg_stat_get_numscans(i.indexrelid), ic.relpages::int8 * 8192,
        cm.description, b.index_relid IS NOT NULL)) AS value
    FROM pg_index i
    JOIN rels r ON r.oid = i.indrelid
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
                                AND con.contype IN ('p', 'u', 'x')
    LEFT JOIN comments cm ON cm.objoid = i.indexrelid AND cm.objsubid = 0
    LEFT JOIN pg_stat_progress_create_index b ON b.index_relid = i.indexrelid
),
constraints AS (
    -- Constraint: oid, table, name, kind, columns, referenced, referenced_columns, validated,
    -- comment
    SELECT json_agg(json_build_array(
        k.oid::int8, k.conrelid::int8, k.conname,
        CASE k.contype WHEN 'p' THEN 'primary_key' WHEN 'u' THEN 'unique'
                       WHEN 'f' THEN 'foreign_key' WHEN 'c' THEN 'check'
                       WHEN 'x' THEN 'exclusion' ELSE 'other' END,
        coalesce(k.conkey, '{}'), nullif(k.confrelid, 0)::int8, coalesce(k.confkey, '{}'),
        k.convalidated, cm.description)) AS value
    FROM pg_constraint k
    JOIN rels r ON r.oid = k.conrelid
    LEFT JOIN constraint_comments cm ON cm.objoid = k.oid
),
functions AS (
    SELECT json_agg(json_build_object(
        'oid', p.oid::int8, 'schema', n.nspname,
        'signature', quote_ident(n.nspname) || '.' || quote_ident(p.proname)
                     || '(' || pg_get_function_identity_arguments(p.oid) || ')',
        'kind', p.prokind, 'security_definer', p.prosecdef,
        'sets_search_path', EXISTS (SELECT FROM unnest(p.proconfig) s WHERE s LIKE 'search_path=%'),
        'language', l.lanname,
        'source', CASE WHEN l.lanname NOT IN ('c', 'internal') THEN p.prosrc END,
        'comment', obj_description(p.oid, 'pg_proc'))) AS value
    FROM pg_proc p
    JOIN nsp n ON n.oid = p.pronamespace
    JOIN pg_language l ON l.oid = p.prolang
    WHERE NOT EXISTS (SELECT FROM pg_depend d
                      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
),
policies AS (
    SELECT json_agg(json_build_object(
        'table', p.polrelid::int8, 'name', p.polname, 'permissive', p.polpermissive,
        'command', p.polcmd,
        'roles', ARRAY(SELECT CASE WHEN role = 0 THEN 'public' ELSE pg_get_userbyid(role)::text END
                       FROM unnest(p.polroles) role),
        'using', pg_get_expr(p.polqual, p.polrelid),
        'check', pg_get_expr(p.polwithcheck, p.polrelid))) AS value
    FROM pg_policy p
    JOIN rels r ON r.oid = p.polrelid
),
sequences AS (
    SELECT json_agg(json_build_object(
        'oid', c.oid::int8, 'qualified', quote_ident(n.nspname) || '.' || quote_ident(c.relname),
        'owned_by', CASE WHEN d.refobjid IS NOT NULL THEN json_build_array(d.refobjid::int8, d.refobjsubid) END,
        -- Only sequences the caller may read: pg_sequence_last_value needs the privilege.
        'last_value', CASE WHEN has_sequence_privilege(c.oid, 'SELECT,USAGE')
                           THEN pg_sequence_last_value(c.oid) END,
        'max_value', s.seqmax)) AS value
    FROM pg_class c
    JOIN nsp n ON n.oid = c.relnamespace
    JOIN pg_sequence s ON s.seqrelid = c.oid
    LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                         AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    WHERE c.relkind = 'S'
      AND NOT EXISTS (SELECT FROM pg_depend e
                      WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
),
schemas AS (
    SELECT json_agg(json_build_object(
        'name', n.nspname, 'comment', obj_description(n.oid, 'pg_namespace'),
        'public_create', EXISTS (SELECT FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
                                 WHERE a.grantee = 0 AND a.privilege_type = 'CREATE'))) AS value
    FROM nsp n
),
extensions AS (
    SELECT json_agg(json_build_object(
        'name', e.extname, 'schema', n.nspname, 'version', e.extversion,
        'default_version', av.default_version)) AS value
    FROM pg_extension e
    JOIN pg_namespace n ON n.oid = e.extnamespace
    LEFT JOIN pg_available_extensions av ON av.name = e.extname
)
SELECT json_build_object(
    'tables', coalesce((SELECT value FROM tables), '[]'),
    'indexes', coalesce((SELECT value FROM indexes), '[]'),
    'constraints', coalesce((SELECT value FROM constraints), '[]'),
    'functions', coalesce((SELECT value FROM functions), '[]'),
    'policies', coalesce((SELECT value FROM policies), '[]'),
    'sequences', coalesce((SELECT value FROM sequences), '[]'),
    'schemas', coalesce((SELECT value FROM schemas), '[]'),
    'extensions', coalesce((SELECT value FROM extensions), '[]'),
    'stats_age_seconds', (SELECT extract(epoch FROM now() - coalesce(stats_reset, pg_postmaster_start_time()))
                          FROM pg_stat_database WHERE datname = current_database()),
    'keywords', (SELECT json_agg(word) FROM pg_get_keywords() WHERE catcode <> 'U')
)::text
