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

/// The statement text without its trailing `;`.
pub(crate) fn statement_sql(text: &str) -> &str {
    text.trim().trim_end_matches(';').trim_end()
}

/// `one` or `many` by `count`.
pub(crate) fn plural<'s>(count: usize, one: &'s str, many: &'s str) -> &'s str {
    if count == 1 {
        one
    } else {
        many
    }
}

/// An identifier as `quote_ident` writes it, with PostgreSQL's reserved words quoted (the risk
/// analysis has no catalog of the server's keywords; lint reads them from the server).
pub(crate) fn quote_ident(name: &str) -> String {
    crate::identifier::quote_ident(name, |word| RESERVED.contains(&word))
}

/// PostgreSQL 15's reserved key words and those that can only be a function or type name
/// (catcodes R and T of `pg_get_keywords()`): a table or column so named must be quoted.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// `a` or `an`, for the word that follows (`an AccessExclusiveLock`, `a ShareLock`).
pub(crate) fn article(word: &str) -> &'static str {
    if word.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// Test helper: every rule of `rules` has its page docs/rules/risk/<id>.md, which starts with
/// its id, names its severity and `category`, and says how to silence it.
#[cfg(test)]
pub(crate) fn assert_pages(rules: &[&Rule], category: &str) {
    for rule in rules {
        let path = format!(
            "{}/../docs/rules/risk/{}.md",
            env!("CARGO_MANIFEST_DIR"),
            rule.id
        );
        let page = std::fs::read_to_string(&path).unwrap_or_else(|_| panic!("no {path}"));
        assert!(page.starts_with(&format!("# {}\n", rule.id)), "{path}");
        let severity = format!(
            "Severity: **{}** · Category: {category}",
            rule.severity.name()
        );
        assert!(page.contains(&severity), "{path}");
        assert!(
            page.contains(&format!("-- confiture:ignore {}`", rule.id)),
            "{path}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statement_text_loses_its_semicolon() {
        assert_eq!(statement_sql("  VACUUM orders ; \n"), "VACUUM orders");
        assert_eq!(plural(1, "it", "them"), "it");
        assert_eq!(plural(2, "it", "them"), "them");
        assert_eq!(article("AccessExclusiveLock"), "an");
        assert_eq!(article("ShareLock"), "a");
    }

    #[test]
    fn engine_rules_have_their_page() {
        assert_pages(ENGINE, "general");
    }

    #[test]
    fn rule_ids_are_unique() {
        let mut ids: Vec<&str> = all().map(|r| r.id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }
}
