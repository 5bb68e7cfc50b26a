//! Lint rules of category `naming`, and what they share: patterns and templates read from the
//! options, the server's keywords, identifiers quoted as `quote_ident` quotes them, and the names
//! PostgreSQL itself chooses for indexes and constraints.

mod column_naming;
mod constraint_naming;
mod index_naming;
mod reserved_word_identifier;
mod table_naming;

use std::collections::HashSet;

use regex::Regex;

use crate::lint::catalog::{LintCatalog, TableKind};
use crate::lint::rule::{LintContext, LintRule};

pub const RULES: &[&LintRule] = &[
    &table_naming::RULE,
    &column_naming::RULE,
    &reserved_word_identifier::RULE,
    &index_naming::RULE,
    &constraint_naming::RULE,
];

/// Longest identifier PostgreSQL keeps (`NAMEDATALEN - 1` bytes).
const MAX_IDENTIFIER: usize = 63;

/// The names of the tables, views and indexes in each schema (one namespace): a rename must
/// not collide with them.
pub(crate) fn relation_names(catalog: &LintCatalog) -> HashSet<(&str, &str)> {
    catalog
        .tables
        .iter()
        .map(|t| (t.schema.as_str(), t.name.as_str()))
        .chain(catalog.indexes.iter().filter_map(|i| {
            let table = catalog.table(i.table)?;
            Some((table.schema.as_str(), i.name.as_str()))
        }))
        .collect()
}

/// The regular expression in option `pattern`. An invalid one makes the rule fail (the engine
/// reports `lint_rule_failed` with this message) rather than pass silently.
pub(crate) fn pattern(context: &LintContext, rule: &str) -> Regex {
    let source = context
        .option_str("pattern")
        .unwrap_or_else(|| panic!("invalid pattern for {rule}: the option must be a string"));
    Regex::new(source).unwrap_or_else(|error| panic!("invalid pattern for {rule}: {error}"))
}

/// The string option `name` of a template rule; mistyped: the rule fails with a clear message.
pub(crate) fn template<'a>(context: &'a LintContext, rule: &str, name: &str) -> &'a str {
    context
        .option_str(name)
        .unwrap_or_else(|| panic!("invalid option {name} for {rule}: expected a string template"))
}

pub(crate) use crate::lint::catalog::Keywords;

/// `name` in snake_case: words split at case changes (`OrderItems`, `orderID`,
/// `HTTPRequest`) and at anything that is not a letter or digit, lower-cased, joined by `_`.
pub(crate) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if c.is_uppercase() && !word.is_empty() {
            let before = chars[i - 1];
            let lower_next = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if before.is_lowercase() || before.is_numeric() || (before.is_uppercase() && lower_next)
            {
                words.push(std::mem::take(&mut word));
            }
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words.join("_")
}

/// A new name for `name` that needs no quotes, is no keyword, fits, matches `pattern` and is
/// not `taken`: the rename to suggest, if there is one.
pub(crate) fn suggest(
    candidate: String,
    pattern: Option<&Regex>,
    keywords: &Keywords,
    taken: impl Fn(&str) -> bool,
) -> Option<String> {
    // Bare under quote_ident: plain characters and no keyword.
    let usable = keywords.quote(&candidate) == candidate
        && !candidate.contains('$')
        && candidate.len() <= MAX_IDENTIFIER
        && pattern.is_none_or(|p| p.is_match(&candidate))
        && !taken(&candidate);
    usable.then_some(candidate)
}

/// What `ALTER <kind>` takes for a table-like object.
pub(crate) fn alter_kind(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Table | TableKind::PartitionedTable => "TABLE",
        TableKind::View => "VIEW",
        TableKind::MaterializedView => "MATERIALIZED VIEW",
        TableKind::ForeignTable => "FOREIGN TABLE",
    }
}

/// How a message names a table-like object.
pub(crate) fn noun(kind: TableKind) -> &'static str {
    match kind {
        TableKind::Table => "table",
        TableKind::PartitionedTable => "partitioned table",
        TableKind::View => "view",
        TableKind::MaterializedView => "materialized view",
        TableKind::ForeignTable => "foreign table",
    }
}

/// The name `template` gives (`{table}` and `{columns}` replaced), shortened as PostgreSQL's
/// `makeObjectName` shortens the names it chooses: while the result is longer than 63 bytes,
/// the longer of the table and column parts loses a byte (the column part on a tie), then each
/// is cut back to a character boundary.
pub(crate) fn object_name(template: &str, table: &str, columns: &str) -> String {
    let table_uses = template.matches("{table}").count();
    let column_uses = template.matches("{columns}").count();
    let fixed = template.len() - table_uses * "{table}".len() - column_uses * "{columns}".len();
    let mut table_bytes = if table_uses > 0 { table.len() } else { 0 };
    let mut column_bytes = if column_uses > 0 { columns.len() } else { 0 };
    while fixed + table_uses * table_bytes + column_uses * column_bytes > MAX_IDENTIFIER
        && table_bytes + column_bytes > 0
    {
        if table_bytes > column_bytes {
            table_bytes -= 1;
        } else {
            column_bytes -= 1;
        }
    }
    let table = clip(table, table_bytes);
    let columns = clip(columns, column_bytes);
    let mut name = String::with_capacity(MAX_IDENTIFIER);
    let mut rest = template;
    while let Some(at) = rest.find('{') {
        name.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("{table}") {
            name.push_str(table);
            rest = after;
        } else if let Some(after) = rest.strip_prefix("{columns}") {
            name.push_str(columns);
            rest = after;
        } else {
            name.push('{');
            rest = &rest[1..];
        }
    }
    name.push_str(rest);
    clip(&name, MAX_IDENTIFIER).to_string()
}

