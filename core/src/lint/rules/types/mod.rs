//! Lint rules of category `types`, and what they share: the columns that hold data, a type
//! name without its array brackets, and the `ALTER COLUMN ... TYPE` that changes it.

mod money_type;
mod prefer_bigint_pk;
mod prefer_jsonb;
mod prefer_text_over_varchar;
mod prefer_timestamptz;
mod reg_type_column;

use crate::lint::catalog::{Column, LintCatalog, Table};
use crate::lint::rule::{Hit, LintRule};

pub const RULES: &[&LintRule] = &[
    &prefer_timestamptz::RULE,
    &prefer_text_over_varchar::RULE,
    &prefer_bigint_pk::RULE,
    &prefer_jsonb::RULE,
    &money_type::RULE,
    &reg_type_column::RULE,
];

/// The columns of regular and partitioned tables (not partitions, which have their parent's
/// columns, nor views, whose types follow the tables they read).
fn table_columns(catalog: &LintCatalog) -> impl Iterator<Item = (&Table, &Column)> {
    catalog
        .tables
        .iter()
        .filter(|t| t.is_base_table())
        .flat_map(|t| t.columns.iter().map(move |c| (t, c)))
}

/// A `format_type` name without its array brackets, and whether it was an array.
fn element_type(type_name: &str) -> (&str, bool) {
    match type_name.strip_suffix("[]") {
        Some(element) => (element.trim_end_matches("[]"), true),
        None => (type_name, false),
    }
}

/// `ALTER TABLE ... ALTER COLUMN ... TYPE new_type [USING ...]`; a generated column takes no
/// USING clause (its expression is computed again).
fn alter_type(table: &Table, column: &Column, new_type: &str, using: Option<String>) -> String {
    let using = using
        .filter(|_| !column.generated)
        .map(|u| format!(" USING {u}"))
        .unwrap_or_default();
    format!(
        "ALTER TABLE {} ALTER COLUMN {} TYPE {new_type}{using};",
        table.qualified, column.quoted
    )
}

/// A finding on `column` with its statement, if any, and the facts (table, column, type).
fn type_hit(table: &Table, column: &Column, message: String, remediation: Option<String>) -> Hit {
    let mut hit = Hit::on_column(table, column, message).with_detail(serde_json::json!({
        "table": table.qualified,
        "column": column.name,
        "type": column.type_name,
    }));
    if let Some(sql) = remediation {
        hit = hit.with_remediation(sql);
    }
    hit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn element_types() {
        assert_eq!(element_type("json"), ("json", false));
        assert_eq!(element_type("json[]"), ("json", true));
        assert_eq!(element_type("regproc[][]"), ("regproc", true));
    }
}
