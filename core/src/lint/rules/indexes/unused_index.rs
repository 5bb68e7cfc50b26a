//! A sizeable index that no query has scanned since the statistics were reset: it costs disk,
//! cache, write amplification and vacuum time, and blocks HOT updates on its columns, for no
//! read it serves.

use serde_json::json;

use super::super::helpers::{drop_index, names_json, parent_index};
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "unused_index",
    category: "indexes",
    severity: Severity::Info,
    enabled: true,
    description: "an index never scanned since the statistics were reset",
    options,
    check,
};

fn options() -> serde_json::Value {
    json!({"min_bytes": 1_048_576, "min_stats_age_days": 7})
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let min_bytes = context.option_f64("min_bytes").unwrap_or(1_048_576.0);
    let min_age_days = context.option_f64("min_stats_age_days").unwrap_or(7.0);
    // Without statistics old enough, "never scanned" means nothing.
    let Some(age) = catalog.stats_age_seconds else {
        return Vec::new();
    };
    if age < min_age_days * 86_400.0 {
        return Vec::new();
    }
    let stats_age_days = (age / 86_400.0 * 10.0).round() / 10.0;
    catalog
        .indexes
        .iter()
        .filter(|i| i.scans == 0 && i.valid && !i.partitioned)
        // A unique index or a constraint's enforces something even when never scanned.
        .filter(|i| !i.unique && !i.primary && i.constraint.is_none())
        .filter(|i| i.bytes as f64 >= min_bytes)
        .filter_map(|index| {
            let table = catalog.table(index.table)?;
            // Attached to a partitioned table's index, it goes only with that one (and the
            // other partitions' indexes): no single statement fixes it.
            let parent = parent_index(catalog, table, index);
            let hit = Hit::on_index(
                table,
                index,
                format!(
                    "Index {} on {} ({} MB) has not been scanned in {stats_age_days} days.",
                    index.qualified,
                    table.qualified,
                    index.bytes >> 20
                ),
            )
            .with_detail(json!({
                "columns": names_json(table, &index.keys),
                "bytes": index.bytes,
                "scans": index.scans,
                "stats_age_days": stats_age_days,
                "attached_to": parent.map(|p| &p.qualified),
            }));
            Some(match parent {
                Some(_) => hit,
                None => hit.with_remediation(drop_index(index)),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::{LintCatalog, Table};
    use crate::lint::testing::*;

    const DAY: f64 = 86_400.0;

    fn unused(oid: u32, table: &Table, name: &str) -> crate::lint::catalog::Index {
        let mut i = index(oid, table, name, &[2]);
        i.scans = 0;
        i.bytes = 50 << 20;
        i
    }

    fn with_age(mut catalog: LintCatalog, age: Option<f64>) -> LintCatalog {
        catalog.stats_age_seconds = age;
        catalog
    }

    #[test]
    fn fires_for_a_large_unscanned_index_with_old_statistics() {
        let mut orders = table(1, "orders");
        orders.columns = vec![column(1, "id", "bigint"), column(2, "note", "text")];
        let idle = unused(10, &orders, "orders_note");
        let catalog = with_age(catalog(vec![orders], vec![idle], vec![]), Some(30.0 * DAY));
        let hits = run(&RULE, &catalog);
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("DROP INDEX CONCURRENTLY public.orders_note;")
        );
        assert_eq!(hits[0].detail["bytes"], 50 << 20);
        assert_eq!(hits[0].detail["scans"], 0);
    }

    #[test]
    fn silent_for_used_unique_small_invalid_partitioned_or_fresh_statistics() {
        let orders = table(1, "orders");
        let mut used = unused(10, &orders, "used");
        used.scans = 3;
        let mut unique = unused(11, &orders, "unique");
        unique.unique = true;
        let mut constraint = unused(12, &orders, "exclusion");
        constraint.constraint = Some("no_overlap".into());
        let mut small = unused(13, &orders, "small");
        small.bytes = 8192;
        let mut invalid = unused(14, &orders, "invalid");
        invalid.valid = false;
        let mut parent = unused(15, &orders, "parent");
        parent.partitioned = true;
        let all = catalog(
            vec![orders],
            vec![used, unique, constraint, small, invalid, parent],
            vec![],
        );
        assert!(run(&RULE, &with_age(all.clone(), Some(30.0 * DAY))).is_empty());
        // The small one fires once the size floor goes.
        let hits = run_with(
            &RULE,
            &with_age(all.clone(), Some(30.0 * DAY)),
            &json!({"min_bytes": 0}),
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].object_name, "public.small");
        // Statistics too recent, or of unknown age: nothing.
        let idle = unused(16, &all.tables[0], "idle");
        let mut fresh = all;
        fresh.indexes.push(idle);
        let fresh = fresh.indexed();
        assert!(run(&RULE, &with_age(fresh.clone(), Some(2.0 * DAY))).is_empty());
        assert!(run(&RULE, &with_age(fresh.clone(), None)).is_empty());
        assert_eq!(run(&RULE, &with_age(fresh, Some(8.0 * DAY))).len(), 1);
    }
}
