//! A policy whose condition calls `current_setting()` or a schema-qualified function
//! (`auth.uid()`) directly: the planner evaluates the call for every row the query reads. The
//! same call in a scalar subquery, `(SELECT auth.uid())`, does not depend on the row and becomes
//! an InitPlan evaluated once per query; on large tables that is the difference between
//! milliseconds and seconds. Calls whose arguments are columns of the row stay per row either
//! way and are not reported.

use std::collections::HashSet;
use std::ops::Range;

use serde_json::json;

use super::{on_policy, Quote};
use crate::lint::rule::{no_options, Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "policy_calls_unwrapped_function",
    category: "security",
    severity: Severity::Warning,
    enabled: true,
    description: "a policy calling current_setting() or schema.func() per row, not in (SELECT ...)",
    options: no_options,
    check,
};

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// A parenthesis open in the expression: whether it starts a subquery, and whether that
/// subquery is past its select list (a call in `FROM` or `WHERE` runs once per row it scans).
struct Open {
    subquery: bool,
    past_select_list: bool,
}

/// Reads an expression as `pg_get_expr` prints it: string literals, quoted and plain
/// identifiers, parentheses.
struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            at: 0,
        }
    }

    /// Past the literal or quoted identifier opening at `self.at` (quote doubled inside); the
    /// end of its contents.
    fn skip_quoted(&mut self) -> usize {
        let quote = self.bytes[self.at];
        self.at += 1;
        while self.at < self.bytes.len() {
            if self.bytes[self.at] == quote {
                if self.bytes.get(self.at + 1) == Some(&quote) {
                    self.at += 2;
                    continue;
                }
                self.at += 1;
                return self.at - 1;
            }
            self.at += 1;
        }
        self.at
    }

    /// The identifier at `self.at` (plain or quoted), unquoted, moving past it.
    fn identifier(&mut self) -> Option<String> {
        match self.bytes.get(self.at)? {
            b'"' => {
                let start = self.at + 1;
                let end = self.skip_quoted();
                let inner = &self.text[start..end];
                Some(inner.replace("\"\"", "\""))
            }
            &b if is_ident_byte(b) && !b.is_ascii_digit() => {
                let start = self.at;
                while self.at < self.bytes.len() && is_ident_byte(self.bytes[self.at]) {
                    self.at += 1;
                }
                Some(self.text[start..self.at].to_string())
            }
            _ => None,
        }
    }

    /// A name with its qualifiers (`auth.uid` → `["auth", "uid"]`).
    fn qualified_name(&mut self) -> Option<Vec<String>> {
        let mut parts = vec![self.identifier()?];
        while self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            match self.identifier() {
                Some(part) => parts.push(part),
                None => break,
            }
        }
        Some(parts)
    }

    /// The position of the parenthesis that closes the one at `open`, if it is closed.
    fn closing(&self, open: usize) -> Option<usize> {
        let mut inner = Scanner { at: open, ..*self };
        let mut depth = 0usize;
        while inner.at < inner.bytes.len() {
            match inner.bytes[inner.at] {
                b'\'' | b'"' => {
                    inner.skip_quoted();
                    continue;
                }
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(inner.at);
                    }
                }
                _ => {}
            }
            inner.at += 1;
        }
        None
    }
}

/// Whether the arguments between `args` read the row: a column of the table, or a qualified
/// column of a relation in a subquery. Type names after `::` and function names are not.
fn reads_the_row(text: &str, args: Range<usize>, columns: &HashSet<&str>) -> bool {
    let mut scanner = Scanner::new(&text[..args.end]);
    scanner.at = args.start;
    while scanner.at < args.end {
        let b = scanner.bytes[scanner.at];
        if b == b'\'' {
            scanner.skip_quoted();
            continue;
        }
        let start = scanner.at;
        let Some(parts) = scanner.qualified_name() else {
            scanner.at += 1;
            continue;
        };
        let is_type = text[..start].trim_end().ends_with("::");
        let is_call = scanner.bytes.get(scanner.at) == Some(&b'(');
        if !is_type && !is_call && (parts.len() > 1 || columns.contains(parts[0].as_str())) {
            return true;
        }
    }
    false
}

