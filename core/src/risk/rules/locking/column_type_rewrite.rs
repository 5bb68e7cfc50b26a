//! `ALTER COLUMN ... TYPE` that is not binary-coercible (or has a `USING` clause) on an existing
//! table: PostgreSQL rewrites the whole table and rebuilds its indexes under AccessExclusiveLock.
//! Only a few changes are mere relabellings: `varchar(n)` to a larger `n` or to `text`,
//! `numeric(p, s)` to a larger `p` with the same `s`, dropping a length limit, ... The online
//! way is a new column kept in sync by a trigger, filled in batches, then swapped in.

use super::{alter_existing, others_first, quote_ident, target_sql, waits};
use crate::risk::context::Context;
use crate::risk::effects::RewriteCause;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::AlterAction;

pub const RULE: Rule = Rule {
    id: "column_type_rewrite",
    severity: Severity::Error,
    summary: "ALTER COLUMN TYPE that is not binary-coercible rewrites the table while reads and writes wait",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let table = context.target()?;
    let changes: Vec<_> = context
        .effects
        .rewrite_causes
        .iter()
        .filter_map(|cause| match cause {
            RewriteCause::ColumnType { column } => {
                alter.commands.iter().find_map(|c| match &c.action {
                    AlterAction::AlterColumnType {
                        column: changed,
                        new_type,
                        using,
                    } if changed == column => Some((column.as_str(), new_type, *using, c.lock)),
                    _ => None,
                })
            }
            _ => None,
        })
        .collect();
    let &(_, _, _, lock) = changes.first()?;
    let described: Vec<String> = changes
        .iter()
        .map(|(column, new_type, using, _)| {
            let old = table
                .column(column)
                .map_or("its current type", |c| c.type_name.as_str());
            let using = if *using { " with USING" } else { "" };
            format!("{column} from {old} to {}{using}", new_type.display)
        })
        .collect();
    let target = target_sql(context);
    let safe: Vec<String> = changes
        .iter()
        .map(|(column, new_type, _, _)| {
            let new_column = quote_ident(&format!("{column}_new"));
            let column = quote_ident(column);
            format!(
                "ALTER TABLE {target} ADD COLUMN {new_column} {};\n\
                 -- a trigger keeps {new_column} equal to {column} converted on INSERT and UPDATE;\n\
                 -- fill existing rows in batches: UPDATE {target} SET {new_column} = <{column} converted> WHERE <a range of keys>;\n\
                 -- build its indexes and constraints concurrently / NOT VALID, then in one short transaction:\n\
                 -- drop {column}, rename {new_column} to {column}, drop the trigger.",
                new_type.display
            )
        })
        .collect();
    let first = others_first(alter, |action| {
        matches!(action, AlterAction::AlterColumnType { column, .. }
            if changes.iter().any(|(changed, ..)| changed == column))
    });
    Some(
        RULE.finding(format!(
            "Changing {} rewrites {} and rebuilds its indexes under {}: {} until it is done. Only binary-coercible changes (varchar(n) to a larger n or to text, numeric to a larger precision, ...) avoid the rewrite.",
            described.join(", "),
            context.target_name(),
            lock.name(),
            waits(lock)
        ))
        .with_alternative(format!("{first}{}", safe.join("\n"))),
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;
    use crate::LockMode::AccessExclusive;

    fn retype(new_type: &str, oid: u32) -> Statement {
        let action = AlterAction::AlterColumnType {
            column: "amount".into(),
            new_type: type_ref(new_type, oid),
            using: false,
        };
        alter("orders", action, AccessExclusive)
    }

    fn orders() -> crate::risk::catalog::Catalog {
        catalog(vec![table(
            1,
            "orders",
            1e6,
            &[("amount", "integer", INT4)],
        )])
    }

    #[test]
    fn fires_naming_the_old_and_new_type() {
        let found = run(&RULE, &retype("bigint", INT8), &orders()).unwrap();
        assert!(
            found
                .message
                .starts_with("Changing amount from integer to bigint rewrites public.orders"),
            "{}",
            found.message
        );
        assert!(found
            .safe_alternative
            .unwrap()
            .starts_with("ALTER TABLE public.orders ADD COLUMN amount_new bigint;"));
    }

    #[test]
    fn silent_without_rewrite_or_on_a_table_created_by_the_script() {
        let catalog = orders();
        // The stand-in oracle: the same type does not rewrite.
        assert_eq!(run(&RULE, &retype("int4", INT4), &catalog), None);
        let state = created(&["orders"], &catalog);
        assert_eq!(
            run_with(&RULE, &retype("bigint", INT8), &catalog, &state),
            None
        );
    }
}
