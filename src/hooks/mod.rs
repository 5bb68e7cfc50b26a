//! Hooks: SQL-callable functions Confiture runs at the phases of a migration.
//!
//! Pure parts are in `confiture_core::hooks` (phases, the comment tag, the context, whether a
//! function may be a hook). Here: the registry table (`registry`), the catalog facts about a
//! function (`function_facts`), running a phase's hooks (`runner`) and the SQL functions
//! (`sql_api`).

mod function_facts;
mod registry;
pub mod runner;
mod sql_api;
