//! A `timestamp without time zone` column: it stores a wall-clock reading with no zone, so the
//! same value means different instants to sessions in different zones, comparisons with
//! `now()` depend on the session's `TimeZone`, and daylight saving makes some values ambiguous.

use serde_json::{json, Value};

use super::{alter_type, element_type, table_columns, type_hit};
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "prefer_timestamptz",
    category: "types",
    severity: Severity::Warning,
    enabled: true,
    description: "a timestamp without time zone column",
    options,
    check,
};

fn options() -> Value {
    json!({"time_zone": "UTC"})
}

fn check(context: &LintContext) -> Vec<Hit> {
    let zone = context
        .option_str("time_zone")
        .unwrap_or("UTC")
        .replace('\'', "''");
    table_columns(context.catalog)
        .filter_map(|(t, c)| {
            let (element, array) = element_type(&c.type_name);
            if !(element.starts_with("timestamp") && element.ends_with("without time zone")) {
                return None;
            }
            let zoned = element.replace("without time zone", "with time zone");
            // `AT TIME ZONE` does not apply to an array, and a subquery cannot convert one in
            // USING: arrays get no statement.
            let remediation = (!array).then(|| {
                alter_type(
                    t,
                    c,
                    &zoned,
                    Some(format!("{} AT TIME ZONE '{zone}'", c.quoted)),
                )
            });
            Some(type_hit(
                t,
                c,
                format!(
                    "Column {}.{} is {}, which records no time zone; use {}.",
                    t.qualified, c.quoted, c.type_name, zoned
                ),
                remediation,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::TableKind;
    use crate::lint::testing::*;

    #[test]
    fn fires_for_timestamps_without_zone_with_their_precision() {
        let mut events = table(1, "events");
        events.columns = vec![
            column(1, "at", "timestamp without time zone"),
            column(2, "seen", "timestamp(3) without time zone"),
            column(3, "history", "timestamp without time zone[]"),
        ];
        let hits = run(&RULE, &catalog(vec![events], vec![], vec![]));
        let remediations: Vec<_> = hits.iter().map(|h| h.remediation.as_deref()).collect();
        assert_eq!(
            remediations,
            [
                Some(
                    "ALTER TABLE public.events ALTER COLUMN at TYPE timestamp with time zone \
                     USING at AT TIME ZONE 'UTC';"
                ),
                Some(
                    "ALTER TABLE public.events ALTER COLUMN seen TYPE timestamp(3) with time \
                     zone USING seen AT TIME ZONE 'UTC';"
                ),
                None,
            ]
        );
        assert_eq!(hits[0].detail["type"], "timestamp without time zone");
    }

    #[test]
    fn the_zone_of_stored_values_is_an_option_and_generated_columns_take_no_using() {
        let mut events = table(1, "events");
        let mut generated = column(1, "day_start", "timestamp without time zone");
        generated.generated = true;
        events.columns = vec![column(2, "at", "timestamp without time zone"), generated];
        let hits = run_with(
            &RULE,
            &catalog(vec![events], vec![], vec![]),
            &json!({"time_zone": "Europe/Paris"}),
        );
        assert!(hits[0]
            .remediation
            .as_deref()
            .unwrap()
            .ends_with("'Europe/Paris';"));
        assert_eq!(
            hits[1].remediation.as_deref(),
            Some("ALTER TABLE public.events ALTER COLUMN day_start TYPE timestamp with time zone;")
        );
    }

    #[test]
    fn silent_for_timestamptz_dates_views_and_partitions() {
        let mut events = table(1, "events");
        events.columns = vec![
            column(1, "at", "timestamp with time zone"),
            column(2, "day", "date"),
            column(3, "t", "time without time zone"),
        ];
        let mut view = table(2, "v");
        view.kind = TableKind::View;
        view.columns = vec![column(1, "at", "timestamp without time zone")];
        let mut partition = table(3, "events_2024");
        partition.partition_of = Some(1);
        partition.columns = vec![column(1, "at", "timestamp without time zone")];
        let hits = run(
            &RULE,
            &catalog(vec![events, view, partition], vec![], vec![]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }
}
