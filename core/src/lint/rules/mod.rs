//! Every lint rule, by category; one rule per file, documented in docs/rules/lint/<id>.md.

mod constraints;
mod documentation;
mod helpers;
mod indexes;
mod multi_tenant;
mod naming;
#[cfg(test)]
mod scale;
mod security;
mod structure;
mod types;

use super::rule::LintRule;

/// Every rule, in a stable order.
pub fn all() -> impl Iterator<Item = &'static LintRule> {
    structure::RULES
        .iter()
        .chain(indexes::RULES)
        .chain(naming::RULES)
        .chain(constraints::RULES)
        .chain(documentation::RULES)
        .chain(multi_tenant::RULES)
        .chain(security::RULES)
        .chain(types::RULES)
        .copied()
}

/// The rule with id `id`.
pub fn find(id: &str) -> Option<&'static LintRule> {
    all().find(|r| r.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids_are_unique_and_snake_case() {
        let ids: Vec<&str> = all().map(|r| r.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), ids.len());
        assert!(ids
            .iter()
            .all(|id| id.chars().all(|c| c.is_ascii_lowercase() || c == '_')));
    }

    /// Every rule has docs/rules/lint/<id>.md naming its category, severity and how to
    /// silence it.
    #[test]
    fn every_rule_has_its_page() {
        for rule in all() {
            let path = format!(
                "{}/../docs/rules/lint/{}.md",
                env!("CARGO_MANIFEST_DIR"),
                rule.id
            );
            let page = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("no {path}"));
            assert!(page.starts_with(&format!("# {}\n", rule.id)), "{path}");
            let header = format!(
                "Category: **{}** · Default severity: **{}** · {}",
                rule.category,
                rule.severity.name(),
                if rule.enabled {
                    "on by default"
                } else {
                    "off by default"
                }
            );
            assert!(page.contains(&header), "{path} lacks: {header}");
            assert!(
                page.contains(&format!("@confiture:ignore {}", rule.id)),
                "{path}"
            );
        }
    }
}
