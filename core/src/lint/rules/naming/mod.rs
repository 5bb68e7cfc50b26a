//! Lint rules of category `naming`.

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[];
