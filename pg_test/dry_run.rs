//! confiture.dry_run in the server: failures on the right statement with the real SQLSTATE,
//! the caller's transaction untouched, settings restored, catalog changes observed.
//!
//! Each test runs inside a transaction, so relations created by a test are already locked by
//! it: lock observations are checked in the pg_regress suites (dry_run_truth), where the
//! fixture is committed.

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;

    #[derive(Debug)]
    struct Row {
        no: i32,
        status: String,
        sqlstate: Option<String>,
        message: Option<String>,
        created: Option<Vec<String>>,
        dropped: Option<Vec<String>>,
        altered: Option<Vec<String>>,
        rewritten: Option<Vec<String>>,
        side_effects: Vec<String>,
    }

    fn dry_run(migration: &str, options: &str) -> Vec<Row> {
        Spi::connect_mut(|client| {
            client
                .update(
                    "SELECT statement_no, status, sqlstate, message, created, dropped, altered, \
                            rewritten, side_effects \
                     FROM confiture.dry_run($1, $2::jsonb) ORDER BY statement_no",
                    None,
                    &[migration.into(), options.into()],
                )
                .expect("dry_run runs")
                .map(|row| Row {
                    no: row.get(1).unwrap().unwrap(),
                    status: row.get(2).unwrap().unwrap(),
                    sqlstate: row.get(3).unwrap(),
                    message: row.get(4).unwrap(),
                    created: row.get(5).unwrap(),
                    dropped: row.get(6).unwrap(),
                    altered: row.get(7).unwrap(),
                    rewritten: row.get(8).unwrap(),
                    side_effects: row.get(9).unwrap().unwrap(),
                })
                .collect()
        })
    }

    fn statuses(rows: &[Row]) -> Vec<(i32, &str, Option<&str>)> {
        rows.iter()
            .map(|r| (r.no, r.status.as_str(), r.sqlstate.as_deref()))
            .collect()
    }

    fn fixture() {
        Spi::run(
            "CREATE TABLE customers (id int PRIMARY KEY, email text, note text);
             INSERT INTO customers SELECT g, 'c' || g % 3 || '@example.com', NULL
               FROM generate_series(1, 9) g;
             CREATE VIEW customer_emails AS SELECT id, email FROM customers;",
        )
        .unwrap();
    }

    #[pg_test]
    fn each_error_is_reported_on_its_statement_with_its_sqlstate() {
        fixture();
        let rows = dry_run(
            "CREATE UNIQUE INDEX customers_email_key ON customers (email);
             ALTER TABLE customers ALTER COLUMN note SET NOT NULL;
             ALTER TABLE missing_table ADD COLUMN x int;
             ALTER TABLE customers DROP COLUMN email;
             UPDATE customers SET note = (1 / (id - id))::text;
             ALTER TABLE customers ADD COLUMN ok int",
            r#"{"stop_on_error": false}"#,
        );
        assert_eq!(
            statuses(&rows),
            [
                (1, "failed", Some("23505")),
                (2, "failed", Some("23502")),
                (3, "failed", Some("42P01")),
                (4, "failed", Some("2BP01")),
                (5, "failed", Some("22012")),
                (6, "ok", None),
            ]
        );
        let message = rows[0].message.as_deref().unwrap();
        assert!(message.contains("could not create unique index \"customers_email_key\""));
        assert!(message.contains("DETAIL: Key (email)=(c") && message.ends_with("is duplicated."));
        assert!(rows[3]
            .message
            .as_deref()
            .unwrap()
            .contains("view customer_emails depends"));
        assert!(
            rows[0].created.is_none(),
            "nothing is observed for a failed statement"
        );
    }

    #[pg_test]
    fn statements_after_a_failure_do_not_run_by_default() {
        fixture();
        let rows = dry_run(
            "ALTER TABLE customers ADD COLUMN a int; SELECT 1/0; ALTER TABLE customers ADD COLUMN b int",
            "{}",
        );
        assert_eq!(
            statuses(&rows),
            [
                (1, "ok", None),
                (2, "failed", Some("22012")),
                (3, "not_run", None)
            ]
        );
        assert_eq!(
            rows[2].message.as_deref(),
            Some("not run: statement 2 failed")
        );
    }

    #[pg_test]
    fn the_callers_transaction_is_untouched_and_dry_run_can_run_again() {
        fixture();
        Spi::run("INSERT INTO customers VALUES (100, 'mine@example.com', 'kept')").unwrap();
        let migration =
            "DELETE FROM customers; DROP VIEW customer_emails; DROP TABLE customers; SELECT 1/0";
        for _ in 0..2 {
            let rows = dry_run(migration, "{}");
            assert_eq!(rows[2].status, "ok");
            assert_eq!(
                rows[2].dropped.clone().unwrap_or_default(),
                [
                    "constraint customers_pkey on public.customers",
                    "index public.customers_pkey",
                    "table public.customers"
                ]
            );
            assert_eq!(rows[3].sqlstate.as_deref(), Some("22012"));
        }
        let kept = Spi::get_one::<String>("SELECT note FROM customers WHERE id = 100").unwrap();
        assert_eq!(kept.as_deref(), Some("kept"));
        assert_eq!(
            Spi::get_one::<i64>("SELECT count(*) FROM customers").unwrap(),
            Some(10)
        );
    }

    #[pg_test]
    fn settings_changed_by_the_run_or_the_script_are_restored() {
        Spi::run("SET lock_timeout = '7s'; SET statement_timeout = '0'; SET search_path = public")
            .unwrap();
        let rows = dry_run(
            "SET lock_timeout = '1ms'; SET search_path = pg_catalog; SHOW lock_timeout",
            "{}",
        );
        assert!(rows.iter().all(|r| r.status == "ok"));
        for (setting, value) in [
            ("lock_timeout", "7s"),
            ("statement_timeout", "0"),
            ("search_path", "public"),
        ] {
            let now =
                Spi::get_one::<String>(&format!("SELECT current_setting('{setting}')")).unwrap();
            assert_eq!(now.as_deref(), Some(value), "{setting}");
        }
    }

    #[pg_test]
    fn catalog_changes_are_named() {
        fixture();
        let rows = dry_run(
            "DROP VIEW customer_emails;
             ALTER TABLE customers ADD COLUMN tier text DEFAULT 'free';
             ALTER TABLE customers ALTER COLUMN id TYPE bigint;
             CREATE TABLE invoices (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers);
             ALTER TABLE customers DROP COLUMN note;
             CREATE FUNCTION tier_of(bigint) RETURNS text LANGUAGE sql AS 'SELECT tier FROM customers WHERE id = $1'",
            "{}",
        );
        let list = |v: &Option<Vec<String>>| v.clone().unwrap_or_default();
        assert!(rows.iter().all(|r| r.status == "ok"), "{rows:?}");
        assert_eq!(list(&rows[0].dropped), ["view public.customer_emails"]);
        assert_eq!(list(&rows[1].created), ["column public.customers.tier"]);
        assert_eq!(list(&rows[1].altered), ["public.customers"]);
        let constant_default = list(&rows[1].rewritten);
        assert!(
            constant_default.is_empty(),
            "a constant default does not rewrite"
        );
        // A type change rewrites the table and rebuilds its index under a new OID.
        assert_eq!(list(&rows[2].rewritten), ["public.customers"]);
        assert!(list(&rows[2].created).contains(&"index public.customers_pkey".to_string()));
        assert_eq!(
            list(&rows[3].created),
            [
                "constraint invoices_customer_id_fkey on public.invoices",
                "constraint invoices_pkey on public.invoices",
                "index public.invoices_pkey",
                "table public.invoices"
            ]
        );
        assert_eq!(list(&rows[4].dropped), ["column public.customers.note"]);
        assert_eq!(list(&rows[4].altered), ["public.customers"]);
        assert_eq!(list(&rows[5].created), ["function public.tier_of(bigint)"]);
    }

    #[pg_test]
    fn consumed_sequence_values_and_dead_rows_are_side_effects() {
        Spi::run("CREATE TABLE events (id serial PRIMARY KEY, kind text)").unwrap();
        let rows = dry_run(
            "INSERT INTO events (kind) SELECT 'e' FROM generate_series(1, 5)",
            "{}",
        );
        let effects = &rows[0].side_effects;
        assert!(effects
            .iter()
            .any(|e| e.starts_with("5 row versions written by INSERT")));
        assert!(
            effects.iter().any(|e| e.starts_with(
                "sequence public.events_id_seq moved from next value 1 to last value 5"
            )),
            "{effects:?}"
        );
        let position = Spi::get_one::<i64>("SELECT last_value FROM events_id_seq").unwrap();
        assert_eq!(
            position,
            Some(5),
            "the sequence really moved: the report is the truth"
        );
    }

    #[pg_test]
    fn concurrent_statements_are_skipped_or_simulated() {
        fixture();
        let migration = "CREATE UNIQUE INDEX CONCURRENTLY customers_email_key ON customers (email)";
        let skipped = dry_run(migration, "{}");
        assert_eq!(statuses(&skipped), [(1, "skipped", None)]);
        let simulated = dry_run(migration, r#"{"simulate_concurrently": true}"#);
        assert_eq!(statuses(&simulated), [(1, "failed", Some("23505"))]);
        assert!(simulated[0]
            .message
            .as_deref()
            .unwrap()
            .starts_with("simulated without CONCURRENTLY"));
        // The keyword is found in the statement, not at its offset in the script.
        let fine = dry_run(
            "SELECT 1; -- then the index\n  REINDEX (VERBOSE, CONCURRENTLY) TABLE customers;
             DROP INDEX CONCURRENTLY IF EXISTS nothing_here;
             create index concurrently customers_email_idx on customers (email)",
            r#"{"simulate_concurrently": true}"#,
        );
        assert!(fine.iter().all(|r| r.status == "ok"), "{fine:?}");
        assert_eq!(
            fine[3].created.as_deref(),
            Some(&["index public.customers_email_idx".to_string()][..])
        );
    }

    #[pg_test]
    fn transaction_control_and_outside_transaction_commands_are_skipped() {
        let rows = dry_run(
            "BEGIN; SELECT 1; COMMIT; VACUUM; CREATE DATABASE nope",
            "{}",
        );
        assert_eq!(
            statuses(&rows),
            [
                (1, "skipped", None),
                (2, "ok", None),
                (3, "skipped", None),
                (4, "skipped", None),
                (5, "skipped", None)
            ]
        );
        assert!(rows[3]
            .message
            .as_deref()
            .unwrap()
            .starts_with("VACUUM cannot run inside a transaction block"));
    }

    #[pg_test(
        error = "dry_run refuses COPY: it runs a program on the database server, which a rollback cannot undo"
    )]
    fn copy_to_program_is_refused_before_anything_runs() {
        dry_run("SELECT 1; COPY (SELECT 1) TO PROGRAM 'true'", "{}");
    }

    #[pg_test]
    fn session_commands_and_refusals_of_the_server_are_skipped() {
        Spi::run(
            "PREPARE callers_plan AS SELECT 1;
             CREATE TABLE measurements (at date, v int) PARTITION BY RANGE (at);",
        )
        .unwrap();
        let rows = dry_run(
            "DEALLOCATE ALL; LOAD 'plpgsql'; CHECKPOINT; REINDEX TABLE measurements; SELECT 1",
            "{}",
        );
        assert_eq!(
            statuses(&rows),
            [
                (1, "skipped", None),
                (2, "skipped", None),
                (3, "skipped", None),
                (4, "skipped", None),
                (5, "ok", None)
            ]
        );
        assert!(rows[3]
            .message
            .as_deref()
            .unwrap()
            .contains("transaction block"));
        let kept = Spi::get_one::<i64>("SELECT count(*) FROM pg_prepared_statements").unwrap();
        assert_eq!(kept, Some(1), "the caller's prepared statement survives");
    }

    #[pg_test]
    fn temporary_objects_are_named_without_their_internal_schemas() {
        let rows = dry_run(
            "CREATE TEMP TABLE scratch (id int PRIMARY KEY, note text)",
            "{}",
        );
        let created = rows[0].created.clone().unwrap_or_default();
        assert_eq!(created.len(), 3, "{created:?}");
        assert!(created
            .iter()
            .all(|c| !c.contains("pg_toast") && !c.starts_with("schema")));
    }

    #[pg_test(error = "unknown dry_run option \"stop_on_errors\"")]
    fn unknown_options_are_named() {
        dry_run("SELECT 1", r#"{"stop_on_errors": false}"#);
    }

    #[pg_test(
        error = "dry_run option \"lock_timeout\" must be a duration such as \"2s\" or a number of milliseconds, not a boolean"
    )]
    fn wrong_option_types_are_named() {
        dry_run("SELECT 1", r#"{"lock_timeout": true}"#);
    }

    #[pg_test]
    fn a_statement_timeout_of_the_run_fails_only_its_statement() {
        let rows = dry_run(
            "SELECT pg_sleep(1); SELECT 2",
            r#"{"statement_timeout": "50ms", "stop_on_error": false}"#,
        );
        assert_eq!(
            statuses(&rows),
            [(1, "failed", Some("57014")), (2, "ok", None)]
        );
    }

    #[pg_test]
    fn explain_puts_the_plan_of_dml_in_the_message() {
        fixture();
        let rows = dry_run(
            "UPDATE customers SET note = 'x' WHERE id = 3; ALTER TABLE customers ADD COLUMN y int",
            r#"{"explain": true}"#,
        );
        let plan = rows[0].message.as_deref().unwrap_or_default();
        assert!(plan.starts_with("Update on customers"), "{plan}");
        assert_eq!(rows[1].message, None, "no plan for DDL");
    }

    #[pg_test]
    fn data_scale_scales_only_statements_that_touch_data() {
        fixture();
        let summary = |options: &str| {
            Spi::get_one_with_args::<pgrx::JsonB>(
                "SELECT confiture.dry_run_summary($1, $2::jsonb)",
                &[
                    "UPDATE customers SET note = 'n'; COMMENT ON TABLE customers IS 'c'".into(),
                    options.into(),
                ],
            )
            .unwrap()
            .unwrap()
            .0
        };
        let scaled = summary(r#"{"data_scale": 1000}"#);
        let total = scaled["total_ms"].as_f64().unwrap();
        let production = scaled["estimated_production_ms"].as_f64().unwrap();
        assert!(production > total * 10.0, "{scaled}");
        assert_eq!(scaled["data_scale"], 1000.0);
    }

    #[pg_test]
    fn the_scripts_search_path_cannot_mislead_the_observation() {
        let rows = dry_run(
            "CREATE SCHEMA decoy;
             CREATE FUNCTION decoy.quote_ident(text) RETURNS text LANGUAGE sql AS 'SELECT ''spoofed''';
             CREATE VIEW decoy.pg_locks AS SELECT * FROM pg_catalog.pg_locks WHERE false;
             SET search_path = decoy, pg_catalog;
             CREATE TABLE public.real_table (id int)",
            "{}",
        );
        assert!(rows.iter().all(|r| r.status == "ok"), "{rows:?}");
        assert_eq!(
            rows[4].created.clone().unwrap_or_default(),
            ["table public.real_table"]
        );
    }

    #[pg_test]
    fn null_migration_gives_no_rows() {
        let count = Spi::get_one::<i64>("SELECT count(*) FROM confiture.dry_run(NULL)").unwrap();
        assert_eq!(count, Some(0));
        let summary =
            Spi::get_one::<pgrx::JsonB>("SELECT confiture.dry_run_summary(NULL)").unwrap();
        assert!(summary.is_none());
    }

    #[pg_test]
    fn summary_names_the_first_failure() {
        fixture();
        let summary = Spi::get_one::<pgrx::JsonB>(
            "SELECT confiture.dry_run_summary('ALTER TABLE customers ADD COLUMN x int; \
             CREATE UNIQUE INDEX ON customers (email)')",
        )
        .unwrap()
        .unwrap()
        .0;
        assert_eq!(summary["would_succeed"], false);
        assert_eq!(summary["first_failure"]["statement_no"], 2);
        assert_eq!(summary["first_failure"]["sqlstate"], "23505");
        assert_eq!(summary["altered"], serde_json::json!(["public.customers"]));
    }
}