/// The longest prefix of `text` of at most `bytes` bytes that ends on a character boundary.
fn clip(text: &str, bytes: usize) -> &str {
    let mut end = bytes.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// `actual` is the name `template` gives for `table` and one of `column_sets`, or that name
/// with the number PostgreSQL appends when the name was taken (`orders_customer_id_idx1`).
pub(crate) fn follows(actual: &str, template: &str, table: &str, column_sets: &[String]) -> bool {
    let digits = actual.len() - actual.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let numbered = (digits > 0).then(|| format!("{template}{}", &actual[actual.len() - digits..]));
    column_sets.iter().any(|columns| {
        object_name(template, table, columns) == actual
            || numbered
                .as_deref()
                .is_some_and(|t| object_name(t, table, columns) == actual)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keywords(words: &[&str]) -> Keywords {
        Keywords::from_words(words.iter().copied())
    }

    #[test]
    fn snake_case_splits_words() {
        assert_eq!(snake_case("OrderItems"), "order_items");
        assert_eq!(snake_case("orderID"), "order_id");
        assert_eq!(snake_case("HTTPRequests"), "http_requests");
        assert_eq!(snake_case("Order Items"), "order_items");
        assert_eq!(snake_case("order-items"), "order_items");
        assert_eq!(snake_case("v2Users"), "v2_users");
        assert_eq!(snake_case("already_fine"), "already_fine");
    }

    #[test]
    fn quoting_follows_quote_ident() {
        let keywords = keywords(&["user", "order"]);
        assert_eq!(keywords.quote("orders"), "orders");
        assert_eq!(keywords.quote("order"), "\"order\"");
        assert_eq!(keywords.quote("Orders"), "\"Orders\"");
        assert_eq!(keywords.quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(keywords.quote("line_2$"), "line_2$");
        assert!(keywords.contains("USER"));
        assert!(!keywords.contains("users"));
    }

    #[test]
    fn object_names_are_shortened_like_postgres() {
        assert_eq!(
            object_name("{table}_{columns}_idx", "orders", "customer_id"),
            "orders_customer_id_idx"
        );
        assert_eq!(object_name("{table}_pkey", "orders", "id"), "orders_pkey");
        // CREATE TABLE with a 40-byte name and a 40-byte column: PostgreSQL names the index
        // by cutting the longer part first, then both alternately.
        let table = "t".repeat(40);
        let column = "c".repeat(30);
        let name = object_name("{table}_{columns}_idx", &table, &column);
        assert_eq!(name.len(), 63);
        assert_eq!(name, format!("{}_{}_idx", "t".repeat(29), "c".repeat(29)));
        // Multibyte characters are never split.
        let name = object_name("{table}_pkey", &"é".repeat(40), "");
        assert!(name.len() <= 63 && name.ends_with("_pkey"));
    }

    #[test]
    fn numbered_names_follow_the_template() {
        let sets = ["customer_id".to_string()];
        let template = "{table}_{columns}_idx";
        assert!(follows("orders_customer_id_idx", template, "orders", &sets));
        assert!(follows(
            "orders_customer_id_idx1",
            template,
            "orders",
            &sets
        ));
        assert!(!follows("orders_customer_idx", template, "orders", &sets));
        assert!(!follows("by_customer", template, "orders", &sets));
    }
}

/// The naming, multi-tenant and type rules stay linear: 10,000 tables of 12 columns with 3
/// indexes, 2 constraints and a sequence each, one in ten misnamed, every third with a policy.
#[cfg(test)]
mod scale {
    use std::time::Instant;

    use crate::lint::catalog::{Constraint, ConstraintKind, LintCatalog, Policy, Sequence};
    use crate::lint::engine::{lint, Config, LintFinding, Selection, Timings, RULE_FAILED};
    use crate::lint::testing::*;

    const RULES: &[&str] = &[
        "table_naming",
        "column_naming",
        "reserved_word_identifier",
        "index_naming",
        "constraint_naming",
        "tenant_column_missing",
        "tenant_not_leading_in_index",
        "tenant_table_without_rls",
        "prefer_timestamptz",
        "prefer_text_over_varchar",
        "prefer_bigint_pk",
        "prefer_jsonb",
        "money_type",
        "reg_type_column",
    ];

    const TYPES: [&str; 12] = [
        "integer",
        "bigint",
        "text",
        "timestamp with time zone",
        "character varying(40)",
        "jsonb",
        "numeric",
        "regclass",
        "uuid",
        "timestamp without time zone",
        "boolean",
        "date",
    ];

    fn large(tables: u32) -> LintCatalog {
        let (mut all, mut indexes, mut constraints, mut policies, mut sequences) =
            (vec![], vec![], vec![], vec![], vec![]);
        for n in 0..tables {
            let misnamed = n % 10 == 0;
            let name = if misnamed {
                format!("Table{n}")
            } else {
                format!("table_{n}")
            };
            let mut t = table(n + 1, &name);
            t.schema = format!("s{}", n % 50);
            t.qualified = if misnamed {
                format!("{}.\"{name}\"", t.schema)
            } else {
                format!("{}.{name}", t.schema)
            };
            t.columns = (0..12)
                .map(|i| column(i + 1, &format!("column_{i}"), TYPES[i as usize]))
                .collect();
            t.columns[1].name = "tenant_id".into();
            if misnamed {
                t.columns[2].name = "order".into();
                t.columns[3].name = "createdAt".into();
            }
            let key = format!("{name}_pkey");
            indexes.push(primary(index(100_000 + n, &t, &key, &[1])));
            let ix = if misnamed {
                format!("ix{n}")
            } else {
                format!("{name}_column_2_tenant_id_idx")
            };
            indexes.push(index(200_000 + n, &t, &ix, &[3, 2]));
            indexes.push(index(300_000 + n, &t, &format!("ex{n}"), &[0]));
            constraints.push(Constraint {
                oid: 400_000 + n,
                table: t.oid,
                name: key,
                kind: ConstraintKind::PrimaryKey,
                columns: vec![1],
                referenced: None,
                referenced_columns: vec![],
                validated: true,
                comment: None,
            });
            if n > 0 {
                constraints.push(Constraint {
                    name: format!("{name}_column_2_fkey"),
                    oid: 500_000 + n,
                    kind: ConstraintKind::ForeignKey,
                    columns: vec![3],
                    referenced: Some(n),
                    referenced_columns: vec![1],
                    ..constraints.last().unwrap().clone()
                });
            }
            t.rls_enabled = n % 3 != 0;
            if n % 3 == 1 {
                policies.push(Policy {
                    table: t.oid,
                    name: "tenant_isolation".into(),
                    permissive: true,
                    command: '*',
                    roles: vec!["public".into()],
                    using: Some("(tenant_id = 1)".into()),
                    check: None,
                });
            }
            sequences.push(Sequence {
                oid: 600_000 + n,
                qualified: format!("{}.{name}_column_0_seq", t.schema),
                owned_by: Some((t.oid, 1)),
                last_value: Some(n.into()),
                max_value: 2_147_483_647,
            });
            all.push(t);
        }
        let mut catalog = catalog(all, indexes, constraints);
        catalog.policies = policies;
        catalog.sequences = sequences;
        catalog.keywords = ["order", "user", "select", "table", "group"]
            .iter()
            .map(|k| k.to_string())
            .collect();
        catalog.indexed()
    }

    /// Lints `catalog` with the rules above: the findings, the time taken and each rule's.
    fn timed(catalog: &LintCatalog) -> (Vec<LintFinding>, f64, Timings) {
        let selection = Selection {
            rules: Some(RULES.iter().map(|r| r.to_string()).collect()),
            ..Selection::default()
        };
        let started = Instant::now();
        let (findings, timings) = lint(catalog, &Config::default(), &selection);
        (findings, started.elapsed().as_secs_f64(), timings)
    }

    #[test]
    fn ten_thousand_tables() {
        let (_, quarter, _) = timed(&large(2_500));
        let (findings, elapsed, timings) = timed(&large(10_000));
        assert_eq!(timings.len(), RULES.len());
        assert!(!findings.iter().any(|f| f.rule == RULE_FAILED));
        let count = |rule: &str| findings.iter().filter(|f| f.rule == rule).count();
        assert_eq!(count("table_naming"), 1_000);
        assert_eq!(count("column_naming"), 1_000);
        assert_eq!(count("reserved_word_identifier"), 1_000);
        assert_eq!(count("index_naming"), 1_000);
        assert_eq!(count("tenant_not_leading_in_index"), 10_000);
        assert_eq!(count("tenant_table_without_rls"), 3_334);
        assert_eq!(count("prefer_bigint_pk"), 10_000);
        eprintln!("{} findings in {elapsed:.3} s: {timings:?}", findings.len());
        // Linear: four times the tables take about four times as long, not sixteen.
        assert!(elapsed < quarter * 8.0, "{quarter} s then {elapsed} s");
        // About 0.3 s in a release build, several times that in an unoptimised test build.
        assert!(elapsed < 10.0, "{elapsed} s: {timings:?}");
    }
}
