//! A large table with a large share of dead rows: scans read the dead rows too, the table and
//! its indexes take more disk and cache than the live data needs, and it usually means
//! autovacuum cannot keep up (long transactions, a stale replication slot, thresholds too high
//! for the table's size).

use serde_json::json;

use crate::lint::catalog::TableKind;
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "table_bloat",
    category: "structure",
    severity: Severity::Warning,
    enabled: true,
    description: "a large table with a large share of dead rows",
    options,
    check,
};

fn options() -> serde_json::Value {
    json!({"max_ratio": 0.3, "min_bytes": 104_857_600})
}

fn check(context: &LintContext) -> Vec<Hit> {
    let max_ratio = context.option_f64("max_ratio").unwrap_or(0.3);
    let min_bytes = context.option_f64("min_bytes").unwrap_or(104_857_600.0);
    context
        .catalog
        .tables
        .iter()
        // Partitions hold the rows (and the dead ones) of a partitioned table.
        .filter(|t| matches!(t.kind, TableKind::Table | TableKind::MaterializedView))
        .filter(|t| t.bytes as f64 >= min_bytes)
        .filter_map(|t| {
            // reltuples is -1 for a table never vacuumed nor analyzed: no estimate.
            let live = t.rows;
            let dead = t.dead_rows.max(0) as f64;
            if live < 0.0 || live + dead <= 0.0 {
                return None;
            }
            let ratio = dead / (live + dead);
            (ratio > max_ratio).then(|| {
                let percent = (ratio * 1000.0).round() / 10.0;
                Hit::on_table(
                    t,
                    format!(
                        "About {percent}% of the rows of {} are dead ({} dead rows in {} MB).",
                        t.qualified,
                        t.dead_rows,
                        t.bytes >> 20
                    ),
                )
                .with_remediation(format!("VACUUM (ANALYZE) {};", t.qualified))
                .with_detail(json!({
                    "ratio": (ratio * 1000.0).round() / 1000.0,
                    "dead_rows": t.dead_rows,
                    "rows": live,
                    "bytes": t.bytes,
                }))
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    fn sized(
        oid: u32,
        name: &str,
        rows: f64,
        dead_rows: i64,
        bytes: i64,
    ) -> crate::lint::catalog::Table {
        let mut t = table(oid, name);
        t.rows = rows;
        t.dead_rows = dead_rows;
        t.bytes = bytes;
        t
    }

    #[test]
    fn fires_for_a_large_table_mostly_dead() {
        let events = sized(1, "events", 600_000.0, 400_000, 1 << 30);
        let hits = run(&RULE, &catalog(vec![events], vec![], vec![]));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("VACUUM (ANALYZE) public.events;")
        );
        assert_eq!(hits[0].detail["ratio"], 0.4);
        assert_eq!(hits[0].detail["dead_rows"], 400_000);
    }

    #[test]
    fn silent_for_small_tables_few_dead_rows_and_partitioned_parents() {
        let small = sized(1, "small", 10.0, 90, 1 << 20);
        let healthy = sized(2, "healthy", 900_000.0, 100_000, 1 << 30);
        let never_analyzed = sized(3, "fresh", -1.0, 5_000, 1 << 30);
        let mut parent = sized(4, "parent", 0.0, 1_000_000, 1 << 30);
        parent.kind = TableKind::PartitionedTable;
        let catalog = catalog(vec![small, healthy, never_analyzed, parent], vec![], vec![]);
        assert!(run(&RULE, &catalog).is_empty());
        // Thresholds are options.
        let hits = run_with(&RULE, &catalog, &json!({"min_bytes": 0, "max_ratio": 0.05}));
        assert_eq!(hits.len(), 2, "{hits:?}");
    }
}
