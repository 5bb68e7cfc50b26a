//! confiture.assess_risk against the server: what only the server can decide (type coercions,
//! default volatility, name resolution, the catalog around a table), read without locking.

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;
    use serde_json::Value;

    /// (lock_mode, rewrites_table, scans_table, rules) of the only statement of `sql`.
    fn assess(sql: &str) -> (Option<String>, bool, bool, Vec<String>) {
        Spi::connect(|client| {
            let mut rows = client
                .select(
                    "SELECT lock_mode, rewrites_table, scans_table, findings \
                     FROM confiture.assess_risk($1)",
                    None,
                    &[sql.into()],
                )
                .expect("assess_risk runs");
            assert_eq!(rows.len(), 1, "one statement in {sql}");
            let row = rows.next().unwrap();
            let findings: pgrx::JsonB = row.get(4).unwrap().unwrap();
            let rules = findings
                .0
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["rule"].as_str().unwrap().to_string())
                .collect();
            (
                row.get(1).unwrap(),
                row.get(2).unwrap().unwrap(),
                row.get(3).unwrap().unwrap(),
                rules,
            )
        })
    }

    fn rewrites(sql: &str) -> bool {
        assess(sql).1
    }

    fn fixture() {
        Spi::run(
            "CREATE TABLE people (id int PRIMARY KEY, name varchar(20), score numeric(6,2), \
             seen timestamp, tags text[], home cidr);
             CREATE DOMAIN percent AS int CHECK (VALUE BETWEEN 0 AND 100);
             CREATE DOMAIN label AS text;
             INSERT INTO people SELECT g, 'p' || g, g, now(), '{}', '10.0.0.0/8' FROM generate_series(1, 50) g;",
        )
        .unwrap();
    }

    #[pg_test]
    fn binary_coercible_type_changes_do_not_rewrite() {
        fixture();
        for sql in [
            "ALTER TABLE people ALTER COLUMN name TYPE varchar(40)",
            "ALTER TABLE people ALTER COLUMN name TYPE text",
            "ALTER TABLE people ALTER COLUMN name TYPE varchar",
            "ALTER TABLE people ALTER COLUMN score TYPE numeric(8,2)",
            "ALTER TABLE people ALTER COLUMN score TYPE numeric",
            "ALTER TABLE people ALTER COLUMN home TYPE inet",
            "ALTER TABLE people ALTER COLUMN name TYPE label",
        ] {
            assert!(!rewrites(sql), "{sql} keeps the stored values");
        }
    }

    #[pg_test]
    fn type_changes_that_convert_values_rewrite() {
        fixture();
        for sql in [
            "ALTER TABLE people ALTER COLUMN name TYPE varchar(10)",
            "ALTER TABLE people ALTER COLUMN score TYPE numeric(6,3)",
            "ALTER TABLE people ALTER COLUMN id TYPE bigint",
            "ALTER TABLE people ALTER COLUMN score TYPE float8",
            "ALTER TABLE people ALTER COLUMN id TYPE percent",
            "ALTER TABLE people ALTER COLUMN name TYPE text USING upper(name)",
        ] {
            assert!(rewrites(sql), "{sql} converts every row");
        }
    }

    #[pg_test]
    fn timestamp_to_timestamptz_rewrites_unless_the_session_is_in_utc() {
        fixture();
        let sql = "ALTER TABLE people ALTER COLUMN seen TYPE timestamptz";
        Spi::run("SET LOCAL TimeZone = 'Europe/Paris'").unwrap();
        assert!(rewrites(sql));
        Spi::run("SET LOCAL TimeZone = 'UTC'").unwrap();
        assert!(!rewrites(sql));
    }

    #[pg_test]
    fn defaults_are_judged_by_their_volatility_after_planning() {
        fixture();
        for (default, rewrites_table) in [
            ("0", false),
            ("now()", false),
            ("upper('x')", false),
            ("current_date + 1", false),
            ("random()", true),
            ("clock_timestamp()", true),
            ("gen_random_uuid()::text", true),
        ] {
            let sql = format!("ALTER TABLE people ADD COLUMN extra text DEFAULT {default}");
            assert_eq!(rewrites(&sql), rewrites_table, "{sql}");
        }
    }

    #[pg_test]
    fn a_default_calling_a_function_of_the_script_is_assumed_to_rewrite() {
        fixture();
        let script = "CREATE FUNCTION pick() RETURNS int LANGUAGE sql RETURN 1;
                      ALTER TABLE people ADD COLUMN picked int DEFAULT pick()";
        let rewrites: Vec<bool> = Spi::connect(|client| {
            client
                .select(
                    "SELECT rewrites_table FROM confiture.assess_risk($1) ORDER BY statement_no",
                    None,
                    &[script.into()],
                )
                .unwrap()
                .map(|row| row.get(1).unwrap().unwrap())
                .collect()
        });
        assert_eq!(rewrites, [false, true]);
    }

    #[pg_test]
    fn a_constrained_domain_column_rewrites_a_plain_domain_does_not() {
        fixture();
        assert!(rewrites("ALTER TABLE people ADD COLUMN pct percent"));
        assert!(!rewrites("ALTER TABLE people ADD COLUMN tag label"));
    }

    #[pg_test]
    fn names_resolve_through_the_search_path() {
        Spi::run(
            "CREATE SCHEMA app; CREATE TABLE app.things (id int); SET LOCAL search_path = app, public",
        )
        .unwrap();
        let (lock, _, _, rules) = assess("ALTER TABLE things ADD COLUMN x int");
        assert_eq!(lock.as_deref(), Some("AccessExclusiveLock"));
        assert!(!rules.contains(&"missing_relation".to_string()));
        let target: String =
            Spi::get_one("SELECT target FROM confiture.assess_risk('CREATE INDEX ON things (id)')")
                .unwrap()
                .unwrap();
        assert_eq!(target, "app.things");
    }

    /// The fixture's table is locked by its own creation in this transaction: assessing adds no
    /// lock in any other mode (pg_locks shows one row per mode held). The regress suite checks
    /// the same on committed tables, and that no transaction ID is assigned.
    #[pg_test]
    fn assessing_takes_no_lock_on_the_relations_it_reads_about() {
        fixture();
        let modes = || -> Option<String> {
            Spi::get_one(
                "SELECT string_agg(mode, ', ' ORDER BY mode) FROM pg_locks \
                 WHERE pid = pg_backend_pid() AND locktype = 'relation' \
                   AND relation = 'people'::regclass",
            )
            .unwrap()
        };
        let before = modes();
        assess("ALTER TABLE people ALTER COLUMN id TYPE bigint");
        assess("SELECT * FROM people FOR UPDATE");
        assert_eq!(modes(), before);
    }

    #[pg_test]
    fn a_statement_the_server_refuses_to_read_is_unrecognized_not_an_error() {
        fixture();
        let (lock, _, _, rules) = assess("ALTER TABLE people ADD COLUMN bad varchar(0)");
        assert_eq!(lock.as_deref(), Some("AccessExclusiveLock"));
        assert!(
            rules.contains(&"unrecognized_statement".to_string()),
            "{rules:?}"
        );
    }

    #[pg_test]
    fn every_rule_has_a_documentation_page() {
        let rules: Vec<String> = Spi::connect(|client| {
            client
                .select("SELECT rule FROM confiture.risk_rules()", None, &[])
                .unwrap()
                .map(|row| row.get(1).unwrap().unwrap())
                .collect()
        });
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules/risk");
        let missing: Vec<&String> = rules
            .iter()
            .filter(|r| !docs.join(format!("{r}.md")).exists())
            .collect();
        assert!(
            missing.is_empty(),
            "rules without docs/rules/risk/<id>.md: {missing:?}"
        );
    }

    #[pg_test]
    fn summary_is_one_json_document() {
        fixture();
        let summary: pgrx::JsonB = Spi::get_one(
            "SELECT confiture.assess_risk_summary('CREATE INDEX ON people (name); SELECT 1')",
        )
        .unwrap()
        .unwrap();
        let Value::Object(summary) = summary.0 else {
            panic!("an object")
        };
        assert_eq!(summary["statements"], 2);
        assert_eq!(summary["strongest_lock"]["mode"], "ShareLock");
        assert_eq!(
            summary["recommendations"][0]["rule"],
            "require_concurrent_index"
        );
    }

    #[pg_test(error = "unknown rule \"nope\" in assess_risk option \"ignore\"")]
    fn unknown_rules_in_options_are_an_error() {
        Spi::run("SELECT * FROM confiture.assess_risk('SELECT 1', '{\"ignore\": [\"nope\"]}')")
            .unwrap();
    }
}
