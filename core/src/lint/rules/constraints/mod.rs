//! Lint rules of category `constraints`.

mod missing_foreign_key;
mod orphaned_table;

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[&missing_foreign_key::RULE, &orphaned_table::RULE];
