//! Rules about column types that age badly.

mod prefer_text;

use crate::risk::rule::Rule;

pub const RULES: &[&Rule] = &[&prefer_text::RULE];
