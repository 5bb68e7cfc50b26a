//! Every risk rule, by theme. A rule is a file of its own; its id is part of the SQL interface
//! and its documentation is docs/rules/risk/<id>.md.

mod breaking;
mod locking;
mod missing_relation;
mod transactions;
mod types;
mod unused_ignore;

use super::context::Context;
use super::finding::Finding;
use super::options::Options;
use super::rule::Rule;

/// Rules that concern any statement.
const ENGINE: &[&Rule] = &[&missing_relation::RULE, &unused_ignore::RULE];

/// Every rule, in a stable order.
pub fn all() -> impl Iterator<Item = &'static Rule> {
    locking::RULES
        .iter()
        .chain(transactions::RULES)
        .chain(breaking::RULES)
        .chain(types::RULES)
        .chain(ENGINE)
        .copied()
}

/// The findings for one statement: every rule not ignored by the call's options or by the
/// statement's `-- confiture:ignore` comment, and `unused_ignore` for comments that silenced
/// nothing.
pub fn findings(context: &Context, options: &Options) -> Vec<Finding> {
    let ignored_by_call = |id: &str| options.ignore.iter().any(|i| i == id);
    let raised: Vec<Finding> = all()
        .filter(|rule| !ignored_by_call(rule.id))
        .filter_map(|rule| (rule.check)(context))
        .collect();
    let comment = &context.statement.ignored;
    let mut kept: Vec<Finding> = raised
        .iter()
        .filter(|f| !comment.iter().any(|id| id == f.rule))
        .cloned()
        .collect();
    if !ignored_by_call(unused_ignore::RULE.id) {
        kept.extend(unused_ignore::findings(comment, &raised));
    }
    kept
}
