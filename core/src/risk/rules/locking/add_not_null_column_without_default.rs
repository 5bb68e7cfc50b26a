//! `ADD COLUMN ... NOT NULL` without a default on an existing table that has rows (or whose row
//! count is unknown): every existing row would hold NULL, so the statement fails with SQLSTATE
//! 23502 (not_null_violation) after taking its AccessExclusiveLock. A constant default avoids
//! this without a rewrite (PostgreSQL 11 and later); without one, add the column nullable, fill
//! it, and set NOT NULL through a validated check.

use super::{alter_existing, others_first, quote_ident, safe_set_not_null, table_name, target_sql};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, ColumnDef, ConstraintKind};

pub const RULE: Rule = Rule {
    id: "add_not_null_column_without_default",
    severity: Severity::Error,
    summary: "ADD COLUMN NOT NULL without a default fails on a table that has rows",
    check,
};

/// NOT NULL (or a primary key) with nothing to fill existing rows.
fn needs_value(column: &ColumnDef) -> bool {
    let not_null = column.not_null
        || column
            .constraints
            .iter()
            .any(|c| c.kind == Some(ConstraintKind::PrimaryKey));
    not_null
        && column.default.is_none()
        && !column.identity
        && !column.is_serial()
        && !column.generated_stored
}

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let table = context.target()?;
    // Rows in the table or its partitions; a negative count was never measured.
    let may_have_rows = context
        .catalog
        .with_descendants(table.oid)
        .iter()
        .filter_map(|&oid| context.catalog.get(oid))
        .any(|r| r.kind.has_storage() && r.rows != 0.0);
    if !may_have_rows {
        return None;
    }
    let columns: Vec<&ColumnDef> = alter
        .commands
        .iter()
        .filter_map(|c| match &c.action {
            AlterAction::AddColumn(column) if needs_value(column) => Some(column),
            _ => None,
        })
        .collect();
    let first = columns.first()?;
    let rows = match context.rows() {
        rows if rows > 0.0 => format!("about {rows:.0} rows"),
        _ => "rows, as far as the statistics tell".to_string(),
    };
    let target = target_sql(context);
    let bare = table_name(context);
    let safe: Vec<String> = columns
        .iter()
        .map(|c| {
            let column = quote_ident(&c.name);
            format!(
                "ALTER TABLE {target} ADD COLUMN {column} {};\n\
                 -- fill existing rows in batches: UPDATE {target} SET {column} = <value> WHERE <a range of keys>;\n{}",
                c.type_ref.display,
                safe_set_not_null(&target, &bare, &c.name)
            )
        })
        .collect();
    let first_line = others_first(
        alter,
        |action| matches!(action, AlterAction::AddColumn(def) if needs_value(def)),
    );
    Some(
        RULE.finding(format!(
            "Adding {} NOT NULL without a default fails with 23502 (not_null_violation) on {}, which has {rows}: existing rows would hold NULL. Give it a constant default, or add it nullable, fill it, then set NOT NULL.",
            first.name,
            context.target_name()
        ))
        .with_alternative(format!("{first_line}{}", safe.join("\n"))),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::catalog::Catalog;
    use crate::risk::statement::{Statement, Volatility};
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn add_column(default: Option<Volatility>) -> Statement {
        let column = ColumnDef {
            name: "region".into(),
            type_ref: type_ref("text", TEXT),
            default,
            not_null: true,
            ..Default::default()
        };
        alter("orders", AlterAction::AddColumn(column), AccessExclusive)
    }

    fn orders(rows: f64) -> Catalog {
        catalog(vec![table(1, "orders", rows, &[])])
    }

    #[test]
    fn fires_on_a_table_with_rows_or_unknown_rows() {
        let found = run(&RULE, &add_column(None), &orders(1e6)).unwrap();
        assert!(found.message.contains("23502"), "{}", found.message);
        assert!(found.message.contains("about 1000000 rows"));
        let safe = found.safe_alternative.unwrap();
        assert!(safe.starts_with("ALTER TABLE public.orders ADD COLUMN region text;\n"));
        assert!(safe.ends_with("ALTER TABLE public.orders DROP CONSTRAINT orders_region_not_null;"));
        assert!(run(&RULE, &add_column(None), &orders(-1.0)).is_some());
    }

    #[test]
    fn silent_with_a_default_on_an_empty_table_or_one_created_by_the_script() {
        let constant = add_column(Some(Volatility::NotVolatile));
        assert_eq!(run(&RULE, &constant, &orders(1e6)), None);
        assert_eq!(run(&RULE, &add_column(None), &orders(0.0)), None);
        let catalog = orders(1e6);
        let state = created(&["orders"], &catalog);
        assert_eq!(run_with(&RULE, &add_column(None), &catalog, &state), None);
    }
}
