//! Lint rules of category `documentation`.

mod missing_column_comment;
mod missing_table_comment;

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[&missing_table_comment::RULE, &missing_column_comment::RULE];
