//! Hooks in the server: phase and priority order, the context, failures and their rollback,
//! timeouts, discovery from comments and from another extension, privileges.

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;
    use serde_json::Value;

    use crate::pg_test::error_of;

    /// `calls` records every hook call: which hook, in which phase, with which context.
    fn fixture() {
        Spi::run(
            "CREATE TABLE calls (n serial, hook text, phase text, context jsonb);
             CREATE FUNCTION record(context jsonb) RETURNS jsonb LANGUAGE sql AS $$
                 INSERT INTO calls (hook, phase, context)
                 VALUES (context #>> '{results,-1,hook}', context ->> 'phase', context)
                 RETURNING jsonb_build_object('call', n) $$;
             CREATE FUNCTION fail(context jsonb) RETURNS void LANGUAGE plpgsql AS $$
                 BEGIN
                     INSERT INTO calls (hook, phase) VALUES ('fail', context ->> 'phase');
                     RAISE EXCEPTION 'hook failed in %', context ->> 'phase'
                         USING ERRCODE = 'P0042';
                 END $$;",
        )
        .unwrap();
    }

    fn register(name: &str, phase: &str, function: &str, priority: i32) {
        Spi::run_with_args(
            "SELECT confiture.register_hook($1, $2::confiture.hook_phase, $3::regprocedure, $4)",
            &[name.into(), phase.into(), function.into(), priority.into()],
        )
        .unwrap();
    }

    fn json(sql: &str) -> Value {
        Spi::get_one::<pgrx::JsonB>(sql).unwrap().unwrap().0
    }

    fn phases_called() -> Vec<String> {
        Spi::connect(|c| {
            c.select("SELECT phase FROM calls ORDER BY n", None, &[])
                .unwrap()
                .map(|r| r.get::<String>(1).unwrap().unwrap())
                .collect()
        })
    }

    #[pg_test]
    fn phases_run_in_order_and_hooks_in_priority_order() {
        fixture();
        for phase in [
            "cleanup",
            "after_validation",
            "after_ddl",
            "before_ddl",
            "before_validation",
        ] {
            register(&format!("{phase}_hook"), phase, "record(jsonb)", 100);
        }
        register("b_late", "after_ddl", "record(jsonb)", 200);
        register("a_early", "after_ddl", "record(jsonb)", 1);
        register("z_same", "after_ddl", "record(jsonb)", 200);
        let result = json("SELECT confiture.migrate('V1', 'order', 'CREATE TABLE t (id int)')");
        let order: Vec<(&str, &str)> = result["hook_results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["phase"].as_str().unwrap(), r["hook"].as_str().unwrap()))
            .collect();
        assert_eq!(
            order,
            [
                ("before_validation", "before_validation_hook"),
                ("before_ddl", "before_ddl_hook"),
                ("after_ddl", "a_early"),
                ("after_ddl", "after_ddl_hook"),
                ("after_ddl", "b_late"),
                ("after_ddl", "z_same"),
                ("after_validation", "after_validation_hook"),
                ("cleanup", "cleanup_hook"),
            ]
        );
        assert_eq!(phases_called().len(), 8);
    }

    #[pg_test]
    fn the_context_carries_the_migration_and_earlier_results() {
        fixture();
        register("first", "before_ddl", "record(jsonb)", 1);
        register("second", "after_ddl", "record(jsonb)", 1);
        let up = "CREATE TABLE t (id int); ALTER TABLE calls ADD note text;";
        Spi::run_with_args(
            "SELECT confiture.migrate('V7', 'context', $1)",
            &[up.into()],
        )
        .unwrap();
        let context = json("SELECT context FROM calls WHERE phase = 'after_ddl'");
        let checksum = Spi::get_one_with_args::<String>(
            "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')",
            &[up.into()],
        )
        .unwrap()
        .unwrap();
        assert_eq!(context["version"], "V7");
        assert_eq!(context["name"], "context");
        assert_eq!(context["checksum"], checksum.as_str());
        assert_eq!(context["phase"], "after_ddl");
        assert_eq!(context["operation"], "migrate");
        assert_eq!(context["dry_run"], false);
        assert_eq!(
            context["statements"],
            serde_json::json!(["CREATE TABLE t (id int)", "ALTER TABLE calls ADD note text"])
        );
        assert_eq!(context["tables"], serde_json::json!(["public.calls", "t"]));
        assert_eq!(context["user"], "postgres");
        assert!(context["timestamp"].as_str().unwrap().starts_with("20"));
        // The first hook's result reached the second.
        assert_eq!(context["results"][0]["hook"], "first");
        assert_eq!(
            context["results"][0]["result"],
            serde_json::json!({"call": 1})
        );
    }

    #[pg_test]
    fn a_failing_hook_in_any_phase_rolls_back_the_migration_and_runs_on_error() {
        fixture();
        Spi::run(
            "CREATE TABLE alerts (context jsonb);
             CREATE FUNCTION alert(context jsonb) RETURNS void LANGUAGE sql AS
                 $$ INSERT INTO alerts VALUES (context) $$;",
        )
        .unwrap();
        register("alert", "on_error", "alert(jsonb)", 1);
        register("record_before", "before_validation", "record(jsonb)", 1);
        for phase in [
            "before_validation",
            "before_ddl",
            "after_ddl",
            "after_validation",
            "cleanup",
        ] {
            register("failing", phase, "fail(jsonb)", 50);
            let result = json(&format!(
                "SELECT confiture.migrate('V_{phase}', 'fails', 'CREATE TABLE t_{phase} (id int)',
                                          options => '{{\"on_error\": \"record\"}}')"
            ));
            assert_eq!(result["status"], "failed", "{phase}");
            assert_eq!(result["error"]["sqlstate"], "P0042");
            assert_eq!(
                result["error"]["failed_at"],
                serde_json::json!({"stage": "hook", "phase": phase, "hook": "failing"})
            );
            // The statements, the failing hook's own writes and the earlier hooks' are gone.
            let created =
                Spi::get_one::<bool>(&format!("SELECT to_regclass('t_{phase}') IS NOT NULL"));
            assert_eq!(created, Ok(Some(false)), "{phase}");
            assert_eq!(
                Spi::get_one::<i64>("SELECT count(*) FROM calls"),
                Ok(Some(0))
            );
            // on_error saw the error, and what it wrote stays.
            let alert = json("SELECT context FROM alerts ORDER BY ctid DESC LIMIT 1");
            assert_eq!(alert["error"]["message"], format!("hook failed in {phase}"));
            assert_eq!(alert["version"], format!("V_{phase}"));
            Spi::run("SELECT confiture.unregister_hook('failing')").unwrap();
        }
        assert_eq!(
            Spi::get_one::<i64>("SELECT count(*) FROM alerts"),
            Ok(Some(5))
        );
    }

    #[pg_test]
    fn a_failing_hook_raises_its_own_error_naming_hook_and_phase() {
        fixture();
        register("failing", "after_ddl", "fail(jsonb)", 1);
        // pgrx cannot raise a SQLSTATE PostgreSQL does not define: the hook's P0042 becomes
        // P0001, named in the detail (the result of on_error = 'record' keeps P0042).
        assert_eq!(
            error_of("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)')"),
            Some((
                "P0001".into(),
                "migrate V1 failed at hook \"failing\" (after_ddl phase): hook failed in after_ddl"
                    .into()
            ))
        );
    }

    #[pg_test]
    fn a_hook_that_outlives_its_timeout_is_cancelled() {
        Spi::run(
            "CREATE FUNCTION slow(context jsonb) RETURNS void LANGUAGE sql AS
                 $$ SELECT pg_sleep(5) $$;
             SELECT confiture.register_hook('slow', 'after_ddl', 'slow(jsonb)',
                                            timeout => '100 ms')",
        )
        .unwrap();
        let started = std::time::Instant::now();
        let result = json(
            "SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)',
                                      options => '{\"on_error\": \"record\"}')",
        );
        assert!(started.elapsed().as_secs_f64() < 2.0);
        assert_eq!(result["error"]["sqlstate"], "57014");
        assert!(result["error"]["detail"]
            .as_str()
            .unwrap()
            .contains("100 ms"));
        // The caller's own statement timer is back: a later statement still runs.
        assert_eq!(Spi::get_one::<i32>("SELECT 1"), Ok(Some(1)));
    }

    #[pg_test]
    fn applies_to_selects_migrations_by_version_or_name() {
        fixture();
        Spi::run(
            "SELECT confiture.register_hook('billing_only', 'after_ddl', 'record(jsonb)',
                                            applies_to => '^billing')",
        )
        .unwrap();
        Spi::run("SELECT confiture.migrate('V1', 'users', 'CREATE TABLE a (id int)')").unwrap();
        assert_eq!(phases_called().len(), 0);
        Spi::run("SELECT confiture.migrate('V2', 'billing tables', 'CREATE TABLE b (id int)')")
            .unwrap();
        assert_eq!(phases_called(), ["after_ddl"]);
        assert_eq!(
            error_of(
                "SELECT confiture.register_hook('bad', 'after_ddl', 'record(jsonb)',
                                                applies_to => '(')"
            )
            .map(|e| e.0),
            Some("2201B".into())
        );
    }

    #[pg_test]
    fn disabled_hooks_do_not_run() {
        fixture();
        register("h", "after_ddl", "record(jsonb)", 1);
        Spi::run("SELECT confiture.enable_hook('h', false)").unwrap();
        Spi::run("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)')").unwrap();
        assert_eq!(phases_called().len(), 0);
        assert_eq!(
            Spi::get_one::<String>("SELECT status FROM confiture.hooks WHERE name = 'h'"),
            Ok(Some("disabled".into()))
        );
    }

    #[pg_test]
    fn a_hook_whose_function_was_dropped_fails_its_phase_until_unregistered() {
        fixture();
        register("gone", "cleanup", "record(jsonb)", 1);
        Spi::run("DROP FUNCTION record(jsonb)").unwrap();
        let hook = json("SELECT to_jsonb(h) FROM confiture.hooks h");
        assert_eq!(hook["status"], "refused");
        assert!(hook["refusal"]
            .as_str()
            .unwrap()
            .ends_with("does not exist"));
        let result = json(
            "SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)',
                                      options => '{\"on_error\": \"record\"}')",
        );
        assert_eq!(
            result["error"]["failed_at"],
            serde_json::json!({"stage": "hook", "phase": "cleanup", "hook": "gone"})
        );
        Spi::run("SELECT confiture.unregister_hook('gone')").unwrap();
        let result = json("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)')");
        assert_eq!(result["status"], "applied");
    }

    #[pg_test]
    fn hooks_are_discovered_from_function_comments() {
        fixture();
        Spi::run(
            "CREATE SCHEMA ops;
             CREATE FUNCTION ops.audit(context jsonb) RETURNS jsonb LANGUAGE sql AS
                 $$ SELECT '{\"audited\": true}'::jsonb $$;
             COMMENT ON FUNCTION ops.audit(jsonb) IS
                 'Audits. @confiture.hook phase=after_ddl priority=7 timeout=3s';
             CREATE FUNCTION ops.broken(context jsonb) RETURNS jsonb LANGUAGE sql AS
                 $$ SELECT NULL::jsonb $$;
             COMMENT ON FUNCTION ops.broken(jsonb) IS '@confiture.hook phase=never';",
        )
        .unwrap();
        assert_eq!(
            Spi::get_one::<i32>("SELECT confiture.discover_hooks()"),
            Ok(Some(1))
        );
        let hook = json("SELECT to_jsonb(h) FROM confiture.hooks h WHERE name = 'ops.audit'");
        assert_eq!(hook["phase"], "after_ddl");
        assert_eq!(hook["priority"], 7);
        assert_eq!(hook["timeout"], "00:00:03");
        assert_eq!(hook["source"], "comment");
        assert_eq!(hook["status"], "enabled");
        let result = json("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)')");
        assert_eq!(
            result["hook_results"][0]["result"],
            serde_json::json!({"audited": true})
        );

        // A changed tag is updated, a removed one unregistered.
        Spi::run(
            "COMMENT ON FUNCTION ops.audit(jsonb) IS '@confiture.hook phase=cleanup';
             SELECT confiture.discover_hooks();",
        )
        .unwrap();
        assert_eq!(
            Spi::get_one::<String>("SELECT phase::text FROM confiture.hooks"),
            Ok(Some("cleanup".into()))
        );
        Spi::run("COMMENT ON FUNCTION ops.audit(jsonb) IS NULL").unwrap();
        assert_eq!(
            Spi::get_one::<i32>("SELECT confiture.discover_hooks()"),
            Ok(Some(0))
        );
        assert_eq!(
            Spi::get_one::<i64>("SELECT count(*) FROM confiture.hooks"),
            Ok(Some(0))
        );
    }

    #[pg_test]
    fn a_hook_shipped_by_another_extension_is_found() {
        Spi::run(
            "CREATE EXTENSION confiture_sample_hooks;
             CREATE TABLE t (id int);",
        )
        .unwrap();
        assert_eq!(
            Spi::get_one::<i32>("SELECT confiture.discover_hooks()"),
            Ok(Some(1))
        );
        let result = json("SELECT confiture.migrate('V1', 'x', 'ALTER TABLE t ADD note text')");
        let run = &result["hook_results"][0];
        assert_eq!(run["hook"], "confiture_sample_hooks.record_tables");
        assert_eq!(run["phase"], "after_ddl");
        assert_eq!(
            run["result"],
            serde_json::json!({"extension": "confiture_sample_hooks", "version": "V1",
                               "tables": ["public.t"]})
        );
    }

    #[pg_test]
    fn functions_that_cannot_be_hooks_are_refused_at_registration() {
        Spi::run(
            "CREATE FUNCTION two(a jsonb, b int) RETURNS jsonb LANGUAGE sql AS $$ SELECT a $$;
             CREATE FUNCTION texty(a jsonb) RETURNS text LANGUAGE sql AS $$ SELECT '' $$;",
        )
        .unwrap();
        let refused = |sql: &str| error_of(sql).unwrap();
        let (code, message) =
            refused("SELECT confiture.register_hook('h', 'after_ddl', 'two(jsonb, int)')");
        assert_eq!(code, "42P13");
        assert!(message.contains("one jsonb argument"), "{message}");
        let (_, message) =
            refused("SELECT confiture.register_hook('h', 'after_ddl', 'texty(jsonb)')");
        assert!(message.contains("returns text"), "{message}");
        let (code, _) = refused("SELECT confiture.register_hook('h', 'after_ddl', 'nope(jsonb)')");
        assert_eq!(code, "42883");
        let (code, _) = refused(
            "SELECT confiture.register_hook('h', 'after_ddl', 'texty(jsonb)', timeout => '0')",
        );
        assert_eq!(code, "22023");
        Spi::run("CREATE FUNCTION ok(a jsonb) RETURNS void LANGUAGE sql AS $$ $$").unwrap();
        Spi::run("SELECT confiture.register_hook('h', 'after_ddl', 'ok(jsonb)')").unwrap();
        let (code, message) =
            refused("SELECT confiture.register_hook('h', 'cleanup', 'ok(jsonb)')");
        assert_eq!(
            (code.as_str(), message.as_str()),
            ("42710", "hook \"h\" already exists")
        );
        let (code, _) = refused("SELECT confiture.unregister_hook('nope')");
        assert_eq!(code, "42704");
    }

    /// Roles for the privilege tests: `intern` has no privileges, `dba` owns functions.
    fn roles() {
        Spi::run(
            "CREATE ROLE intern; CREATE ROLE dba;
             GRANT USAGE, CREATE ON SCHEMA public TO intern, dba;
             CREATE FUNCTION definer(context jsonb) RETURNS jsonb SECURITY DEFINER
                 LANGUAGE sql AS $$ SELECT '{}'::jsonb $$;
             ALTER FUNCTION definer(jsonb) OWNER TO dba;",
        )
        .unwrap();
    }

    #[pg_test]
    fn an_unprivileged_role_cannot_register_hooks() {
        roles();
        Spi::run(
            "CREATE FUNCTION plain(context jsonb) RETURNS void LANGUAGE sql AS $$ $$;
             SET ROLE intern",
        )
        .unwrap();
        let (code, message) =
            error_of("SELECT confiture.register_hook('h', 'after_ddl', 'plain(jsonb)')").unwrap();
        assert_eq!(code, "42501");
        assert_eq!(message, "permission denied to change Confiture's hooks");
        Spi::run("RESET ROLE").unwrap();
    }

    #[pg_test]
    fn another_roles_security_definer_function_cannot_be_a_hook() {
        roles();
        Spi::run(
            "GRANT INSERT, UPDATE, DELETE ON confiture.hook_registry TO intern;
             SET ROLE intern",
        )
        .unwrap();
        let (code, message) =
            error_of("SELECT confiture.register_hook('h', 'after_ddl', 'definer(jsonb)')").unwrap();
        assert_eq!(code, "42501");
        assert!(
            message.contains("SECURITY DEFINER and owned by dba"),
            "{message}"
        );
        Spi::run("RESET ROLE").unwrap();
    }

    #[pg_test]
    fn a_hook_owned_by_a_lesser_role_does_not_run_as_a_greater_one() {
        roles();
        // intern may manage hooks, and registers its own function.
        Spi::run(
            "GRANT INSERT, UPDATE, DELETE ON confiture.hook_registry TO intern;
             SET ROLE intern;
             CREATE FUNCTION sneaky(context jsonb) RETURNS void LANGUAGE sql AS
                 $$ SELECT 1 $$;
             SELECT confiture.register_hook('sneaky', 'after_ddl', 'sneaky(jsonb)');
             RESET ROLE;",
        )
        .unwrap();
        // For a superuser, running it would let intern act as a superuser.
        assert_eq!(
            Spi::get_one::<String>("SELECT status FROM confiture.hooks"),
            Ok(Some("refused".into()))
        );
        let (code, message) =
            error_of("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)')").unwrap();
        assert_eq!(code, "42501");
        assert!(message.contains("owned by intern"), "{message}");
        // Nor can a superuser register it.
        let (code, _) =
            error_of("SELECT confiture.register_hook('again', 'cleanup', 'sneaky(jsonb)')")
                .unwrap();
        assert_eq!(code, "42501");
        // For intern itself the hook is fine: it can only do what intern can.
        Spi::run("SET ROLE intern").unwrap();
        assert_eq!(
            Spi::get_one::<String>("SELECT status FROM confiture.hooks"),
            Ok(Some("enabled".into()))
        );
        Spi::run("RESET ROLE").unwrap();
    }

    #[pg_test]
    fn hooks_run_with_the_callers_privileges_only() {
        roles();
        Spi::run(
            "CREATE TABLE secrets (value text);
             CREATE FUNCTION peek(context jsonb) RETURNS jsonb LANGUAGE sql AS
                 $$ SELECT jsonb_build_object('secret', (SELECT value FROM secrets)) $$;
             SELECT confiture.register_hook('peek', 'after_ddl', 'peek(jsonb)');
             GRANT SELECT, INSERT, UPDATE ON confiture.migrations TO intern;
             SET ROLE intern;",
        )
        .unwrap();
        let (code, message) =
            error_of("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE mine (id int)')").unwrap();
        assert_eq!(code, "42501");
        assert!(
            message.contains("permission denied for table secrets"),
            "{message}"
        );
        Spi::run("RESET ROLE").unwrap();
    }

    #[pg_test]
    fn the_history_is_not_readable_without_a_grant() {
        roles();
        Spi::run("SET ROLE intern").unwrap();
        assert_eq!(
            error_of("SELECT * FROM confiture.status()").map(|e| e.0),
            Some("42501".into())
        );
        assert_eq!(
            error_of("SELECT confiture.migrate('V1', 'x', 'SELECT 1')").map(|e| e.0),
            Some("42501".into())
        );
        Spi::run("RESET ROLE").unwrap();
    }
}
