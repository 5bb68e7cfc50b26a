//! Lint rules of category `documentation`.

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[];
