//! The migration runner in the server: history, idempotence, checksum drift, rollback, failure
//! modes, dry runs, max_risk and lint gates. Concurrent runners are in the pg_regress suite
//! migrate_concurrency (two sessions).

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;
    use serde_json::Value;

    use crate::pg_test::error_of;

    fn json(sql: &str) -> Value {
        Spi::get_one::<pgrx::JsonB>(sql).unwrap().unwrap().0
    }

    fn exists(relation: &str) -> bool {
        Spi::get_one_with_args::<bool>("SELECT to_regclass($1) IS NOT NULL", &[relation.into()])
            .unwrap()
            .unwrap()
    }

    fn status(version: &str) -> Option<String> {
        Spi::get_one_with_args::<String>(
            "SELECT (SELECT status FROM confiture.migrations WHERE version = $1)",
            &[version.into()],
        )
        .unwrap()
    }

    #[pg_test]
    fn a_migration_is_applied_and_recorded() {
        let result = json(
            "SELECT confiture.migrate('V1', 'users', 'CREATE TABLE users (id int);
                                                     INSERT INTO users VALUES (1), (2);',
                                      'DROP TABLE users;')",
        );
        assert_eq!(result["status"], "applied");
        assert_eq!(result["statements"], 2);
        assert_eq!(result["rows"], 2);
        assert!(exists("users"));
        let row =
            json("SELECT to_jsonb(m) - 'applied_at' - 'duration_ms' FROM confiture.migrations m");
        assert_eq!(row["status"], "applied");
        assert_eq!(row["name"], "users");
        assert_eq!(row["applied_by"], "postgres");
        assert_eq!(row["down"], "DROP TABLE users;");
        assert_eq!(row["checksum"], result["checksum"]);
        assert_eq!(row["error"], Value::Null);
    }

    #[pg_test]
    fn reapplying_the_same_script_is_a_no_op() {
        let migrate = "SELECT confiture.migrate('V1', 'seq', 'CREATE SEQUENCE s')";
        json(migrate);
        let again = json(migrate);
        assert_eq!(again["status"], "already_applied");
        assert_eq!(again["statements"], 0);
    }

    #[pg_test]
    fn a_changed_script_for_an_applied_version_is_an_error() {
        json("SELECT confiture.migrate('V1', 'seq', 'CREATE SEQUENCE s')");
        let (code, message) =
            error_of("SELECT confiture.migrate('V1', 'seq', 'CREATE SEQUENCE s2')").unwrap();
        assert_eq!(code, "55000");
        assert_eq!(message, "migration V1 was applied with a different script");
    }

    #[pg_test]
    fn rollback_runs_the_down_script_and_allows_a_new_apply() {
        json("SELECT confiture.migrate('V1', 't', 'CREATE TABLE t (id int)', 'DROP TABLE t')");
        let result = json("SELECT confiture.rollback('V1')");
        assert_eq!(result["status"], "rolled_back");
        assert!(!exists("t"));
        assert_eq!(status("V1").as_deref(), Some("rolled_back"));
        let again = json("SELECT confiture.migrate('V1', 't', 'CREATE TABLE t (id int)')");
        assert_eq!(again["status"], "applied");
        assert!(exists("t"));
    }

    #[pg_test]
    fn rollback_needs_an_applied_version_with_a_down_script() {
        assert_eq!(
            error_of("SELECT confiture.rollback('V9')"),
            Some(("42704".into(), "migration V9 is not applied".into()))
        );
        json("SELECT confiture.migrate('V1', 't', 'CREATE TABLE t (id int)')");
        assert_eq!(
            error_of("SELECT confiture.rollback('V1')"),
            Some(("55000".into(), "migration V1 has no down script".into()))
        );
    }

    #[pg_test]
    fn a_failure_rolls_everything_back_and_raises_the_original_sqlstate() {
        let error = error_of(
            "SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int);
                                                 INSERT INTO t VALUES (''one'');')",
        );
        assert_eq!(
            error,
            Some((
                "22P02".into(),
                "migrate V1 failed at statement 2: invalid input syntax for type integer: \"one\""
                    .into()
            ))
        );
        assert!(!exists("t"));
        assert_eq!(status("V1"), None);
    }

    #[pg_test]
    fn on_error_record_keeps_the_failed_attempt_and_returns_the_error() {
        let result = json(
            "SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int); SELECT 1/0;',
                                      options => '{\"on_error\": \"record\"}')",
        );
        assert_eq!(result["status"], "failed");
        assert_eq!(result["error"]["sqlstate"], "22012");
        assert_eq!(
            result["error"]["failed_at"],
            serde_json::json!({"stage": "statement", "statement": 2})
        );
        assert!(!exists("t"));
        assert_eq!(status("V1").as_deref(), Some("failed"));
        // A failed version may be applied again once fixed.
        let fixed = json("SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)')");
        assert_eq!(fixed["status"], "applied");
        assert_eq!(
            Spi::get_one::<bool>("SELECT error IS NULL FROM confiture.migrations"),
            Ok(Some(true))
        );
    }

    #[pg_test]
    fn a_dry_run_runs_everything_and_keeps_nothing() {
        Spi::run(
            "CREATE TABLE calls (phase text);
             CREATE FUNCTION record(context jsonb) RETURNS jsonb LANGUAGE sql AS
                 $$ INSERT INTO calls VALUES (context ->> 'phase')
                    RETURNING jsonb_build_object('dry_run', context -> 'dry_run') $$;
             SELECT confiture.register_hook('r', 'after_ddl', 'record(jsonb)');",
        )
        .unwrap();
        let result = json(
            "SELECT confiture.migrate('V1', 'x', 'CREATE TABLE t (id int)',
                                      options => '{\"dry_run\": true}')",
        );
        assert_eq!(result["status"], "would_apply");
        assert_eq!(
            result["hook_results"][0]["result"],
            serde_json::json!({"dry_run": true})
        );
        assert!(!exists("t"));
        assert_eq!(
            Spi::get_one::<i64>("SELECT count(*) FROM calls"),
            Ok(Some(0))
        );
        assert_eq!(status("V1"), None);
        let failing = json(
            "SELECT confiture.migrate('V2', 'x', 'SELECT 1/0', options => '{\"dry_run\": true}')",
        );
        assert_eq!(failing["status"], "would_fail");
        assert_eq!(status("V2"), None);
    }

    #[pg_test]
    fn max_risk_refuses_a_riskier_migration_before_it_runs() {
        Spi::run("CREATE TABLE big (id int, v text)").unwrap();
        let (code, message) = error_of(
            "SELECT confiture.migrate('V1', 'x', 'ALTER TABLE big ALTER v TYPE int USING 0',
                                      options => '{\"max_risk\": \"low\"}')",
        )
        .unwrap();
        assert_eq!(code, "55000");
        assert!(
            message.ends_with("1 statement(s) above max_risk low"),
            "{message}"
        );
        let allowed = json(
            "SELECT confiture.migrate('V1', 'x', 'ALTER TABLE big ALTER v TYPE int USING 0',
                                      options => '{\"max_risk\": \"critical\"}')",
        );
        assert_eq!(allowed["status"], "applied");
    }

    #[pg_test]
    fn the_lint_gate_fails_on_errors_the_migration_introduces_only() {
        // An existing lint error is not the migration's.
        Spi::run("CREATE TABLE legacy (v text)").unwrap();
        let fine = json(
            "SELECT confiture.migrate('V1', 'x', 'CREATE TABLE ok (id int PRIMARY KEY)',
                                      options => '{\"lint\": true}')",
        );
        assert_eq!(fine["status"], "applied");
        let failed = json(
            "SELECT confiture.migrate('V2', 'x', 'CREATE TABLE no_key (v text)',
                                      options => '{\"lint\": true, \"on_error\": \"record\"}')",
        );
        assert_eq!(failed["status"], "failed");
        assert_eq!(failed["error"]["failed_at"]["stage"], "lint");
        assert_eq!(failed["new_lint_errors"][0]["rule"], "missing_primary_key");
        assert_eq!(failed["new_lint_errors"][0]["object"], "public.no_key");
        assert!(!exists("no_key"));
    }

    #[pg_test]
    fn statements_a_transaction_cannot_hold_are_refused_before_anything_runs() {
        Spi::run("CREATE TABLE t (id int)").unwrap();
        let (code, message) = error_of(
            "SELECT confiture.migrate('V1', 'x', 'CREATE TABLE u (id int);
                                                 CREATE INDEX CONCURRENTLY ON t (id);')",
        )
        .unwrap();
        assert_eq!(code, "0A000");
        assert_eq!(
            message,
            "statement 2 (CREATE INDEX) cannot run inside a transaction block"
        );
        let (_, message) =
            error_of("SELECT confiture.migrate('V1', 'x', 'BEGIN; SELECT 1; COMMIT;')").unwrap();
        assert!(
            message.contains("(BEGIN) controls the transaction"),
            "{message}"
        );
        assert!(!exists("u"));
    }

    #[pg_test]
    fn bad_arguments_are_clear_errors() {
        let code = |sql: &str| error_of(sql).map(|e| e.0);
        assert_eq!(
            code("SELECT confiture.migrate(NULL, 'x', 'SELECT 1')"),
            Some("22004".into())
        );
        assert_eq!(
            code("SELECT confiture.migrate(' ', 'x', 'SELECT 1')"),
            Some("22023".into())
        );
        assert_eq!(
            code("SELECT confiture.migrate('V1', 'x', 'SELECT 1', options => '{\"dryrun\": 1}')"),
            Some("22023".into())
        );
        assert_eq!(
            code("SELECT confiture.migrate('V1', 'x', 'SELEC 1')"),
            Some("42601".into())
        );
    }
}
