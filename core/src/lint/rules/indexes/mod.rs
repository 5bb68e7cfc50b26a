//! Lint rules of category `indexes`.

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[];
