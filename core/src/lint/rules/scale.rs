//! Every rule on a catalog of 10,000 tables and 28,000 indexes: they must stay linear.

use std::time::Instant;

use serde_json::json;

use crate::lint::catalog::{Constraint, ConstraintKind, Extension, Sequence};
use crate::lint::engine::{lint, Config, Selection};
use crate::lint::testing::*;

#[test]
fn all_rules_on_ten_thousand_tables() {
    let (mut tables, mut indexes, mut constraints, mut sequences) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for n in 0..10_000u32 {
        let oid = 100_000 + n;
        let mut t = table(oid, &format!("t{n}"));
        let parent = if n > 0 { n - 1 } else { 0 };
        t.columns = vec![
            not_null(column(1, "id", "bigint")),
            column(2, &format!("t{parent}_id"), "bigint"),
            column(3, "tenant_id", "bigint"),
            column(4, "created_at", "timestamptz"),
            column(5, "note", "text"),
        ];
        t.columns[0].default = Some(format!("nextval('t{n}_id_seq'::regclass)"));
        t.dead_rows = i64::from(n % 7) * 100;
        let base = 1_000_000 + n * 3;
        indexes.push(primary(index(base, &t, &format!("t{n}_pkey"), &[1])));
        indexes.push(index(
            base + 1,
            &t,
            &format!("t{n}_tenant_created"),
            &[3, 4],
        ));
        if n % 5 != 0 {
            let mut other = index(base + 2, &t, &format!("t{n}_tenant_note"), &[3, 5]);
            other.scans = 0;
            indexes.push(other);
        }
        if n > 0 {
            constraints.push(Constraint {
                oid: 2_000_000 + n,
                table: oid,
                name: format!("t{n}_fkey"),
                kind: ConstraintKind::ForeignKey,
                columns: vec![2],
                referenced: Some(oid - 1),
                referenced_columns: vec![1],
                validated: true,
                comment: None,
            });
        }
        sequences.push(Sequence {
            oid: 3_000_000 + n,
            qualified: format!("public.t{n}_id_seq"),
            owned_by: Some((oid, 1)),
            last_value: Some(i64::from(n)),
            max_value: i64::MAX,
        });
        tables.push(t);
    }
    // Pad to 28,000 indexes with single-column ones.
    let mut n = 0;
    while indexes.len() < 28_000 {
        let t = &tables[n % tables.len()];
        indexes.push(index(4_000_000 + n as u32, t, &format!("pad{n}"), &[4]));
        n += 1;
    }
    let mut catalog = catalog(tables, indexes, constraints);
    catalog.sequences = sequences;
    catalog.extensions = vec![Extension {
        name: "pg_trgm".into(),
        schema: "public".into(),
        version: "1.5".into(),
        default_version: Some("1.6".into()),
    }];
    catalog.stats_age_seconds = Some(30.0 * 86_400.0);
    let every: Vec<String> = super::all().map(|r| r.id.to_string()).collect();
    let selection = Selection {
        rules: Some(every),
        ..Selection::default()
    };
    let started = Instant::now();
    let (findings, timings) = lint(&catalog, &Config::default(), &selection);
    let elapsed = started.elapsed().as_secs_f64();
    let slowest = timings
        .iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(rule, ms)| json!({"rule": rule, "ms": ms}));
    println!(
        "{} findings in {:.0} ms; slowest: {slowest:?}",
        findings.len(),
        elapsed * 1000.0
    );
    assert!(findings.iter().all(|f| f.rule != "lint_rule_failed"));
    // Generous for unoptimized test builds; an optimized build takes a fraction of this.
    assert!(elapsed < 10.0, "{elapsed} s: {timings:?}");
}
