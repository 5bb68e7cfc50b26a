//! A lint rule: a stable id (part of the SQL interface), a category, a default severity and
//! whether it is on by default, its options with their defaults, and a pure check over the
//! catalog. Each rule is a file of its own under `rules/`, documented in
//! docs/rules/lint/<id>.md.

use serde_json::Value;

use super::catalog::{Column, Index, LintCatalog, Table};
use crate::severity::Severity;

pub struct LintRule {
    pub id: &'static str,
    /// `structure`, `indexes`, `naming`, `constraints`, `documentation`, `multi_tenant`,
    /// `security` or `types`.
    pub category: &'static str,
    pub severity: Severity,
    pub enabled: bool,
    /// One line: what the rule detects.
    pub description: &'static str,
    /// The options and their defaults, as a JSON object (`{}` for none).
    pub options: fn() -> Value,
    pub check: fn(&LintContext) -> Vec<Hit>,
}

/// What a rule sees: the catalog and its options (defaults overlaid with the configured ones).
pub struct LintContext<'a> {
    pub catalog: &'a LintCatalog,
    pub options: &'a Value,
}

impl LintContext<'_> {
    pub fn option_str(&self, name: &str) -> Option<&str> {
        self.options.get(name).and_then(Value::as_str)
    }

    pub fn option_f64(&self, name: &str) -> Option<f64> {
        self.options.get(name).and_then(Value::as_f64)
    }

    /// A list of strings option (absent or mistyped: empty).
    pub fn option_strings(&self, name: &str) -> Vec<&str> {
        self.options
            .get(name)
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    }
}

/// One object a rule reports, before configuration gives it its final severity.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// `table`, `column`, `index`, `constraint`, `function`, `schema`, `sequence`, `view`,
    /// `policy`, `extension`.
    pub object_type: &'static str,
    /// Schema-qualified, quoted as needed (`public.orders.customer_id`).
    pub object_name: String,
    /// The schema the object lives in, for the `schemas` filter.
    pub schema: String,
    /// The object's comment, where `@confiture:ignore rule_id` silences a rule.
    pub comment: Option<String>,
    pub message: String,
    /// Runnable SQL that fixes it, where there is one.
    pub remediation: Option<String>,
    pub detail: Value,
}

impl Hit {
    pub fn on_table(table: &Table, message: impl Into<String>) -> Self {
        Hit {
            object_type: match table.kind {
                super::catalog::TableKind::View | super::catalog::TableKind::MaterializedView => {
                    "view"
                }
                _ => "table",
            },
            object_name: table.qualified.clone(),
            schema: table.schema.clone(),
            comment: table.comment.clone(),
            message: message.into(),
            remediation: None,
            detail: Value::Null,
        }
    }

    pub fn on_column(table: &Table, column: &Column, message: impl Into<String>) -> Self {
        Hit {
            object_type: "column",
            object_name: format!("{}.{}", table.qualified, column.quoted),
            comment: column.comment.clone(),
            ..Hit::on_table(table, message)
        }
    }

    pub fn on_index(table: &Table, index: &Index, message: impl Into<String>) -> Self {
        Hit {
            object_type: "index",
            object_name: index.qualified.clone(),
            comment: index.comment.clone(),
            ..Hit::on_table(table, message)
        }
    }

    pub fn with_remediation(mut self, sql: impl Into<String>) -> Self {
        self.remediation = Some(sql.into());
        self
    }

    pub fn with_detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

/// No options.
pub fn no_options() -> Value {
    Value::Object(Default::default())
}
