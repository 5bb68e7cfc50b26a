//! What a rule sees of one statement: the statement, its effects, the catalog and the script
//! state before it.

use super::catalog::{Catalog, Relation};
use super::effects::Effects;
use super::state::ScriptState;
use super::statement::{Name, Statement};

pub struct Context<'a> {
    pub statement: &'a Statement,
    pub effects: &'a Effects,
    pub catalog: &'a Catalog,
    /// The script state before this statement.
    pub state: &'a ScriptState,
    /// Whether this is the script's last statement.
    pub last: bool,
}

impl<'a> Context<'a> {
    /// The existing relation the statement acts on, if any.
    pub fn target(&self) -> Option<&'a Relation> {
        self.effects
            .target_oid
            .and_then(|oid| self.catalog.get(oid))
    }

    /// The existing relation `name` names, unless the script created it earlier.
    pub fn existing(&self, name: &Name) -> Option<&'a Relation> {
        self.state.existing(self.catalog, name)
    }

    /// The statement works on existing data that other sessions use: not on a relation
    /// created earlier in the script, nor on one that does not exist.
    pub fn on_existing_data(&self) -> bool {
        self.effects.target_oid.is_some()
    }

    /// The target's estimated rows (0 when new or unknown).
    pub fn rows(&self) -> f64 {
        self.effects
            .target_oid
            .map_or(0.0, |oid| self.catalog.size(oid).0)
    }

    /// The target's name for messages.
    pub fn target_name(&self) -> String {
        self.effects.target.clone().unwrap_or_default()
    }
}
