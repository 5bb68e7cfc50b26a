//! Lint rules of category `structure`.

mod composite_pk_too_wide;
mod extension_outdated;
mod fk_cross_schema;
mod fk_type_mismatch;
mod fk_without_index;
mod missing_primary_key;
mod sequence_exhaustion;
mod table_bloat;
mod table_without_columns;

use crate::lint::rule::LintRule;

pub const RULES: &[&LintRule] = &[
    &missing_primary_key::RULE,
    &fk_without_index::RULE,
    &fk_type_mismatch::RULE,
    &sequence_exhaustion::RULE,
    &table_without_columns::RULE,
    &fk_cross_schema::RULE,
    &composite_pk_too_wide::RULE,
    &extension_outdated::RULE,
    &table_bloat::RULE,
];
