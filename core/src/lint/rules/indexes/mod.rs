//! Lint rules of category `indexes`.

mod duplicate_index;
mod intersecting_index;
mod invalid_index;
mod redundant_index;
mod unused_index;

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[
    &duplicate_index::RULE,
    &redundant_index::RULE,
    &unused_index::RULE,
    &invalid_index::RULE,
    &intersecting_index::RULE,
];
