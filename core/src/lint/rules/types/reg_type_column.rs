//! A column of a `reg*` type that pg_upgrade refuses (regproc, regprocedure, regoper,
//! regoperator, regconfig, regdictionary, regnamespace, regcollation): such a column stores the
//! OID of a catalog row, and pg_upgrade does not preserve those OIDs, so it refuses to upgrade a
//! cluster that has one, in any relation, views included. regclass, regrole and regtype are not
//! reported: pg_upgrade preserves the OIDs they store.

use serde_json::json;

use super::{alter_type, element_type};
use crate::lint::catalog::TableKind;
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "reg_type_column",
    category: "types",
    severity: Severity::Error,
    enabled: true,
    description: "a column of a reg* type that pg_upgrade refuses",
    options: no_options,
    check,
};

/// The OID-alias types pg_upgrade's check refuses in user relations (PostgreSQL 15's list).
const REFUSED: &[&str] = &[
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
];

fn check(context: &LintContext) -> Vec<Hit> {
    context
        .catalog
        .tables
        .iter()
        // pg_upgrade checks every relation, views too; a partition has its parent's columns.
        .filter(|t| t.partition_of.is_none())
        .flat_map(|t| t.columns.iter().map(move |c| (t, c)))
        .filter_map(|(t, c)| {
            let (element, array) = element_type(&c.type_name);
            if !REFUSED.contains(&element) {
                return None;
            }
            let text = if array { "text[]" } else { "text" };
            let mut hit = Hit::on_column(
                t,
                c,
                format!(
                    "Column {}.{} is {}, which stores OIDs that pg_upgrade does not preserve, \
                     so pg_upgrade refuses to upgrade this cluster.",
                    t.qualified, c.quoted, c.type_name
                ),
            )
            .with_detail(json!({
                "table": t.qualified,
                "column": c.name,
                "type": c.type_name,
                "kind": match t.kind {
                    TableKind::View => "view",
                    TableKind::MaterializedView => "materialized_view",
                    TableKind::ForeignTable => "foreign_table",
                    _ => "table",
                },
            }));
            // A view's or materialized view's column changes with its query (cast to text).
            if matches!(t.kind, TableKind::Table | TableKind::PartitionedTable) {
                hit = hit.with_remediation(alter_type(
                    t,
                    c,
                    text,
                    Some(format!("{}::{text}", c.quoted)),
                ));
            }
            Some(hit)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_refused_reg_types_arrays_and_views() {
        let mut jobs = table(1, "jobs");
        jobs.columns = vec![
            column(1, "handler", "regprocedure"),
            column(2, "steps", "regproc[]"),
            column(3, "dictionary", "regconfig"),
        ];
        let mut view = table(2, "job_handlers");
        view.kind = TableKind::View;
        view.columns = vec![column(1, "handler", "regprocedure")];
        let hits = run(&RULE, &catalog(vec![jobs, view], vec![], vec![]));
        assert_eq!(hits.len(), 4, "{hits:?}");
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER TABLE public.jobs ALTER COLUMN handler TYPE text USING handler::text;")
        );
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("ALTER TABLE public.jobs ALTER COLUMN steps TYPE text[] USING steps::text[];")
        );
        assert!(hits[3].remediation.is_none());
        assert_eq!(hits[3].detail["kind"], "view");
    }

    #[test]
    fn silent_for_types_pg_upgrade_preserves_and_partitions() {
        let mut audit = table(1, "audit");
        audit.columns = vec![
            column(1, "relation", "regclass"),
            column(2, "role", "regrole"),
            column(3, "kind", "regtype"),
            column(4, "procedure", "text"),
            column(5, "other", "myschema.regproc"),
        ];
        let mut partition = table(2, "audit_2024");
        partition.partition_of = Some(1);
        partition.columns = vec![column(1, "handler", "regproc")];
        let hits = run(&RULE, &catalog(vec![audit, partition], vec![], vec![]));
        assert!(hits.is_empty(), "{hits:?}");
    }
}
