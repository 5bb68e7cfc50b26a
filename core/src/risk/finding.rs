//! What a rule reports about a statement.

use serde_json::{json, Value};

pub use crate::severity::Severity;

#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// One sentence a person understands.
    pub message: String,
    /// Runnable SQL that does the same thing safely, where there is one.
    pub safe_alternative: Option<String>,
}

impl Finding {
    pub fn new(rule: &'static str, severity: Severity, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity,
            message: message.into(),
            safe_alternative: None,
        }
    }

    pub fn with_alternative(mut self, sql: impl Into<String>) -> Self {
        self.safe_alternative = Some(sql.into());
        self
    }

    pub fn to_json(&self) -> Value {
        let mut object = json!({
            "rule": self.rule,
            "severity": self.severity.name(),
            "message": self.message,
        });
        if let Some(sql) = &self.safe_alternative {
            object["safe_alternative"] = json!(sql);
        }
        object
    }
}
