//! A risk rule: a stable id (part of the SQL interface), a default severity, and a pure check
//! over one statement's [`Context`]. Each rule lives in a file of its own under `rules/`, with
//! its documentation in docs/rules/risk/<id>.md.

use super::context::Context;
use super::finding::{Finding, Severity};

pub struct Rule {
    pub id: &'static str,
    pub severity: Severity,
    /// One line: what the rule detects.
    pub summary: &'static str,
    pub check: fn(&Context) -> Option<Finding>,
}

impl Rule {
    /// A finding of this rule at its default severity.
    pub fn finding(&self, message: impl Into<String>) -> Finding {
        Finding::new(self.id, self.severity, message)
    }
}
