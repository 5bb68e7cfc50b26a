//! A column whose name says it holds personal data (an email address, a phone number, a
//! national identifier, a birth date, a postal address, bank or card numbers): an inventory for
//! data protection (GDPR's records of processing, masking in non-production copies,
//! anonymization rules), not a defect.

use serde_json::{json, Value};

use super::{occurrences, stores_rows, words, NamePatterns};
use crate::lint::catalog::Column;
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "pii_column",
    category: "security",
    severity: Severity::Info,
    enabled: true,
    description: "a column whose name says it holds personal data",
    options,
    check,
};

/// The default patterns, each with the kind of personal data it names; more specific patterns
/// first, so that `email_address` is an email, not a postal address.
const PATTERNS: &[(&str, &str)] = &[
    ("email", "email"),
    ("e_mail", "email"),
    ("phone", "phone"),
    ("mobile", "phone"),
    ("ssn", "national_id"),
    ("social_security", "national_id"),
    ("national_id", "national_id"),
    ("passport", "passport"),
    ("tax_id", "tax_id"),
    ("birth_date", "birth_date"),
    ("birthdate", "birth_date"),
    ("date_of_birth", "birth_date"),
    ("dob", "birth_date"),
    ("iban", "bank_account"),
    ("credit_card", "payment_card"),
    ("card_number", "payment_card"),
    ("postal_code", "postal_address"),
    ("zip", "postal_address"),
    ("street", "postal_address"),
    ("address", "postal_address"),
];

fn options() -> Value {
    json!({ "patterns": PATTERNS.iter().map(|(p, _)| p).collect::<Vec<_>>() })
}

/// The kind of personal data a pattern names: its own, lower case, for a configured one.
fn kind_of(pattern: &str) -> String {
    PATTERNS
        .iter()
        .find(|(p, _)| p.eq_ignore_ascii_case(pattern))
        .map_or_else(|| pattern.to_lowercase(), |(_, kind)| kind.to_string())
}

/// Types that cannot hold the personal data itself: a flag (`email_verified`, `has_phone`), or
/// a moment (`email_confirmed_at`) unless the data is a date (a birth date).
fn cannot_hold(column: &Column, kind: &str) -> bool {
    let base = column.type_name.as_str();
    base == "boolean"
        || (kind != "birth_date"
            && (base.starts_with("timestamp") || base.starts_with("time ") || base == "date"))
}

/// `address_id bigint`: a reference to the row holding the data, which is reported there.
fn is_reference(column: &Column, name: &[String], pattern: &[String]) -> bool {
    let integer_or_uuid = matches!(
        column.type_name.as_str(),
        "integer" | "bigint" | "smallint" | "uuid"
    );
    integer_or_uuid
        && name.last().is_some_and(|w| w == "id")
        && pattern.last().is_none_or(|w| w != "id")
}

fn check(context: &LintContext) -> Vec<Hit> {
    let patterns = NamePatterns::new(context.option_strings("patterns"));
    let mut hits = Vec::new();
    for table in context.catalog.tables.iter().filter(|t| stores_rows(t)) {
        for column in &table.columns {
            if !patterns.may_match(&column.name) {
                continue;
            }
            let name = words(&column.name);
            let matched = patterns
                .patterns
                .iter()
                .find(|(_, pattern)| occurrences(&name, pattern).next().is_some());
            let Some((pattern, pattern_words)) = matched else {
                continue;
            };
            let kind = kind_of(pattern);
            if cannot_hold(column, &kind) || is_reference(column, &name, pattern_words) {
                continue;
            }
            hits.push(
                Hit::on_column(
                    table,
                    column,
                    format!(
                        "{}.{} looks like personal data ({}).",
                        table.qualified,
                        column.quoted,
                        kind.replace('_', " ")
                    ),
                )
                .with_detail(json!({
                    "kind": kind,
                    "pattern": pattern,
                    "type": column.type_name,
                })),
            );
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::catalog::TableKind;
    use crate::lint::testing::*;

    fn customers(columns: &[(&str, &str)]) -> crate::lint::catalog::LintCatalog {
        let mut t = table(1, "customers");
        t.columns = columns
            .iter()
            .enumerate()
            .map(|(i, (name, type_name))| column(i as i16 + 1, name, type_name))
            .collect();
        catalog(vec![t], vec![], vec![])
    }

    fn kinds(hits: &[Hit]) -> Vec<(String, String)> {
        hits.iter()
            .map(|h| {
                (
                    h.object_name.clone(),
                    h.detail["kind"].as_str().unwrap().into(),
                )
            })
            .collect()
    }

    #[test]
    fn fires_for_personal_data_columns_with_their_kind() {
        let hits = run(
            &RULE,
            &customers(&[
                ("email", "text"),
                ("mobilePhone", "character varying(20)"),
                ("date_of_birth", "date"),
                ("billing_address", "text"),
                ("zip", "character varying(10)"),
                ("iban", "text"),
                ("ssn", "character(11)"),
                ("email_address", "text"),
            ]),
        );
        assert_eq!(
            kinds(&hits),
            [
                ("public.customers.email", "email"),
                ("public.customers.\"mobilePhone\"", "phone"),
                ("public.customers.date_of_birth", "birth_date"),
                ("public.customers.billing_address", "postal_address"),
                ("public.customers.zip", "postal_address"),
                ("public.customers.iban", "bank_account"),
                ("public.customers.ssn", "national_id"),
                ("public.customers.email_address", "email"),
            ]
            .map(|(a, b)| (a.to_string(), b.to_string()))
        );
        assert_eq!(
            hits[0].message,
            "public.customers.email looks like personal data (email)."
        );
    }

    #[test]
    fn silent_for_flags_moments_references_and_lookalike_words() {
        let hits = run(
            &RULE,
            &customers(&[
                ("email_verified", "boolean"),
                ("has_email", "boolean"),
                ("email_confirmed_at", "timestamp with time zone"),
                ("address_id", "bigint"),
                ("adobe_account", "text"),
                ("zipper_color", "text"),
                ("id", "bigint"),
            ]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn a_birth_date_is_reported_whatever_its_type_and_ids_of_identities_too() {
        let hits = run(
            &RULE,
            &customers(&[
                ("dob", "date"),
                ("national_id", "bigint"),
                ("tax_id", "text"),
            ]),
        );
        assert_eq!(hits.len(), 3, "{hits:?}");
    }

    #[test]
    fn views_and_partitions_are_left_to_the_tables_they_show() {
        let mut view = table(1, "v");
        view.kind = TableKind::View;
        view.columns = vec![column(1, "email", "text")];
        let mut partition = table(2, "p");
        partition.partition_of = Some(3);
        partition.columns = vec![column(1, "email", "text")];
        let mut matview = table(4, "m");
        matview.kind = TableKind::MaterializedView;
        matview.columns = vec![column(1, "email", "text")];
        let hits = run(
            &RULE,
            &catalog(vec![view, partition, matview], vec![], vec![]),
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].object_name, "public.m.email");
    }

    #[test]
    fn the_patterns_option_replaces_the_list() {
        let c = customers(&[("email", "text"), ("loyalty_number", "text")]);
        let hits = run_with(&RULE, &c, &json!({"patterns": ["LOYALTY_NUMBER"]}));
        assert_eq!(
            kinds(&hits),
            [(
                "public.customers.loyalty_number".into(),
                "loyalty_number".into()
            )]
        );
    }
}
