//! Confiture's pure logic: everything that needs no server, so it is unit-tested in
//! milliseconds. The extension crate reads the server (parse trees, catalogs) into these types.

pub mod anonymize;
pub mod event;
pub mod hooks;
pub mod identifier;
pub mod json_options;
pub mod lint;
pub mod lock_mode;
pub mod migrate;
pub mod risk;
pub mod severity;

pub use lock_mode::LockMode;
