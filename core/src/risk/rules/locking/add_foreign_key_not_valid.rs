//! A foreign key added to an existing table without `NOT VALID`: PostgreSQL checks every
//! existing row against the referenced table while it holds ShareRowExclusiveLock on both, so
//! writes to either wait for the whole validation. Added `NOT VALID`, the key is checked for new
//! rows at once, and `VALIDATE CONSTRAINT` checks the old ones later under a lock that lets
//! reads and writes go on.

use super::{
    added_constraints, alter_existing, default_name, ident_list, is_partitioned, others_first,
    quote_ident, relation_sql, table_name, target_sql, Added,
};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{AlterAction, Constraint, ConstraintKind};
use crate::LockMode;

pub const RULE: Rule = Rule {
    id: "add_foreign_key_not_valid",
    severity: Severity::Error,
    summary:
        "a foreign key added without NOT VALID validates every row while writes to both tables wait",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let alter = alter_existing(context)?;
    let keys: Vec<Added> = added_constraints(alter, ConstraintKind::ForeignKey)
        .into_iter()
        .filter(|k| !k.constraint.not_valid)
        .collect();
    let first = keys.first()?;
    let target = context.target_name();
    let lock = first.lock;
    let referenced = first
        .constraint
        .references
        .as_ref()
        .and_then(|n| context.existing(n))
        .filter(|r| Some(r.oid) != context.effects.target_oid);
    let message = match referenced {
        Some(r) => {
            let waiting = if lock == LockMode::ShareRowExclusive {
                "writes to both tables".to_string()
            } else {
                format!("{} of {target} and writes to {}", lock.blocks(), r.qualified)
            };
            format!(
                "Validating the foreign key reads every row of {target} under {} and looks each up in {} under ShareRowExclusiveLock: {waiting} wait until it is done.",
                lock.name(),
                r.qualified
            )
        }
        None => format!(
            "Validating the foreign key reads every row of {target} under {}: {} wait until it is done.",
            lock.name(),
            lock.blocks()
        ),
    };
    if is_partitioned(context) {
        return Some(RULE.finding(format!(
            "{message} Before PostgreSQL 18 a partitioned table takes no NOT VALID foreign key: add and validate it on each partition first."
        )));
    }
    let steps: Option<Vec<String>> = keys.iter().map(|k| not_valid_steps(context, k)).collect();
    let validated = |c: &Constraint| c.kind == Some(ConstraintKind::ForeignKey) && !c.not_valid;
    let first = others_first(alter, |action| match action {
        AlterAction::AddConstraint(c) => validated(c),
        AlterAction::AddColumn(def) => def.constraints.iter().any(validated),
        _ => false,
    });
    let finding = RULE.finding(message);
    Some(match steps {
        Some(steps) => finding.with_alternative(format!("{first}{}", steps.join("\n"))),
        None => finding,
    })
}

/// `ADD CONSTRAINT ... NOT VALID` then `VALIDATE CONSTRAINT`, for one key. ON DELETE/UPDATE,
/// MATCH and DEFERRABLE clauses are not in the model: they must be copied by hand.
fn not_valid_steps(context: &Context, key: &Added) -> Option<String> {
    let references = key.constraint.references.as_ref()?;
    let table = target_sql(context);
    let name = quote_ident(&match &key.constraint.name {
        Some(name) => name.clone(),
        None => default_name(&table_name(context), &key.columns, "fkey"),
    });
    let referenced_columns = match key.constraint.referenced_columns.as_slice() {
        [] => String::new(),
        columns => format!(" ({})", ident_list(columns)),
    };
    let first = match key.column {
        Some(column) => format!(
            "-- ADD COLUMN {} as written but without its REFERENCES clause, then:\n",
            quote_ident(&column.name)
        ),
        None => String::new(),
    };
    Some(format!(
        "{first}ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY ({}) REFERENCES {}{referenced_columns} NOT VALID;\n\
         ALTER TABLE {table} VALIDATE CONSTRAINT {name};",
        ident_list(&key.columns),
        relation_sql(context, references)
    ))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::created;
    use super::*;
    use crate::risk::catalog::{Catalog, RelKind};
    use crate::risk::statement::{ColumnDef, Statement};
    use crate::risk::testing::*;
    use crate::LockMode::{AccessExclusive, ShareRowExclusive};

    fn foreign_key(name: Option<&str>, not_valid: bool) -> Constraint {
        Constraint {
            kind: Some(ConstraintKind::ForeignKey),
            name: name.map(str::to_string),
            not_valid,
            columns: vec!["customer_id".into()],
            references: Some(crate::risk::testing::name("customers")),
            referenced_columns: vec!["id".into()],
            ..Default::default()
        }
    }

    fn add_key(table: &str, constraint: Constraint) -> Statement {
        alter(
            table,
            AlterAction::AddConstraint(constraint),
            ShareRowExclusive,
        )
    }

    fn shop() -> Catalog {
        catalog(vec![
            table(1, "orders", 1e6, &[("customer_id", "integer", INT4)]),
            table(2, "customers", 1e4, &[("id", "integer", INT4)]),
        ])
    }

    #[test]
    fn fires_with_not_valid_then_validate() {
        let statement = add_key("orders", foreign_key(None, false));
        let found = run(&RULE, &statement, &shop()).unwrap();
        assert!(found
            .message
            .contains("public.orders under ShareRowExclusiveLock"));
        assert!(found.message.contains("public.customers"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some(
                "ALTER TABLE public.orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers (id) NOT VALID;\n\
                 ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_id_fkey;"
            )
        );
    }

    #[test]
    fn fires_for_a_references_clause_of_a_new_column() {
        let mut key = foreign_key(Some("orders_customer_fk"), false);
        key.columns.clear();
        key.referenced_columns.clear();
        let column = ColumnDef {
            name: "customer_id".into(),
            type_ref: type_ref("int4", INT4),
            constraints: vec![key],
            ..Default::default()
        };
        let statement = alter("orders", AlterAction::AddColumn(column), AccessExclusive);
        let found = run(&RULE, &statement, &shop()).unwrap();
        let safe = found.safe_alternative.unwrap();
        assert!(
            safe.starts_with("-- ADD COLUMN customer_id as written"),
            "{safe}"
        );
        assert!(safe.contains(
            "ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES public.customers NOT VALID;"
        ));
    }

    #[test]
    fn a_partitioned_table_gets_no_not_valid_alternative() {
        let mut catalog = shop();
        catalog.relations.get_mut(&1).unwrap().kind = RelKind::PartitionedTable;
        let found = run(
            &RULE,
            &add_key("orders", foreign_key(None, false)),
            &catalog,
        )
        .unwrap();
        assert!(found.message.contains("PostgreSQL 18"));
        assert_eq!(found.safe_alternative, None);
    }

    #[test]
    fn silent_when_not_valid_or_on_a_table_created_by_the_script() {
        let catalog = shop();
        let not_valid = add_key("orders", foreign_key(None, true));
        assert_eq!(run(&RULE, &not_valid, &catalog), None);
        let state = created(&["orders"], &catalog);
        let statement = add_key("orders", foreign_key(None, false));
        assert_eq!(run_with(&RULE, &statement, &catalog, &state), None);
    }
}
