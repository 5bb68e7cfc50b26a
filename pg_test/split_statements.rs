//! confiture.split_statements against the server: the corpus, error positions, edge inputs.

#[pgrx::pg_schema]
mod tests {
    use pgrx::prelude::*;

    use crate::pg_test::split_statements_corpus::{CASES, ERROR_CASES};
    use crate::script::{self, Position};

    fn split_with_sql(script: &str) -> Vec<(i32, String, i32)> {
        Spi::connect(|client| {
            client
                .select(
                    "SELECT statement_no, statement, start_offset \
                     FROM confiture.split_statements($1) ORDER BY statement_no",
                    None,
                    &[script.into()],
                )
                .expect("split_statements runs")
                .map(|row| {
                    (
                        row.get::<i32>(1).unwrap().unwrap(),
                        row.get::<String>(2).unwrap().unwrap(),
                        row.get::<i32>(3).unwrap().unwrap(),
                    )
                })
                .collect()
        })
    }

    #[pg_test]
    fn corpus_scripts_split_at_the_expected_boundaries() {
        assert!(CASES.len() >= 40, "the corpus keeps at least 40 scripts");
        let failures: Vec<String> = CASES
            .iter()
            .filter_map(|case| {
                let found: Vec<String> = split_with_sql(case.script)
                    .into_iter()
                    .map(|(_, text, _)| text)
                    .collect();
                (found != case.statements).then(|| {
                    format!(
                        "{}:\n  expected {:?}\n  found    {:?}",
                        case.name, case.statements, found
                    )
                })
            })
            .collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[pg_test]
    fn statements_are_numbered_from_one() {
        let numbers: Vec<i32> = split_with_sql("SELECT 1; SELECT 2; SELECT 3")
            .iter()
            .map(|row| row.0)
            .collect();
        assert_eq!(numbers, [1, 2, 3]);
    }

    #[pg_test]
    fn start_offset_counts_the_characters_before_each_statement() {
        for case in CASES {
            for (_, statement, offset) in split_with_sql(case.script) {
                let at_offset: String = case
                    .script
                    .chars()
                    .skip(offset as usize)
                    .take(statement.chars().count())
                    .collect();
                assert_eq!(at_offset, statement, "{}: offset {offset}", case.name);
            }
        }
    }

    #[pg_test]
    fn null_script_has_no_statements() {
        let count =
            Spi::get_one::<i64>("SELECT count(*) FROM confiture.split_statements(NULL)").unwrap();
        assert_eq!(count, Some(0));
    }

    #[pg_test]
    fn syntax_errors_point_at_the_line_and_column_in_the_script() {
        for case in ERROR_CASES {
            let error = script::split(case.script).expect_err(case.name);
            assert_eq!(error.message, case.message, "{}", case.name);
            let position = error
                .cursor
                .and_then(|cursor| Position::of_character(case.script, cursor))
                .unwrap_or_else(|| panic!("{}: no position", case.name));
            assert_eq!(
                (position.line, position.column),
                (case.line, case.column),
                "{}",
                case.name
            );
        }
    }

    #[pg_test(error = "syntax error at or near \"TABEL\"")]
    fn syntax_error_is_raised_to_sql_callers() {
        split_with_sql("SELECT 1;\nALTER TABEL t ADD c int;");
    }

    #[pg_test(error = "psql meta-command \"\\copy\" is not SQL")]
    fn psql_meta_commands_are_named_in_the_error() {
        split_with_sql("BEGIN;\n\\copy orders FROM 'orders.csv' csv\nCOMMIT;");
    }

    #[pg_test]
    fn reading_a_bad_script_leaves_the_backend_usable() {
        let context_before = unsafe { pg_sys::error_context_stack };
        assert!(script::split("SELECT (").is_err());
        assert_eq!(unsafe { pg_sys::error_context_stack }, context_before);
        assert_eq!(Spi::get_one::<i32>("SELECT 41 + 1").unwrap(), Some(42));
    }

    #[pg_test]
    fn backslashes_in_strings_follow_standard_conforming_strings() {
        // With the standard setting the backslash is an ordinary character and the line comment
        // hides the last quote; with the old setting the backslash escapes a quote instead.
        let script = r"SELECT '\' AS a; SELECT 1 -- '";
        let texts =
            |rows: Vec<(i32, String, i32)>| rows.into_iter().map(|row| row.1).collect::<Vec<_>>();
        assert_eq!(
            texts(split_with_sql(script)),
            [r"SELECT '\' AS a", "SELECT 1"]
        );
        Spi::run("SET LOCAL standard_conforming_strings = off").unwrap();
        assert_eq!(texts(split_with_sql(script)), [script]);
    }

    #[pg_test]
    fn version_is_the_crate_version() {
        let version = Spi::get_one::<String>("SELECT confiture.version()").unwrap();
        assert_eq!(version.as_deref(), Some(env!("CARGO_PKG_VERSION")));
    }
}
