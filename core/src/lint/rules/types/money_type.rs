//! A `money` column: its scale and its input and output format follow the server's
//! `lc_monetary`, so a dump restored under another locale or a client in another locale reads
//! different amounts; it has a single implicit currency and rounds in divisions.

use super::{alter_type, element_type, table_columns, type_hit};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "money_type",
    category: "types",
    severity: Severity::Warning,
    enabled: true,
    description: "a money column",
    options: no_options,
    check,
};

fn check(context: &LintContext) -> Vec<Hit> {
    table_columns(context.catalog)
        .filter_map(|(t, c)| {
            let (element, array) = element_type(&c.type_name);
            if element != "money" {
                return None;
            }
            let numeric = if array { "numeric[]" } else { "numeric" };
            Some(type_hit(
                t,
                c,
                format!(
                    "Column {}.{} is {}, whose format and scale depend on lc_monetary; use \
                     {numeric}.",
                    t.qualified, c.quoted, c.type_name
                ),
                Some(alter_type(
                    t,
                    c,
                    numeric,
                    Some(format!("{}::{numeric}", c.quoted)),
                )),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_money() {
        let mut invoices = table(1, "invoices");
        invoices.columns = vec![column(1, "total", "money")];
        let hits = run(&RULE, &catalog(vec![invoices], vec![], vec![]));
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                "ALTER TABLE public.invoices ALTER COLUMN total TYPE numeric USING total::numeric;"
            )
        );
    }

    #[test]
    fn silent_for_numeric_and_partitions() {
        let mut invoices = table(1, "invoices");
        invoices.columns = vec![column(1, "total", "numeric(12,2)")];
        let mut partition = table(2, "invoices_2024");
        partition.partition_of = Some(1);
        partition.columns = vec![column(1, "total", "money")];
        assert!(run(&RULE, &catalog(vec![invoices, partition], vec![], vec![])).is_empty());
    }
}
