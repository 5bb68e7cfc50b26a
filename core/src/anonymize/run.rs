//! A masking run: its options, how its batches cover the table, and what verification looks
//! at afterwards.

use serde_json::Value;

use super::registry::Masking;
use super::rule::Planned;
use crate::json_options::{self, boolean, OptionError};

/// The `options` of `anonymize_table`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    /// `ALTER TABLE ... DISABLE TRIGGER USER` for the run (the caller must own the table).
    pub disable_triggers: bool,
    /// How many original values of each masked column are kept, in a temporary table of the
    /// session, for `verify_anonymization`.
    pub keep_originals: u32,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            disable_triggers: false,
            keep_originals: 10_000,
        }
    }
}

const FUNCTION: &str = "anonymize_table";
const NAMES: &str = "disable_triggers, keep_originals";

impl RunOptions {
    pub fn from_json(value: &Value) -> Result<Self, OptionError> {
        let object = json_options::object(FUNCTION, value, "{\"disable_triggers\": true}", NAMES)?;
        let mut options = Self::default();
        for (name, value) in object {
            match name.as_str() {
                "disable_triggers" => options.disable_triggers = boolean(FUNCTION, name, value)?,
                "keep_originals" => {
                    options.keep_originals = value
                        .as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .filter(|n| *n <= 1_000_000)
                        .ok_or_else(|| {
                            json_options::wrong_type(
                                FUNCTION,
                                name,
                                value,
                                "a number of values from 0 to 1000000",
                                "1000",
                            )
                        })?
                }
                _ => return Err(json_options::unknown(FUNCTION, name, NAMES)),
            }
        }
        Ok(options)
    }
}

/// The block ranges `[start, end)` that batches of about `batch_size` rows cover, for a table
/// of `blocks` blocks holding `rows_per_block` rows each on average. The last range ends at
/// `blocks`: the versions the run writes beyond it are its own, never masked twice.
pub fn batches(blocks: u64, rows_per_block: f64, batch_size: u32) -> Vec<(u64, u64)> {
    let per_batch = (f64::from(batch_size) / rows_per_block.max(1.0))
        .floor()
        .max(1.0) as u64;
    (0..blocks)
        .step_by(per_batch as usize)
        .map(|start| (start, (start + per_batch).min(blocks)))
        .collect()
}

/// Whether a masked column's values should no longer look like personal data: not when its
/// strategy writes e-mail addresses, phone or card numbers on purpose (or a custom strategy
/// might), while a column without a rule (`None`) should never hold any.
pub fn pii_check_applies(planned: Option<&Planned>) -> bool {
    match planned {
        None => true,
        Some(Planned::Custom { .. }) => false,
        Some(Planned::Builtin(masking)) => !matches!(
            masking,
            Masking::Email { .. } | Masking::Phone | Masking::CreditCard | Masking::Unique { .. }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn options_have_defaults_and_are_checked() {
        assert_eq!(RunOptions::from_json(&json!({})), Ok(RunOptions::default()));
        let options =
            RunOptions::from_json(&json!({"disable_triggers": true, "keep_originals": 0})).unwrap();
        assert!(options.disable_triggers);
        assert_eq!(options.keep_originals, 0);
        assert!(RunOptions::from_json(&json!({"keep_originals": -1})).is_err());
        assert!(RunOptions::from_json(&json!({"triggers": false})).is_err());
    }

    #[test]
    fn batches_cover_every_block_once() {
        assert_eq!(
            batches(10, 100.0, 250),
            [(0, 2), (2, 4), (4, 6), (6, 8), (8, 10)]
        );
        assert_eq!(batches(3, 100.0, 1_000_000), [(0, 3)]);
        assert_eq!(batches(0, 100.0, 50_000), []);
        // An empty or unanalyzed table still moves forward a block at a time at least.
        assert_eq!(batches(2, 0.0, 1), [(0, 1), (1, 2)]);
    }

    #[test]
    fn columns_masked_into_pii_shapes_are_not_checked_for_pii() {
        assert!(pii_check_applies(None));
        assert!(pii_check_applies(Some(&Planned::Builtin(Masking::Name))));
        assert!(!pii_check_applies(Some(&Planned::Builtin(Masking::Phone))));
        assert!(!pii_check_applies(Some(&Planned::Custom {
            name: "x".into(),
            options: json!({}),
            argument_type: "text".into()
        })));
    }
}
