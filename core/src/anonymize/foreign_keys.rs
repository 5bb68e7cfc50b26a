//! Foreign keys across masked columns. A deterministic strategy masks equal values alike, so a
//! foreign key survives masking when both of its sides are masked by the same rule, in the same
//! transaction, with the constraint checked at commit (DEFERRABLE): PostgreSQL checks a
//! non-deferrable one row by row, and the first masked row would violate it. An `ON UPDATE
//! CASCADE` key carries the referenced side's masked value to the referencing side, which must
//! then have no rule of its own, or it would be masked twice.

use super::error::MaskError;

/// A foreign key, its columns paired in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub table: String,
    pub columns: Vec<String>,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
    pub deferrable: bool,
    pub on_update_cascade: bool,
}

/// Checks `key` for a run masking `table`, given `rule(table, column)`: the rule of a column
/// as a comparable text (strategy and options), `None` when it has none.
pub fn check(
    key: &ForeignKey,
    table: &str,
    rule: impl Fn(&str, &str) -> Option<String>,
) -> Result<(), MaskError> {
    let pairs = key.columns.iter().zip(&key.referenced_columns);
    for (column, referenced) in pairs {
        let here = rule(&key.table, column);
        let there = rule(&key.referenced_table, referenced);
        let masked_in_this_run = (key.table == table && here.is_some())
            || (key.referenced_table == table && there.is_some());
        if !masked_in_this_run {
            continue;
        }
        let sides = format!(
            "{}.{column} references {}.{referenced}",
            key.table, key.referenced_table
        );
        if key.on_update_cascade && there.is_some() {
            if here.is_some() {
                return Err(MaskError::new(
                    format!(
                        "{sides} through {}, ON UPDATE CASCADE: the referencing column would be masked twice",
                        key.name
                    ),
                    format!(
                        "The cascade carries the masked value of {}.{referenced}: remove the rule \
                         on {}.{column} (confiture.remove_rule).",
                        key.referenced_table, key.table
                    ),
                ));
            }
            continue;
        }
        if here != there {
            let (masked, unmasked) = if here.is_some() {
                (
                    format!("{}.{column}", key.table),
                    format!("{}.{referenced}", key.referenced_table),
                )
            } else {
                (
                    format!("{}.{referenced}", key.referenced_table),
                    format!("{}.{column}", key.table),
                )
            };
            return Err(MaskError::new(
                format!(
                    "masking {masked} alone breaks foreign key {}: {unmasked} is not masked by the same rule",
                    key.name
                ),
                format!(
                    "Give {unmasked} the same strategy and options, so that equal values mask alike."
                ),
            ));
        }
        if !key.deferrable {
            return Err(MaskError::new(
                format!(
                    "foreign key {} ({sides}) is checked row by row: masking its columns needs it DEFERRABLE",
                    key.name
                ),
                format!(
                    "ALTER TABLE {} ALTER CONSTRAINT {} DEFERRABLE; then mask both tables in one \
                     transaction (confiture.anonymize_database() does).",
                    key.table, key.name
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orders_to_customers() -> ForeignKey {
        ForeignKey {
            name: "orders_email_fkey".into(),
            table: "orders".into(),
            columns: vec!["customer_email".into()],
            referenced_table: "customers".into(),
            referenced_columns: vec!["email".into()],
            deferrable: true,
            on_update_cascade: false,
        }
    }

    fn rules<'a>(
        masked: &'a [(&'a str, &'a str, &'a str)],
    ) -> impl Fn(&str, &str) -> Option<String> + 'a {
        move |table, column| {
            masked
                .iter()
                .find(|(t, c, _)| *t == table && *c == column)
                .map(|(_, _, rule)| rule.to_string())
        }
    }

    #[test]
    fn both_sides_masked_alike_through_a_deferrable_key_pass() {
        let masked = [
            ("orders", "customer_email", "u"),
            ("customers", "email", "u"),
        ];
        assert_eq!(
            check(&orders_to_customers(), "customers", rules(&masked)),
            Ok(())
        );
        assert_eq!(
            check(&orders_to_customers(), "orders", rules(&masked)),
            Ok(())
        );
    }

    #[test]
    fn keys_on_columns_this_run_does_not_mask_are_not_its_business() {
        assert_eq!(
            check(&orders_to_customers(), "customers", rules(&[])),
            Ok(())
        );
        let elsewhere = [
            ("orders", "customer_email", "u"),
            ("customers", "email", "u"),
        ];
        assert_eq!(
            check(&orders_to_customers(), "invoices", rules(&elsewhere)),
            Ok(())
        );
    }

    #[test]
    fn one_side_alone_or_masked_differently_is_refused() {
        let error = check(
            &orders_to_customers(),
            "customers",
            rules(&[("customers", "email", "u")]),
        )
        .unwrap_err();
        assert_eq!(
            error.message,
            "masking customers.email alone breaks foreign key orders_email_fkey: orders.customer_email is not masked by the same rule"
        );
        let different = [
            ("orders", "customer_email", "h"),
            ("customers", "email", "u"),
        ];
        assert!(check(&orders_to_customers(), "orders", rules(&different)).is_err());
    }

    #[test]
    fn a_key_checked_row_by_row_is_refused_with_the_statement_that_defers_it() {
        let key = ForeignKey {
            deferrable: false,
            ..orders_to_customers()
        };
        let masked = [
            ("orders", "customer_email", "u"),
            ("customers", "email", "u"),
        ];
        let error = check(&key, "customers", rules(&masked)).unwrap_err();
        assert!(error.message.contains("checked row by row"), "{error:?}");
        assert!(error
            .hint
            .starts_with("ALTER TABLE orders ALTER CONSTRAINT orders_email_fkey DEFERRABLE"));
    }

    #[test]
    fn a_cascading_key_carries_the_value_to_an_unmasked_referencing_column() {
        let key = ForeignKey {
            on_update_cascade: true,
            deferrable: false,
            ..orders_to_customers()
        };
        assert_eq!(
            check(&key, "customers", rules(&[("customers", "email", "u")])),
            Ok(())
        );
        let twice = [
            ("orders", "customer_email", "u"),
            ("customers", "email", "u"),
        ];
        assert!(check(&key, "customers", rules(&twice))
            .unwrap_err()
            .message
            .contains("masked twice"));
    }
}
