//! Lint rules of category `constraints`.

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[];
