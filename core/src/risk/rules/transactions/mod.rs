//! Rules about the script as a whole: timeouts, transaction blocks, what cannot be seen.

mod missing_lock_timeout;

use crate::risk::rule::Rule;

pub const RULES: &[&Rule] = &[&missing_lock_timeout::RULE];