/// The outermost calls in `expression` worth wrapping: `current_setting(…)` or
/// `schema.func(…)`, not already in the select list of a subquery, arguments not read from
/// the row.
fn unwrapped_calls(expression: &str, columns: &HashSet<&str>) -> Vec<Range<usize>> {
    let mut scanner = Scanner::new(expression);
    let mut open: Vec<Open> = Vec::new();
    let mut calls = Vec::new();
    while scanner.at < scanner.bytes.len() {
        let b = scanner.bytes[scanner.at];
        match b {
            b'\'' => {
                scanner.skip_quoted();
                continue;
            }
            b'(' => {
                let rest = expression[scanner.at + 1..].trim_start().as_bytes();
                let subquery = rest.len() >= 6
                    && rest[..6].eq_ignore_ascii_case(b"select")
                    && !rest.get(6).is_some_and(|&b| is_ident_byte(b));
                open.push(Open {
                    subquery,
                    past_select_list: false,
                });
                scanner.at += 1;
                continue;
            }
            b')' => {
                open.pop();
                scanner.at += 1;
                continue;
            }
            _ => {}
        }
        let start = scanner.at;
        let Some(parts) = scanner.qualified_name() else {
            scanner.at += 1;
            continue;
        };
        if parts.len() == 1
            && matches!(
                parts[0].to_ascii_lowercase().as_str(),
                "from" | "where" | "join" | "group" | "having" | "order"
            )
            && !expression[start..].starts_with('"')
        {
            if let Some(top) = open.last_mut() {
                top.past_select_list = true;
            }
            continue;
        }
        if scanner.bytes.get(scanner.at) != Some(&b'(') {
            continue;
        }
        let function = parts.last().expect("a name").to_ascii_lowercase();
        let worth = match parts.as_slice() {
            [_] => function == "current_setting",
            [schema, _] => schema != "pg_catalog" || function == "current_setting",
            _ => false,
        };
        let wrapped = open.iter().any(|o| o.subquery && !o.past_select_list);
        if !worth || wrapped {
            continue;
        }
        let Some(close) = scanner.closing(scanner.at) else {
            continue;
        };
        if !reads_the_row(expression, scanner.at + 1..close, columns) {
            calls.push(start..close + 1);
            scanner.at = close + 1;
        }
    }
    calls
}

/// `expression` with each call in `calls` wrapped in a scalar subquery.
fn wrap(expression: &str, calls: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(expression.len() + 16 * calls.len());
    let mut last = 0;
    for call in calls {
        out.push_str(&expression[last..call.start]);
        out.push_str("(SELECT ");
        out.push_str(&expression[call.clone()]);
        out.push(')');
        last = call.end;
    }
    out.push_str(&expression[last..]);
    out
}

/// `auth.uid()`, `current_setting()`: a call named without its arguments.
fn call_name(call: &str) -> String {
    format!("{}()", call.split('(').next().unwrap_or(call))
}

