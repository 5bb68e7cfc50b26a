//! Rules about changes that break clients still running the previous version of the code.

mod drop_column;

use crate::risk::rule::Rule;

pub const RULES: &[&Rule] = &[&drop_column::RULE];
