//! Renaming a column of an existing table or view: queries of the running application that
//! use the old name fail from the moment the rename commits.

use super::{relation_noun, sql_name};
use crate::risk::catalog::RelKind;
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{ObjectKind, Operation};

pub const RULE: Rule = Rule {
    id: "rename_column",
    severity: Severity::Warning,
    summary: "renaming a column breaks clients that still use the old name",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::Rename(rename) = &context.statement.operation else {
        return None;
    };
    if rename.object != ObjectKind::Column {
        return None;
    }
    let relation = context.target()?;
    let written = sql_name(rename.relation.as_ref()?);
    let new = super::quote_ident(&rename.new_name);
    let old_name = rename.old_name.as_deref().unwrap_or("<old column>");
    let old = super::quote_ident(old_name);
    let old_type = relation
        .column(old_name)
        .map_or("<type of the old column>", |c| c.type_name.as_str());
    let alternative = if matches!(relation.kind, RelKind::View | RelKind::MaterializedView) {
        format!(
            "-- Instead of renaming, expose both names while clients move over:\n\
             -- 1. CREATE OR REPLACE VIEW {written} AS SELECT ..., {old} AS {new}; (new names go last)\n\
             -- 2. deploy code that reads {new};\n\
             -- 3. recreate the view without {old}."
        )
    } else {
        format!(
            "-- Instead of renaming in place, in steps that both versions of the code survive:\n\
             -- 1. ALTER TABLE {written} ADD COLUMN {new} {old_type};\n\
             -- 2. deploy code that writes both columns, then backfill in batches:\n\
             --    UPDATE {written} SET {new} = {old} WHERE {new} IS NULL AND ...;\n\
             -- 3. deploy code that reads {new} only;\n\
             -- 4. ALTER TABLE {written} DROP COLUMN {old};\n\
             -- (Or rename, and give old readers a view that shows the old name.)"
        )
    };
    Some(
        RULE.finding(format!(
            "Renaming {} of {} {} to {} breaks every query of the running application that still uses the old name.",
            old_name,
            relation_noun(relation.kind),
            relation.qualified,
            rename.new_name
        ))
        .with_alternative(alternative),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::rules::breaking::script::created_table;
    use crate::risk::statement::{Rename, Statement};
    use crate::risk::testing::*;

    fn rename_column(relation: &str, kind: ObjectKind) -> Statement {
        statement(
            "ALTER TABLE",
            Operation::Rename(Rename {
                object: ObjectKind::Column,
                relation: Some(name(relation)),
                relation_kind: kind,
                old_name: Some("client".into()),
                new_name: "customer_id".into(),
            }),
        )
    }

    #[test]
    fn fires_on_an_existing_table_with_the_expand_and_contract_steps() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[("client", "int4", INT4)])]);
        let found = run(&RULE, &rename_column("orders", ObjectKind::Table), &catalog).unwrap();
        assert!(found
            .message
            .starts_with("Renaming client of table public.orders to customer_id"));
        let alternative = found.safe_alternative.unwrap();
        assert!(alternative.contains("ALTER TABLE orders ADD COLUMN customer_id int4"));
        assert!(alternative.contains("DROP COLUMN client"));
        assert!(alternative.lines().all(|l| l.starts_with("--")));
    }

    #[test]
    fn fires_on_a_view_with_a_view_alternative() {
        let mut view = table(1, "order_list", 0.0, &[]);
        view.kind = RelKind::View;
        let catalog = catalog(vec![view]);
        let found = run(
            &RULE,
            &rename_column("order_list", ObjectKind::View),
            &catalog,
        )
        .unwrap();
        assert!(found.message.contains("of view public.order_list"));
        assert!(found
            .safe_alternative
            .unwrap()
            .contains("CREATE OR REPLACE VIEW order_list"));
    }

    #[test]
    fn silent_on_tables_created_earlier_in_the_script_or_missing() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[])]);
        let state = created_table("orders");
        let rename = rename_column("orders", ObjectKind::Table);
        assert_eq!(run_with(&RULE, &rename, &catalog, &state), None);
        assert_eq!(
            run(
                &RULE,
                &rename_column("missing", ObjectKind::Table),
                &catalog
            ),
            None
        );
    }
}
