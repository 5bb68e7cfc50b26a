-- Hooks: functions Confiture calls at the phases of a migration. One table holds the hooks
-- registered with register_hook() and those found by discover_hooks() in functions' comments.
-- It is dumped with the database. Every role may read it; changing it is a DBA's act, as for
-- the linter's configuration: grant INSERT, UPDATE, DELETE on it to the roles that may manage
-- hooks. Whoever registers a hook, it runs only for callers it cannot harm (see the hooks view).

CREATE TABLE @extschema@.hook_registry (
    name           text PRIMARY KEY CHECK (name <> ''),
    phase          @extschema@.hook_phase NOT NULL,
    fn             regprocedure NOT NULL,
    priority       integer NOT NULL DEFAULT 100,
    timeout        interval NOT NULL DEFAULT '30 seconds' CHECK (timeout > interval '0'),
    applies_to     text,
    enabled        boolean NOT NULL DEFAULT true,
    source         text NOT NULL CHECK (source IN ('registered', 'comment')),
    registered_at  timestamptz NOT NULL DEFAULT now(),
    registered_by  name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE @extschema@.hook_registry IS
    'Hooks of confiture.migrate(): written by register_hook(), discover_hooks(), enable_hook() and unregister_hook(); read through the confiture.hooks view.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.hook_registry', '');
GRANT SELECT ON @extschema@.hook_registry TO PUBLIC;

-- status and refusal are the caller's: hook_refusal() checks the function as it stands now
-- (it may have been dropped, replaced or given to another owner since it was registered)
-- against the role reading the view, which is the role a migration would run it as.
CREATE VIEW @extschema@.hooks AS
SELECT h.name, h.phase, h.fn, h.priority, h.timeout, h.applies_to, h.enabled, h.source,
       CASE WHEN NOT h.enabled THEN 'disabled'
            WHEN r.refusal IS NOT NULL THEN 'refused'
            ELSE 'enabled' END AS status,
       r.refusal, h.registered_at, h.registered_by
  FROM @extschema@.hook_registry h
 CROSS JOIN LATERAL (SELECT @extschema@.hook_refusal(h.fn) AS refusal) r;
COMMENT ON VIEW @extschema@.hooks IS
    'Every hook, registered or discovered, with whether it would run for the current role and why not. migrate() runs a phase''s hooks by priority, then name.';
GRANT SELECT ON @extschema@.hooks TO PUBLIC;
