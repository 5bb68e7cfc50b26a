//! `-- confiture:ignore rule_id` comments that silenced nothing: stale after a fix, or a typo.

use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;

/// Raised by the rule engine, which alone knows what a comment silenced.
pub const RULE: Rule = Rule {
    id: "unused_ignore",
    severity: Severity::Warning,
    summary: "an ignore comment that matched no finding of its statement",
    check: |_| None,
};

/// One finding per id in `ignored` that none of `raised` carries. `unused_ignore` itself in
/// the comment silences those findings, and is unused only when there were none to silence.
pub fn findings(ignored: &[String], raised: &[Finding]) -> Vec<Finding> {
    let unused: Vec<&String> = ignored
        .iter()
        .filter(|id| id.as_str() != RULE.id)
        .filter(|id| !raised.iter().any(|f| f.rule == id.as_str()))
        .collect();
    let silenced = ignored.iter().any(|id| id == RULE.id);
    let reported: Vec<&String> = match (silenced, unused.is_empty()) {
        (false, _) => unused,
        (true, true) => ignored.iter().filter(|id| id.as_str() == RULE.id).collect(),
        (true, false) => Vec::new(),
    };
    reported
        .into_iter()
        .map(|id| {
            RULE.finding(format!(
                "The comment \"confiture:ignore {id}\" silences nothing on this statement."
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_that_silenced_a_finding_is_used() {
        let raised = [Finding::new("truncate", Severity::Error, "x")];
        assert!(findings(&["truncate".into()], &raised).is_empty());
    }

    #[test]
    fn its_own_id_silences_the_other_unused_ids() {
        let ids = ["prefer_text".to_string(), "unused_ignore".to_string()];
        assert!(findings(&ids, &[]).is_empty());
        let alone = findings(&["unused_ignore".into()], &[]);
        assert_eq!(alone.len(), 1);
        assert!(alone[0].message.contains("confiture:ignore unused_ignore"));
    }

    #[test]
    fn an_id_that_silenced_nothing_is_reported() {
        let found = findings(&["prefer_text".into()], &[]);
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("prefer_text"));
    }
}
