//! Lint rules of category `structure`.

mod missing_primary_key;

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[&missing_primary_key::RULE];
