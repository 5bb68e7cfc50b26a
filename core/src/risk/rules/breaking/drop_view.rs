//! Dropping an existing view or materialized view: every query of the running application that
//! reads it fails, and `CASCADE` drops the views built on it too.

use super::{existing_relations, plural, relation_noun};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "drop_view",
    severity: Severity::Warning,
    summary: "dropping a view or materialized view breaks clients that still read it",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Drop(drop) = &context.statement.operation else {
        return None;
    };
    if !matches!(drop.object, ObjectKind::View | ObjectKind::MaterializedView) {
        return None;
    }
    let views = existing_relations(context, &drop.names);
    let first = views.first()?;
    let names: Vec<&str> = views.iter().map(|v| v.qualified.as_str()).collect();
    let mut message = format!(
        "Dropping {} {} breaks every query of the running application that still reads {}: deploy code that no longer does first (to change a view's query, CREATE OR REPLACE VIEW keeps it in place).",
        relation_noun(first.kind),
        names.join(", "),
        plural(views.len(), "it", "them"),
    );
    let dependents: Vec<&str> = views
        .iter()
        .flat_map(|v| &v.dependent_views)
        .filter_map(|d| context.catalog.get(d.view))
        .map(|d| d.qualified.as_str())
        .collect();
    if drop.cascade && !dependents.is_empty() {
        message.push_str(&format!(" CASCADE also drops {}.", dependents.join(", ")));
    }
    Some(RULE.finding(message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::catalog::{Dependent, RelKind};
    use crate::risk::rules::breaking::script::created;
    use crate::risk::statement::{Drop, Statement};
    use crate::risk::testing::*;

    fn drop_view(object: ObjectKind, cascade: bool) -> Statement {
        statement(
            "DROP VIEW",
            Operation::Drop(Drop {
                object,
                names: vec![name("order_totals")],
                concurrently: false,
                cascade,
                missing_ok: true,
            }),
        )
    }

    fn views(kind: RelKind) -> crate::risk::catalog::Catalog {
        let mut totals = table(1, "order_totals", 0.0, &[]);
        totals.kind = kind;
        totals.dependent_views.push(Dependent {
            view: 2,
            column: None,
        });
        let mut report = table(2, "monthly_report", 0.0, &[]);
        report.kind = RelKind::View;
        catalog(vec![totals, report])
    }

    #[test]
    fn fires_on_existing_views_and_names_what_cascade_drops() {
        let found = run(
            &RULE,
            &drop_view(ObjectKind::View, false),
            &views(RelKind::View),
        )
        .unwrap();
        assert!(found
            .message
            .starts_with("Dropping view public.order_totals"));
        assert!(!found.message.contains("CASCADE also"));
        let catalog = views(RelKind::MaterializedView);
        let statement = drop_view(ObjectKind::MaterializedView, true);
        let found = run(&RULE, &statement, &catalog).unwrap();
        assert!(found
            .message
            .starts_with("Dropping materialized view public.order_totals"));
        assert!(found
            .message
            .ends_with("CASCADE also drops public.monthly_report."));
    }

    #[test]
    fn silent_on_views_created_earlier_in_the_script_missing_or_other_drops() {
        let existing = views(RelKind::View);
        let state = created("CREATE VIEW", "order_totals");
        let statement = drop_view(ObjectKind::View, false);
        assert_eq!(run_with(&RULE, &statement, &existing, &state), None);
        assert_eq!(run(&RULE, &statement, &catalog(vec![])), None);
        let drop_table = drop_view(ObjectKind::Table, false);
        assert_eq!(run(&RULE, &drop_table, &existing), None);
    }
}
