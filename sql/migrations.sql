-- The migration history written by migrate() and rollback(): one row per version, in its
-- latest state. It holds the scripts and what hooks returned, so no role reads it unless
-- granted: GRANT SELECT to those who may see the history, and INSERT, UPDATE too to the roles
-- that run migrations.

CREATE TABLE @extschema@.migrations (
    version         text PRIMARY KEY CHECK (version <> ''),
    name            text NOT NULL,
    checksum        text NOT NULL,
    status          text NOT NULL CHECK (status IN ('applied', 'failed', 'rolled_back')),
    applied_at      timestamptz NOT NULL DEFAULT now(),
    applied_by      name NOT NULL DEFAULT current_user,
    duration_ms     float8,
    up              text NOT NULL,
    down            text,
    hook_results    jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(hook_results) = 'array'),
    error           jsonb,
    rolled_back_at  timestamptz,
    rolled_back_by  name
);
COMMENT ON TABLE @extschema@.migrations IS
    'Migrations run by confiture.migrate(): checksum is encode(sha256(convert_to(up, ''UTF8'')), ''hex''); a failed attempt is kept with its error when migrate() ran with on_error = ''record''.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.migrations', '');
REVOKE ALL ON @extschema@.migrations FROM PUBLIC;

CREATE FUNCTION @extschema@.status(known_versions text[] DEFAULT NULL)
RETURNS TABLE (version text, name text, status text, applied_at timestamptz,
               applied_by name, duration_ms float8, checksum text, error text)
LANGUAGE sql STABLE SECURITY INVOKER
AS $$
    SELECT m.version, m.name, m.status, m.applied_at, m.applied_by, m.duration_ms,
           m.checksum, m.error ->> 'message'
      FROM @extschema@.migrations m
    UNION ALL
    SELECT k.version, NULL, 'pending', NULL, NULL, NULL, NULL, NULL
      FROM unnest(known_versions) AS k (version)
     WHERE NOT EXISTS (SELECT FROM @extschema@.migrations m WHERE m.version = k.version)
     ORDER BY 4 NULLS LAST, 1
$$;
COMMENT ON FUNCTION @extschema@.status(text[]) IS
    'Each migration in confiture.migrations with its status (applied, failed, rolled_back), and the known_versions not recorded yet as pending.';
