-- Anonymization: the key, the rules, custom strategies and the audit trail.
--
-- The key is a secret: no role but the extension's owner (and superusers) may read its table.
-- The masking functions read it for their caller without handing it over; only a superuser or
-- the extension's owner may set it.
CREATE TABLE @extschema@.anonymization_key (
    id      integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    key     bytea NOT NULL,
    set_at  timestamptz NOT NULL DEFAULT now(),
    set_by  name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE @extschema@.anonymization_key IS
    'The anonymization key (HMAC-SHA256 secret) of this database: readable by the extension owner only. Written by confiture.set_anonymization_key().';
REVOKE ALL ON @extschema@.anonymization_key FROM PUBLIC;

-- Schemas whose functions a superuser vouches for as custom strategies (besides functions
-- owned by superusers).
-- By OID, not by name: trust ends with the schema, and a schema of the same name created later
-- by anyone is not trusted.
CREATE TABLE @extschema@.trusted_schema (
    schema      regnamespace PRIMARY KEY,
    trusted_at  timestamptz NOT NULL DEFAULT now(),
    trusted_by  name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE @extschema@.trusted_schema IS
    'Schemas whose functions may serve as custom masking strategies: written by confiture.trust_schema(), superusers only.';
REVOKE ALL ON @extschema@.trusted_schema FROM PUBLIC;
GRANT SELECT ON @extschema@.trusted_schema TO PUBLIC;

-- Custom strategies registered with register_strategy(). Registering one is a DBA's act, as
-- for hooks: grant INSERT, UPDATE, DELETE to the roles that may.
CREATE TABLE @extschema@.masking_strategy (
    name           text PRIMARY KEY CHECK (name ~ '^[a-z_][a-z0-9_]*$'),
    fn             regprocedure NOT NULL,
    unique_safe    boolean NOT NULL DEFAULT false,
    description    text,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    registered_by  name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE @extschema@.masking_strategy IS
    'Custom masking strategies registered with confiture.register_strategy().';
GRANT SELECT ON @extschema@.masking_strategy TO PUBLIC;

-- What to mask: one rule per column, validated by set_rule() when it is written.
CREATE TABLE @extschema@.anonymization_rule (
    tbl         regclass NOT NULL,
    col         name NOT NULL,
    strategy    text NOT NULL,
    options     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(options) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  name NOT NULL DEFAULT current_user,
    PRIMARY KEY (tbl, col)
);
COMMENT ON TABLE @extschema@.anonymization_rule IS
    'Anonymization rules: written by confiture.set_rule(), read by anonymize_table() and anonymize_database().';
GRANT SELECT ON @extschema@.anonymization_rule TO PUBLIC;

CREATE VIEW @extschema@.anonymization_rules AS
SELECT r.tbl AS "table", r.col AS "column", r.strategy, r.options,
       ARRAY(SELECT c.relname::text
               FROM pg_index i
               JOIN pg_class c ON c.oid = i.indexrelid
               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attname = r.col
              WHERE i.indrelid = r.tbl AND i.indisunique AND a.attnum = ANY (i.indkey)
              ORDER BY c.relname) AS unique_constraints,
       r.created_at, r.created_by
  FROM @extschema@.anonymization_rule r;
COMMENT ON VIEW @extschema@.anonymization_rules IS
    'Each anonymization rule with the unique indexes (UNIQUE and PRIMARY KEY constraints included) of its column.';
GRANT SELECT ON @extschema@.anonymization_rules TO PUBLIC;

-- Who masked what, when: written by every anonymize_table() run, in its transaction. No role
-- may write it unless granted, which makes the grant the permission to anonymize.
CREATE TABLE @extschema@.anonymization_audit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ran_at       timestamptz NOT NULL DEFAULT now(),
    ran_by       name NOT NULL DEFAULT current_user,
    tbl          regclass NOT NULL,
    strategies   jsonb NOT NULL,
    rows         bigint NOT NULL,
    duration_ms  float8 NOT NULL
);
COMMENT ON TABLE @extschema@.anonymization_audit IS
    'Every masking run: who ran which strategies on which table, when, how many rows, how long.';
REVOKE ALL ON @extschema@.anonymization_audit FROM PUBLIC;

SELECT pg_catalog.pg_extension_config_dump('@extschema@.anonymization_rule', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.masking_strategy', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.trusted_schema', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.anonymization_audit', '');

-- Custom strategies run as this role, which holds no privilege of its own: a strategy that
-- reads a table, or writes one, fails instead of leaking or changing data. Roles belong to the
-- cluster, so another database's Confiture may have created it already.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'confiture_sandbox') THEN
        CREATE ROLE confiture_sandbox NOLOGIN NOINHERIT;
    END IF;
END
$$;
