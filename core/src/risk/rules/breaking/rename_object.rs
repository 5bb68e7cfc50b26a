//! Renaming anything but a column or a table (index, constraint, view, sequence, type,
//! function, schema, trigger, policy, ...): whatever refers to it by the old name breaks.

use super::{noun, quote_ident, relation_noun, sql_name};
use crate::risk::catalog::RelKind;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{Name, ObjectKind, Operation, Rename};

pub const RULE: Rule = Rule {
    id: "rename_object",
    severity: Severity::Warning,
    summary: "renaming a view, index, constraint, sequence, type, function or schema breaks what uses the old name",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Rename(rename) = &context.statement.operation else {
        return None;
    };
    if rename.object == ObjectKind::Column {
        return None;
    }
    let relation = context.target();
    if rename.relation.is_some() && relation.is_none() {
        // A relation created earlier in the script, or none at all.
        return None;
    }
    let kind = relation.map(|r| r.kind);
    if rename.object == ObjectKind::Table
        && matches!(kind, Some(RelKind::Table | RelKind::PartitionedTable))
    {
        return None; // rename_table
    }
    let belongs_to_table = matches!(
        rename.object,
        ObjectKind::Constraint | ObjectKind::Trigger | ObjectKind::Policy | ObjectKind::Rule
    );
    let what = match relation {
        Some(r) if belongs_to_table => format!("a {} of {}", noun(rename.object), r.qualified),
        Some(r) => format!("{} {}", relation_noun(r.kind), r.qualified),
        None => format!("a {}", noun(rename.object)),
    };
    let used_by_queries = match kind {
        Some(kind) => !kind.is_index() && !belongs_to_table,
        None => !matches!(rename.object, ObjectKind::Index | ObjectKind::Other),
    };
    let consequence = if used_by_queries {
        "every query and function of the running application that still uses the old name fails"
    } else {
        "code, scripts and later migrations that name it (error handling that matches constraint names, monitoring, DROP or ALTER statements) no longer find it"
    };
    let finding = RULE.finding(format!(
        "Renaming {what} to {}: {consequence}.",
        rename.new_name
    ));
    match (kind, &rename.relation) {
        (Some(RelKind::View), Some(old)) => {
            Some(finding.with_alternative(keep_old_view(old, rename)))
        }
        _ => Some(finding),
    }
}

/// Rename the view and leave one under the old name that reads the renamed one.
fn keep_old_view(old: &Name, rename: &Rename) -> String {
    let new = Name {
        schema: old.schema.clone(),
        name: rename.new_name.clone(),
    };
    format!(
        "ALTER VIEW {} RENAME TO {};\nCREATE VIEW {} AS SELECT * FROM {};",
        sql_name(old),
        quote_ident(&rename.new_name),
        sql_name(old),
        sql_name(&new)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::breaking::script::{created, created_table};
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;

    fn rename(object: ObjectKind, relation: Option<&str>, relation_kind: ObjectKind) -> Statement {
        statement(
            "ALTER",
            Operation::Rename(Rename {
                object,
                relation: relation.map(name),
                relation_kind,
                old_name: None,
                new_name: "renamed".into(),
            }),
        )
    }

    fn view(oid: u32, name: &str) -> crate::risk::catalog::Relation {
        let mut view = table(oid, name, 0.0, &[]);
        view.kind = RelKind::View;
        view
    }

    #[test]
    fn fires_on_an_existing_view_with_a_view_under_the_old_name() {
        let catalog = catalog(vec![view(1, "order_totals")]);
        let statement = rename(ObjectKind::View, Some("order_totals"), ObjectKind::View);
        let found = run(&RULE, &statement, &catalog).unwrap();
        assert!(found
            .message
            .starts_with("Renaming view public.order_totals to renamed: every query"));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some("ALTER VIEW order_totals RENAME TO renamed;\nCREATE VIEW order_totals AS SELECT * FROM renamed;")
        );
        // ALTER TABLE works on views too.
        let statement = rename(ObjectKind::Table, Some("order_totals"), ObjectKind::Table);
        assert!(run(&RULE, &statement, &catalog).is_some());
    }

    #[test]
    fn fires_on_indexes_constraints_and_objects_that_are_not_relations() {
        let mut orders = table(1, "orders", 10.0, &[]);
        let idx = index(2, "orders_idx", &mut orders, &["placed_at"]);
        let catalog = catalog(vec![orders, idx]);
        let statement = rename(ObjectKind::Index, Some("orders_idx"), ObjectKind::Index);
        let found = run(&RULE, &statement, &catalog).unwrap();
        assert!(found.message.contains("index public.orders_idx"));
        assert!(found.message.contains("no longer find it"));
        let statement = rename(ObjectKind::Constraint, Some("orders"), ObjectKind::Table);
        let found = run(&RULE, &statement, &catalog).unwrap();
        assert!(found
            .message
            .starts_with("Renaming a constraint of public.orders"));
        let statement = rename(ObjectKind::Type, None, ObjectKind::Other);
        let found = run(&RULE, &statement, &catalog).unwrap();
        assert!(found
            .message
            .starts_with("Renaming a type to renamed: every query"));
    }

    #[test]
    fn silent_on_columns_tables_and_relations_created_earlier_in_the_script() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[]), view(2, "totals")]);
        let table_rename = rename(ObjectKind::Table, Some("orders"), ObjectKind::Table);
        assert_eq!(run(&RULE, &table_rename, &catalog), None);
        let column = rename(ObjectKind::Column, Some("orders"), ObjectKind::Table);
        assert_eq!(run(&RULE, &column, &catalog), None);
        let constraint = rename(ObjectKind::Constraint, Some("orders"), ObjectKind::Table);
        let state = created_table("orders");
        assert_eq!(run_with(&RULE, &constraint, &catalog, &state), None);
        let view_rename = rename(ObjectKind::View, Some("totals"), ObjectKind::View);
        let state = created("CREATE VIEW", "totals");
        assert_eq!(run_with(&RULE, &view_rename, &catalog, &state), None);
    }
}
