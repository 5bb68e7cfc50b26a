-- The few objects of other kinds, as one JSON document (read by serde into LintCatalog):
-- functions, policies, sequences, schemas, extensions, the statistics' age, the keywords.
, functions AS (
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
    'functions', coalesce((SELECT value FROM functions), '[]'),
    'policies', coalesce((SELECT value FROM policies), '[]'),
    'sequences', coalesce((SELECT value FROM sequences), '[]'),
    'schemas', coalesce((SELECT value FROM schemas), '[]'),
    'extensions', coalesce((SELECT value FROM extensions), '[]'),
    'stats_age_seconds', (SELECT extract(epoch FROM now() - coalesce(stats_reset, pg_postmaster_start_time()))
                          FROM pg_stat_database WHERE datname = current_database()),
    'keywords', (SELECT json_agg(word) FROM pg_get_keywords() WHERE catcode <> 'U')
)::text
