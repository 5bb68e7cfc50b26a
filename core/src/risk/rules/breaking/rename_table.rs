//! Renaming an existing table: queries of the running application that use the old name fail
//! from the moment the rename commits. A view under the old name keeps them working (a simple
//! view is updatable, so their writes go through too) until they are deployed.

use super::{quote_ident, sql_name};
use crate::risk::catalog::RelKind;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{Name, ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "rename_table",
    severity: Severity::Warning,
    summary: "renaming a table breaks clients that still use the old name",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Rename(rename) = &context.statement.operation else {
        return None;
    };
    if rename.object != ObjectKind::Table {
        return None;
    }
    let table = context.target()?;
    if !matches!(table.kind, RelKind::Table | RelKind::PartitionedTable) {
        return None;
    }
    let old = rename.relation.as_ref()?;
    let new = Name {
        schema: old.schema.clone(),
        name: rename.new_name.clone(),
    };
    Some(
        RULE.finding(format!(
            "Renaming {} to {} breaks every query of the running application that still uses the old name; a view with the old name keeps them working until they are deployed.",
            table.qualified, rename.new_name
        ))
        .with_alternative(format!(
            "ALTER TABLE {} RENAME TO {};\nCREATE VIEW {} AS SELECT * FROM {};",
            sql_name(old),
            quote_ident(&rename.new_name),
            sql_name(old),
            sql_name(&new)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::breaking::script::created_table;
    use crate::risk::statement::{Rename, Statement};
    use crate::risk::testing::*;

    fn rename_table(table: &str) -> Statement {
        statement(
            "ALTER TABLE",
            Operation::Rename(Rename {
                object: ObjectKind::Table,
                relation: Some(name(table)),
                relation_kind: ObjectKind::Table,
                old_name: None,
                new_name: "purchases".into(),
            }),
        )
    }

    #[test]
    fn fires_on_an_existing_table_with_a_view_under_the_old_name() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        let found = run(&RULE, &rename_table("public.orders"), &catalog).unwrap();
        assert!(found
            .message
            .starts_with("Renaming public.orders to purchases"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some(
                "ALTER TABLE public.orders RENAME TO purchases;\nCREATE VIEW public.orders AS SELECT * FROM public.purchases;"
            )
        );
    }

    #[test]
    fn silent_on_views_and_on_tables_created_earlier_in_the_script() {
        let mut view = table(1, "orders", 0.0, &[]);
        view.kind = RelKind::View;
        assert_eq!(
            run(&RULE, &rename_table("orders"), &catalog(vec![view])),
            None
        );
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        let state = created_table("orders");
        assert_eq!(
            run_with(&RULE, &rename_table("orders"), &catalog, &state),
            None
        );
    }
}
