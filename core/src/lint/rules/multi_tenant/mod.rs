//! Lint rules of category `multi_tenant`, and what they share: the tenant column (option
//! `column`, `tenant_id` by default) and how tables are named in options.

mod tenant_column_missing;
mod tenant_not_leading_in_index;
mod tenant_table_without_rls;

use crate::lint::catalog::Table;
use crate::lint::rule::{LintContext, LintRule};

pub const RULES: &[&LintRule] = &[
    &tenant_column_missing::RULE,
    &tenant_not_leading_in_index::RULE,
    &tenant_table_without_rls::RULE,
];

/// The tenant column's name (option `column`); mistyped, the rule fails with a clear message.
fn tenant_column<'a>(context: &'a LintContext, rule: &str) -> &'a str {
    context
        .option_str("column")
        .unwrap_or_else(|| panic!("invalid option column for {rule}: expected a column name"))
}

/// `table` is the one `name` designates in an option: `name`, `schema.name` or the qualified
/// name as it is quoted (`public."Tenants"`).
fn designates(name: &str, table: &Table) -> bool {
    name == table.name
        || name == table.qualified
        || name
            .strip_prefix(table.schema.as_str())
            .and_then(|rest| rest.strip_prefix('.'))
            == Some(table.name.as_str())
}

/// For the tests: a table of `public` with the tenant column.
#[cfg(test)]
fn tenant_scoped(oid: u32, name: &str) -> Table {
    use crate::lint::testing::{column, not_null, table};
    let mut t = table(oid, name);
    t.columns = vec![
        not_null(column(1, "id", "bigint")),
        not_null(column(2, "tenant_id", "bigint")),
    ];
    t
}
