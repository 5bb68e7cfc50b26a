//! The migration runner's pure parts: its options, whether a version may be applied given its
//! history, and the result it returns.

pub mod history;
pub mod options;
pub mod outcome;
