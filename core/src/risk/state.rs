//! What earlier statements of the script established: open transaction blocks, settings,
//! relations created (new and empty, so harmless to lock or index), locks still held.

use std::collections::HashMap;

use super::catalog::{Catalog, Relation};
use super::effects::Effects;
use super::statement::{
    AlterAction, ConstraintKind, Name, ObjectKind, Operation, Rename, Statement, TransactionKind,
};
use crate::LockMode;

/// A strong lock taken inside a transaction block, held until it ends.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldLock {
    pub relation: String,
    pub mode: LockMode,
    pub statement: usize,
}

#[derive(Debug, Clone, Default)]
pub struct ScriptState {
    /// Inside `BEGIN` ... `COMMIT`: the statement number of the `BEGIN`.
    pub transaction_began: Option<usize>,
    /// `BEGIN` seen while already inside a transaction block.
    pub nested_begin: bool,
    /// Values set with `SET lock_timeout` / `SET statement_timeout` (not `0`).
    pub lock_timeout: Option<String>,
    pub statement_timeout: Option<String>,
    /// Relations created earlier in the script: by bare name, the schemas they were created in
    /// (`None`: not qualified). A map, since every statement looks names up here.
    created: HashMap<String, Vec<Option<String>>>,
    /// Existing relations renamed earlier in the script: their new name and OID.
    renamed: Vec<(Name, u32)>,
    /// Locks that block writes, taken on existing relations in the open transaction block.
    pub held: Vec<HeldLock>,
    /// Constraints added `NOT VALID` in the open transaction block: (table, constraint).
    pub not_valid_in_transaction: Vec<(String, String)>,
    /// `CHECK (column IS NOT NULL)` constraints added earlier: (table, constraint, column).
    pub not_null_checks: Vec<(String, String, String)>,
    /// `ALTER TABLE` statements per table, with their numbers.
    pub alters: HashMap<String, Vec<usize>>,
}

impl ScriptState {
    pub fn remember_created(&mut self, name: &Name) {
        self.created
            .entry(name.name.clone())
            .or_default()
            .push(name.schema.clone());
    }

    /// Whether `name` was created earlier in the script. A bare name matches a creation in
    /// any schema, a qualified one a creation in its schema or without one.
    pub fn is_created(&self, name: &Name) -> bool {
        self.created.get(&name.name).is_some_and(|schemas| {
            schemas
                .iter()
                .any(|s| s.is_none() || name.schema.is_none() || *s == name.schema)
        })
    }

    /// The existing relation `name` refers to at this point of the script: none if the script
    /// created it, the renamed one under its new name, otherwise the catalog's.
    pub fn existing<'c>(&self, catalog: &'c Catalog, name: &Name) -> Option<&'c Relation> {
        if self.is_created(name) {
            return None;
        }
        let renamed = self.renamed.iter().rev().find(|(new, _)| {
            new.name == name.name
                && (new.schema.is_none() || name.schema.is_none() || new.schema == name.schema)
        });
        match renamed {
            Some((_, oid)) => catalog.get(*oid),
            None => catalog.resolve(name),
        }
    }

    pub fn in_transaction(&self) -> bool {
        self.transaction_began.is_some()
    }

    /// The strongest write-blocking lock held on another relation or earlier, if any.
    pub fn strongest_held(&self) -> Option<&HeldLock> {
        self.held.iter().max_by_key(|h| h.mode)
    }

    /// Takes in what `statement`, with `effects`, establishes for the statements after it.
    pub fn after(&mut self, statement: &Statement, effects: &Effects) {
        match &statement.operation {
            Operation::Transaction(TransactionKind::Begin) => {
                if self.in_transaction() {
                    self.nested_begin = true;
                } else {
                    self.transaction_began = Some(statement.number);
                }
            }
            Operation::Transaction(
                TransactionKind::Commit | TransactionKind::Rollback | TransactionKind::Prepare,
            ) => self.end_transaction(),
            Operation::SetVariable { name, value, .. } => {
                let value = value.clone().filter(|v| !is_zero(v));
                match name.as_str() {
                    "lock_timeout" => self.lock_timeout = value,
                    "statement_timeout" => self.statement_timeout = value,
                    _ => {}
                }
            }
            Operation::CreateTable(create) => self.remember_created(&create.relation),
            Operation::Rename(Rename {
                object:
                    ObjectKind::Table
                    | ObjectKind::View
                    | ObjectKind::MaterializedView
                    | ObjectKind::Sequence
                    | ObjectKind::Index
                    | ObjectKind::ForeignTable,
                relation: Some(old),
                new_name,
                ..
            }) => {
                if let Some(oid) = effects.target_oid {
                    let new = Name::new(old.schema.as_deref(), new_name);
                    self.renamed.push((new, oid));
                }
            }
            Operation::CreateView { view, .. } => self.remember_created(view),
            Operation::CreateSequence { sequence } => self.remember_created(sequence),
            Operation::CreateIndex(index) => {
                if let Some(name) = &index.name {
                    let schema = index.relation.schema.as_deref();
                    self.remember_created(&Name::new(schema, name));
                }
            }
            Operation::Other {
                creates: Some(name),
            } => self.remember_created(name),
            Operation::AlterTable(alter) => {
                let table = effects
                    .target
                    .clone()
                    .unwrap_or_else(|| alter.relation.display());
                self.alters
                    .entry(table.clone())
                    .or_default()
                    .push(statement.number);
                for command in &alter.commands {
                    let AlterAction::AddConstraint(constraint) = &command.action else {
                        continue;
                    };
                    let name = constraint.name.clone().unwrap_or_default();
                    if constraint.not_valid && self.in_transaction() {
                        self.not_valid_in_transaction
                            .push((table.clone(), name.clone()));
                    }
                    if let (Some(ConstraintKind::Check), Some(column)) =
                        (constraint.kind, &constraint.proves_not_null)
                    {
                        self.not_null_checks
                            .push((table.clone(), name, column.clone()));
                    }
                }
            }
            _ => {}
        }
        if self.in_transaction() {
            for lock in &effects.locks {
                if lock.mode >= LockMode::Share {
                    self.held.push(HeldLock {
                        relation: lock.relation.clone(),
                        mode: lock.mode,
                        statement: statement.number,
                    });
                }
            }
        }
    }

    pub fn end_transaction(&mut self) {
        self.transaction_began = None;
        self.held.clear();
        self.not_valid_in_transaction.clear();
    }
}

/// `0`, `'0'`, `0ms`, `0s`: a timeout of zero means none.
fn is_zero(value: &str) -> bool {
    let digits = value
        .trim_matches('\'')
        .trim_end_matches(|c: char| c.is_ascii_alphabetic());
    !digits.is_empty() && digits.chars().all(|c| c == '0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_names_match_with_or_without_schema() {
        let mut state = ScriptState::default();
        state.remember_created(&Name::new(Some("app"), "orders"));
        state.remember_created(&Name::new(None, "notes"));
        assert!(state.is_created(&Name::new(None, "orders")));
        assert!(state.is_created(&Name::new(Some("app"), "orders")));
        assert!(!state.is_created(&Name::new(Some("other"), "orders")));
        assert!(state.is_created(&Name::new(Some("anywhere"), "notes")));
        assert!(!state.is_created(&Name::new(None, "customers")));
    }

    #[test]
    fn zero_timeouts_mean_none() {
        assert!(is_zero("0") && is_zero("'0'") && is_zero("0ms") && is_zero("00s"));
        assert!(!is_zero("5s") && !is_zero("'100ms'") && !is_zero("10"));
    }
}
