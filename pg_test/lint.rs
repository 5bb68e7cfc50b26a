//! confiture.lint against the server: what the catalog query loads and leaves out, the
//! configuration tables, failing rules.

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;

    /// (rule, object_name) of lint() on `schema`, sorted.
    fn findings(schema: &str) -> Vec<(String, String)> {
        Spi::connect(|client| {
            client
                .select(
                    "SELECT rule, object_name FROM confiture.lint(ARRAY[$1]) ORDER BY rule, object_name",
                    None,
                    &[schema.into()],
                )
                .unwrap()
                .map(|row| (row.get(1).unwrap().unwrap(), row.get(2).unwrap().unwrap()))
                .collect()
        })
    }

    fn has(found: &[(String, String)], rule: &str, object: &str) -> bool {
        found.iter().any(|(r, o)| r == rule && o == object)
    }

    #[pg_test]
    fn the_catalog_query_reads_what_rules_need() {
        Spi::run(
            "CREATE SCHEMA l1;
             CREATE TABLE l1.parents (id int PRIMARY KEY);
             CREATE TABLE l1.children (id int PRIMARY KEY, parent_id int REFERENCES l1.parents);
             CREATE TABLE l1.nokey (a int);
             CREATE INDEX ON l1.children (id);",
        )
        .unwrap();
        let found = findings("l1");
        assert!(has(&found, "missing_primary_key", "l1.nokey"), "{found:?}");
        assert!(
            has(
                &found,
                "fk_without_index",
                "l1.children.children_parent_id_fkey"
            ),
            "{found:?}"
        );
        assert!(!has(&found, "missing_primary_key", "l1.parents"));
    }

    #[pg_test]
    fn objects_of_extensions_and_temporary_schemas_are_not_reported() {
        Spi::run(
            "CREATE SCHEMA ext; CREATE EXTENSION hstore SCHEMA ext;
             CREATE TEMP TABLE scratch (a int);",
        )
        .unwrap();
        let reported: i64 = Spi::get_one(
            "SELECT count(*) FROM confiture.lint() \
             WHERE object_name LIKE 'ext.%' OR object_name LIKE 'pg\\_temp%' \
                OR object_name LIKE 'pg_catalog.%' OR object_name LIKE 'confiture.%'",
        )
        .unwrap()
        .unwrap();
        assert_eq!(reported, 0);
    }

    #[pg_test]
    fn configuration_and_exclusions_are_read_from_their_tables() {
        Spi::run(
            "CREATE SCHEMA l2; CREATE TABLE l2.a (x int); CREATE TABLE l2.b (x int);
             SELECT confiture.configure_rule('missing_primary_key', severity => 'info');
             SELECT confiture.exclude('missing_primary_key', 'l2.b', 'kept without key');",
        )
        .unwrap();
        let rows: Vec<(String, String)> = Spi::connect(|client| {
            client
                .select(
                    "SELECT object_name, severity FROM confiture.lint(ARRAY['l2'], ARRAY['missing_primary_key'])",
                    None,
                    &[],
                )
                .unwrap()
                .map(|row| (row.get(1).unwrap().unwrap(), row.get(2).unwrap().unwrap()))
                .collect()
        });
        assert_eq!(rows, [("l2.a".to_string(), "info".to_string())]);
    }

    #[pg_test]
    fn a_failing_rule_is_a_finding_and_the_others_still_run() {
        Spi::run(
            "CREATE SCHEMA l3; CREATE TABLE l3.\"Bad\" (x int);
             SELECT confiture.configure_rule('table_naming', options => '{\"pattern\": \"([\"}');",
        )
        .unwrap();
        let found = findings("l3");
        assert!(
            found
                .iter()
                .any(|(r, o)| r == "lint_rule_failed" && o == "table_naming"),
            "{found:?}"
        );
        assert!(
            has(&found, "missing_primary_key", "l3.\"Bad\""),
            "{found:?}"
        );
    }

    #[pg_test]
    fn fingerprints_survive_changes_elsewhere_in_the_schema() {
        Spi::run("CREATE SCHEMA l4; CREATE TABLE l4.log (x int);").unwrap();
        let fingerprint = || -> String {
            Spi::get_one(
                "SELECT fingerprint FROM confiture.lint(ARRAY['l4'], ARRAY['missing_primary_key'])",
            )
            .unwrap()
            .unwrap()
        };
        let before = fingerprint();
        Spi::run("CREATE TABLE l4.other (y int); ALTER TABLE l4.log ADD COLUMN z int;").unwrap();
        assert_eq!(fingerprint(), before);
    }
}
