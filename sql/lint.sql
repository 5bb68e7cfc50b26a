-- The linter's configuration and history. They live in the extension's schema, so they are
-- dumped with the database (pg_extension_config_dump) and survive upgrades. Every role may read
-- them (lint() reads them as its caller); changing them is a DBA's act: grant INSERT, UPDATE,
-- DELETE to the roles that may configure rules, and INSERT on the run tables to the role that
-- takes snapshots (pg_cron's job owner).

CREATE TABLE @extschema@.lint_rule_config (
    rule        text PRIMARY KEY,
    enabled     boolean,
    severity    text CHECK (severity IN ('error', 'warning', 'info')),
    options     jsonb CHECK (options IS NULL OR jsonb_typeof(options) = 'object'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  name NOT NULL DEFAULT current_user
);
COMMENT ON TABLE @extschema@.lint_rule_config IS
    'Per-rule configuration of confiture.lint(): NULL keeps the rule''s default. Written by confiture.configure_rule().';

CREATE TABLE @extschema@.lint_exclusions (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rule            text NOT NULL,
    object_pattern  text NOT NULL,
    reason          text NOT NULL CHECK (reason <> ''),
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      name NOT NULL DEFAULT current_user,
    UNIQUE (rule, object_pattern)
);
COMMENT ON TABLE @extschema@.lint_exclusions IS
    'Objects a lint rule must not report: object_pattern is a LIKE pattern on object_name. Written by confiture.exclude().';

CREATE TABLE @extschema@.lint_runs (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ran_at       timestamptz NOT NULL DEFAULT now(),
    ran_by       name NOT NULL DEFAULT current_user,
    duration_ms  float8 NOT NULL,
    counts       jsonb NOT NULL
);
COMMENT ON TABLE @extschema@.lint_runs IS 'Runs recorded by confiture.lint_snapshot().';

CREATE TABLE @extschema@.lint_findings (
    run_id       bigint NOT NULL REFERENCES @extschema@.lint_runs (id) ON DELETE CASCADE,
    fingerprint  text NOT NULL,
    rule         text NOT NULL,
    severity     text NOT NULL,
    category     text NOT NULL,
    object_type  text NOT NULL,
    object_name  text NOT NULL,
    message      text NOT NULL,
    remediation  text,
    detail       jsonb,
    PRIMARY KEY (run_id, fingerprint)
);
COMMENT ON TABLE @extschema@.lint_findings IS 'The findings of each run of confiture.lint_snapshot().';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.lint_rule_config', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.lint_exclusions', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.lint_runs', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.lint_findings', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.lint_exclusions_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.lint_runs_id_seq', '');

GRANT SELECT ON @extschema@.lint_rule_config, @extschema@.lint_exclusions,
                @extschema@.lint_runs, @extschema@.lint_findings TO PUBLIC;
