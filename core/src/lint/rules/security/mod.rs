//! Lint rules of category `security`.

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[];
