//! Lint rules of category `types`.

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[];
