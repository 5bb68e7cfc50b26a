//! `ADD COLUMN` with a volatile default (`random()`, `clock_timestamp()`, `gen_random_uuid()`,
//! ...) on an existing table: the default cannot be stored once as the column's missing value,
//! so PostgreSQL rewrites the whole table and its indexes under AccessExclusiveLock. Adding the
//! column without a default, then setting the default (for new rows) and filling old rows in
//! batches, holds the strong lock only for an instant.

use super::{alter_existing, others_first, quote_ident, target_sql, waits};
use crate::risk::context::Context;
use crate::risk::effects::RewriteCause;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, Volatility};

pub const RULE: Rule = Rule {
    id: "volatile_default_rewrite",
    severity: Severity::Error,
    summary: "ADD COLUMN with a volatile default rewrites the table while reads and writes wait",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let added: Vec<_> = context
        .effects
        .rewrite_causes
        .iter()
        .filter_map(|cause| match cause {
            RewriteCause::VolatileDefault { column } => {
                alter.commands.iter().find_map(|c| match &c.action {
                    AlterAction::AddColumn(def) if &def.name == column => Some((def, c.lock)),
                    _ => None,
                })
            }
            _ => None,
        })
        .collect();
    let &(first, lock) = added.first()?;
    let default = if first.default == Some(Volatility::Volatile) {
        "a volatile default"
    } else {
        "a default PostgreSQL could not prove stable"
    };
    let table = target_sql(context);
    let safe: Vec<String> = added
        .iter()
        .map(|(def, _)| {
            let column = quote_ident(&def.name);
            format!(
                "ALTER TABLE {table} ADD COLUMN {column} {};\n\
                 -- ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT <the default expression>;\n\
                 -- then fill existing rows in batches: UPDATE {table} SET {column} = <the default expression> WHERE <a range of keys>;",
                def.type_ref.display
            )
        })
        .collect();
    let first_line = others_first(
        alter,
        |action| matches!(action, AlterAction::AddColumn(def) if added.iter().any(|(a, _)| a.name == def.name)),
    );
    Some(
        RULE.finding(format!(
            "Adding {} with {default} rewrites {} under {}, computing it for every row: {} until the rewrite is done.",
            first.name,
            context.target_name(),
            lock.name(),
            waits(lock)
        ))
        .with_alternative(format!("{first_line}{}", safe.join("\n"))),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::statement::{ColumnDef, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn add_column(default: Option<Volatility>) -> Statement {
        let column = ColumnDef {
            name: "token".into(),
            type_ref: type_ref("uuid", 2950),
            default,
            ..Default::default()
        };
        alter("orders", AlterAction::AddColumn(column), AccessExclusive)
    }

    #[test]
    fn fires_for_a_volatile_default() {
        let catalog = catalog(vec![table(1, "orders", 1e6, &[])]);
        let found = run(&RULE, &add_column(Some(Volatility::Volatile)), &catalog).unwrap();
        assert!(found.message.starts_with(
            "Adding token with a volatile default rewrites public.orders under AccessExclusiveLock"
        ));
        assert!(found
            .safe_alternative
            .unwrap()
            .starts_with("ALTER TABLE public.orders ADD COLUMN token uuid;\n"));
    }

    #[test]
    fn silent_for_a_constant_default_or_a_table_created_by_the_script() {
        let catalog = catalog(vec![table(1, "orders", 1e6, &[])]);
        let constant = add_column(Some(Volatility::NotVolatile));
        assert_eq!(run(&RULE, &constant, &catalog), None);
        let state = created(&["orders"], &catalog);
        let volatile = add_column(Some(Volatility::Volatile));
        assert_eq!(run_with(&RULE, &volatile, &catalog, &state), None);
    }
}
