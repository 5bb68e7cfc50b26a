//! Hooks: functions called at the phases of a migration. The pure parts: the phases, the
//! `@confiture.hook` tag that declares a hook in a function's comment, and the context each
//! hook receives.

pub mod context;
pub mod function;
pub mod phase;
pub mod tag;

pub use phase::Phase;
