-- An extension ships hooks by tagging its functions' comments; confiture.discover_hooks()
-- registers them. The extension does not need Confiture to be installed first.

CREATE FUNCTION record_tables(context jsonb) RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object('extension', 'confiture_sample_hooks',
                              'version', context ->> 'version',
                              'tables', context -> 'tables')
$$;
COMMENT ON FUNCTION record_tables(jsonb) IS
    'Reports the tables a migration touched. @confiture.hook phase=after_ddl priority=5 timeout=2s';
