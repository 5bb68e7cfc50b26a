//! Lint rules of category `multi_tenant`.

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[];
