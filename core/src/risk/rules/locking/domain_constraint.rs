//! `ALTER DOMAIN ... ADD CONSTRAINT` without `NOT VALID`, or `ALTER DOMAIN ... SET NOT NULL`,
//! when existing tables have columns of the domain: PostgreSQL reads every row of them under
//! ShareLock, so writes to all of them wait, and the locks are held until the transaction ends.
//!
//! Added `NOT VALID`, the constraint applies to new values at once without a scan. Note that
//! `ALTER DOMAIN ... VALIDATE CONSTRAINT` still scans under ShareLock (unlike a table's), so the
//! gain is to run the scan on its own, in a short transaction at a quiet time, rather than
//! inside the migration. `SET NOT NULL` has no `NOT VALID` form: a `CHECK (VALUE IS NOT NULL)`
//! does the same.

use super::{quote_ident, statement_sql};
use crate::risk::context::Context;
use crate::risk::finding::{Finding, Severity};
use crate::risk::rule::Rule;
use crate::risk::statement::{DomainAction, Operation};

pub const RULE: Rule = Rule {
    id: "domain_constraint",
    severity: Severity::Warning,
    summary:
        "a domain constraint checked against existing tables blocks writes to them while it scans",
    check,
};

fn check(context: &Context) -> Option<Finding> {
    let Operation::AlterDomain { domain, action } = &context.statement.operation else {
        return None;
    };
    let set_not_null = match action {
        DomainAction::AddConstraint { not_valid: false } => false,
        DomainAction::SetNotNull => true,
        _ => return None,
    };
    if context.effects.locks.is_empty() {
        return None;
    }
    let tables: Vec<&str> = context
        .effects
        .locks
        .iter()
        .map(|l| l.relation.as_str())
        .collect();
    let domain_sql = match &domain.schema {
        Some(schema) => format!("{}.{}", quote_ident(schema), quote_ident(&domain.name)),
        None => quote_ident(&domain.name),
    };
    let (what, safe) = if set_not_null {
        let name = quote_ident(&format!("{}_not_null", domain.name));
        (
            "SET NOT NULL on",
            format!(
                "ALTER DOMAIN {domain_sql} ADD CONSTRAINT {name} CHECK (VALUE IS NOT NULL) NOT VALID;\n\
                 ALTER DOMAIN {domain_sql} VALIDATE CONSTRAINT {name};"
            ),
        )
    } else {
        let name = constraint_name(&context.statement.text).map_or_else(
            || quote_ident(&format!("{}_check", domain.name)),
            str::to_string,
        );
        (
            "The new constraint of",
            format!(
                "{} NOT VALID;\nALTER DOMAIN {domain_sql} VALIDATE CONSTRAINT {name};",
                statement_sql(&context.statement.text)
            ),
        )
    };
    Some(
        RULE.finding(format!(
            "{what} domain {} reads every row of {} under ShareLock: writes to them wait until the transaction ends. NOT VALID skips the scan; VALIDATE CONSTRAINT still scans under ShareLock, but alone in a short transaction.",
            domain.display(),
            tables.join(", ")
        ))
        .with_alternative(safe),
    )
}

/// The word after `CONSTRAINT` in the statement text: the constraint's name as written.
fn constraint_name(text: &str) -> Option<&str> {
    let mut words = text.split_whitespace();
    words.find(|w| w.eq_ignore_ascii_case("constraint"))?;
    words.next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::catalog::{Catalog, Domain};
    use crate::risk::statement::Statement;
    use crate::risk::testing::*;

    fn alter_domain(action: DomainAction, text: &str) -> Statement {
        let mut s = statement(
            "ALTER DOMAIN",
            Operation::AlterDomain {
                domain: name("email"),
                action,
            },
        );
        s.text = text.into();
        s
    }

    fn used_by_users() -> Catalog {
        let mut catalog = catalog(vec![table(1, "users", 1e6, &[])]);
        catalog
            .domains
            .insert(name("email"), Domain { tables: vec![1] });
        catalog
    }

    #[test]
    fn fires_with_not_valid_then_validate() {
        let text = "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%')";
        let add = alter_domain(DomainAction::AddConstraint { not_valid: false }, text);
        let found = run(&RULE, &add, &used_by_users()).unwrap();
        assert!(found.message.starts_with(
            "The new constraint of domain email reads every row of public.users under ShareLock"
        ));
        assert_eq!(
            found.safe_alternative.as_deref(),
            Some(
                "ALTER DOMAIN email ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%') NOT VALID;\n\
                 ALTER DOMAIN email VALIDATE CONSTRAINT email_has_at;"
            )
        );
        let not_null = alter_domain(DomainAction::SetNotNull, "ALTER DOMAIN email SET NOT NULL");
        let found = run(&RULE, &not_null, &used_by_users()).unwrap();
        assert!(found
            .safe_alternative
            .unwrap()
            .contains("CHECK (VALUE IS NOT NULL) NOT VALID"));
    }

    #[test]
    fn silent_when_not_valid_or_no_table_uses_the_domain() {
        let text = "ALTER DOMAIN email ADD CHECK (VALUE LIKE '%@%')";
        let not_valid = alter_domain(DomainAction::AddConstraint { not_valid: true }, text);
        assert_eq!(run(&RULE, &not_valid, &used_by_users()), None);
        let add = alter_domain(DomainAction::AddConstraint { not_valid: false }, text);
        let unused = catalog(vec![table(1, "users", 1e6, &[])]);
        assert_eq!(run(&RULE, &add, &unused), None);
    }
}