fn check(context: &LintContext) -> Vec<Hit> {
    let catalog = context.catalog;
    let quote = Quote::new(catalog);
    let mut hits = Vec::new();
    for policy in &catalog.policies {
        let Some(table) = catalog.table(policy.table) else {
            continue;
        };
        let columns: HashSet<&str> = table.columns.iter().map(|c| c.name.as_str()).collect();
        let mut clauses = Vec::new();
        let mut names: Vec<String> = Vec::new();
        let mut calls_text: Vec<String> = Vec::new();
        for (clause, expression) in [("USING", &policy.using), ("WITH CHECK", &policy.check)] {
            let Some(expression) = expression else {
                continue;
            };
            let calls = unwrapped_calls(expression, &columns);
            if calls.is_empty() {
                continue;
            }
            for call in &calls {
                let text = &expression[call.clone()];
                let name = call_name(text);
                if !names.contains(&name) {
                    names.push(name);
                }
                calls_text.push(text.to_string());
            }
            clauses.push((clause, wrap(expression, &calls)));
        }
        if clauses.is_empty() {
            continue;
        }
        let policy_name = quote.ident(&policy.name);
        let sql = clauses
            .iter()
            .map(|(clause, e)| format!(" {clause} ({e})"))
            .collect::<String>();
        hits.push(
            on_policy(
                table,
                policy,
                &quote,
                format!(
                    "Policy {policy_name} on {} calls {} for every row, where a scalar subquery would call it once per query.",
                    table.qualified,
                    names.join(" and ")
                ),
            )
            .with_remediation(format!(
                "ALTER POLICY {policy_name} ON {}{sql};",
                table.qualified
            ))
            .with_detail(json!({
                "calls": calls_text,
                "clauses": clauses.iter().map(|(c, _)| c).collect::<Vec<_>>(),
            })),
        );
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::super::testing::{policy, Objects};
    use super::*;
    use crate::lint::testing::*;

    fn hits_for(using: &str, check: Option<&str>) -> Vec<Hit> {
        let mut orders = table(1, "orders");
        orders.columns = vec![
            column(1, "tenant_id", "uuid"),
            column(2, "owner_id", "uuid"),
        ];
        let mut p = policy(&orders, "tenant_isolation", '*', Some(using));
        p.check = check.map(str::to_string);
        run(
            &RULE,
            &Objects {
                tables: vec![orders],
                policies: vec![p],
                ..Objects::default()
            }
            .catalog(),
        )
    }

    #[test]
    fn fires_for_current_setting_called_per_row_and_wraps_it() {
        let using = "(tenant_id = (current_setting('app.tenant_id'::text))::uuid)";
        let hits = hits_for(using, Some(using));
        assert_eq!(hits.len(), 1);
        assert_eq!(
            hits[0].message,
            "Policy tenant_isolation on public.orders calls current_setting() for every row, where a scalar subquery would call it once per query."
        );
        let wrapped = "(tenant_id = ((SELECT current_setting('app.tenant_id'::text)))::uuid)";
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                format!(
                    "ALTER POLICY tenant_isolation ON public.orders USING ({wrapped}) WITH CHECK ({wrapped});"
                )
                .as_str()
            )
        );
        assert_eq!(hits[0].detail["clauses"], json!(["USING", "WITH CHECK"]));
    }

    #[test]
    fn fires_for_schema_qualified_calls_even_in_a_subquery_filter() {
        let hits = hits_for("(owner_id = auth.uid())", None);
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some("ALTER POLICY tenant_isolation ON public.orders USING ((owner_id = (SELECT auth.uid())));")
        );
        let hits = hits_for(
            "(EXISTS ( SELECT 1 FROM members m WHERE ((m.tenant_id = orders.tenant_id) AND (m.user_id = auth.uid()))))",
            None,
        );
        assert_eq!(hits[0].detail["calls"], json!(["auth.uid()"]));
    }

    #[test]
    fn silent_for_wrapped_calls_row_arguments_and_plain_functions() {
        for using in [
            "(tenant_id = (( SELECT current_setting('app.tenant_id'::text) AS current_setting))::uuid)",
            "(owner_id = ( SELECT auth.uid() AS uid))",
            "(( SELECT lower(current_setting('app.role'::text)) AS lower) = 'admin'::text)",
            "auth.is_member(tenant_id)",
            "(owner_id = CURRENT_USER::uuid)",
            "(lower((tenant_id)::text) = 'x'::text)",
            "('current_setting(x)'::text = 'auth.uid()'::text)",
        ] {
            assert!(hits_for(using, None).is_empty(), "{using}");
        }
    }

    #[test]
    fn a_row_dependent_call_still_has_its_constant_arguments_wrapped() {
        let hits = hits_for(
            "auth.has_role(tenant_id, current_setting('app.role'::text, true))",
            None,
        );
        assert_eq!(
            hits[0].detail["calls"],
            json!(["current_setting('app.role'::text, true)"])
        );
    }
}
