//! What a statement will do to existing relations: the locks it takes, whether it rewrites
//! storage, whether it reads the whole table while holding its lock.
//!
//! The model follows PostgreSQL 15's own code paths (tablecmds.c, indexcmds.c, the executor's
//! referential-integrity triggers) and is checked statement by statement against `pg_locks` and
//! relfilenodes of a real server (the truth test). Its conventions, documented in
//! docs/reference/assess_risk.md:
//! - relations created by the statement or earlier in the script are left out: no other
//!   session can see them, so their locks block nobody;
//! - an index is listed only when its lock is stronger than its table's: otherwise every
//!   session that needs the index waits on the table first;
//! - DML lists the locks its foreign keys take when rows are affected.

use std::collections::BTreeMap;

use super::catalog::{Catalog, ForeignKey, RelKind, Relation};
use super::state::ScriptState;
use super::statement::*;
use crate::LockMode::{self, *};

/// The server's judgement on a type change, which the pure analysis cannot make.
pub trait TypeOracle {
    /// Whether changing a column from `from` to `to` (no `USING`) rewrites the table: the
    /// coercion the server would plan is not a plain relabelling. `None` when unknown.
    fn type_change_rewrites(&self, from: TypeId, to: TypeId) -> Option<bool>;
}

/// What makes a statement rewrite existing storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RewriteCause {
    /// `ALTER COLUMN TYPE` whose conversion is not binary-coercible (or has `USING`).
    ColumnType {
        column: String,
    },
    /// `ADD COLUMN` with a volatile default (or one that cannot be analysed).
    VolatileDefault {
        column: String,
    },
    /// `ADD COLUMN` of a `serial` or identity column: a `nextval()` per row.
    SerialOrIdentity {
        column: String,
    },
    GeneratedStored {
        column: String,
    },
    /// `ADD COLUMN` of a domain with constraints: every row is checked and rewritten.
    ConstrainedDomain {
        column: String,
    },
    /// `SET LOGGED`/`UNLOGGED`, `SET TABLESPACE`, `SET ACCESS METHOD`, `CLUSTER`,
    /// `VACUUM FULL`, `REFRESH MATERIALIZED VIEW`, `REINDEX`, `TRUNCATE`: named by label.
    Command {
        label: String,
    },
    /// `ALTER SEQUENCE ... RESTART` and friends, identity `RESTART`.
    Sequence,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lock {
    pub oid: u32,
    pub relation: String,
    pub mode: LockMode,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Effects {
    /// The relation the statement acts on (qualified), existing or created in the script.
    pub target: Option<String>,
    pub target_oid: Option<u32>,
    /// The target was created earlier in the script: new and empty.
    pub target_is_new: bool,
    /// The most dangerous sub-action (`ADD COLUMN`, `ALTER COLUMN TYPE`, ...).
    pub action: Option<String>,
    /// Locks on existing relations, one per relation (the strongest), ordered by name.
    pub locks: Vec<Lock>,
    /// Existing storage rewritten (new relfilenode) for the table, its indexes or the sequence.
    pub rewrites: bool,
    /// Why: one entry per subcommand or clause that rewrites existing storage.
    pub rewrite_causes: Vec<RewriteCause>,
    /// A full read or validation of existing rows while the lock is held.
    pub scans: bool,
    /// Relations named that neither exist nor were created earlier in the script.
    pub missing: Vec<Name>,
    /// Bytes read or written by the scan or rewrite (existing relations only).
    pub bytes: i64,
    pub rows: f64,
    /// For a statement the analysis does not know: the lock assumed, on relations unknown.
    pub assumed_lock: Option<LockMode>,
}

impl Effects {
    /// The strongest lock the statement takes (or is assumed to take).
    pub fn strongest(&self) -> Option<LockMode> {
        self.locks
            .iter()
            .map(|l| l.mode)
            .chain(self.assumed_lock)
            .max()
    }
}

/// Collects the locks and facts of one statement.
struct Builder<'a> {
    catalog: &'a Catalog,
    state: &'a ScriptState,
    oracle: &'a dyn TypeOracle,
    locks: BTreeMap<u32, LockMode>,
    effects: Effects,
    /// Relations whose rows are read or rewritten: for the size estimate.
    sized: Vec<u32>,
}

/// The effects of `statement` given the catalog and what the script did before.
pub fn effects_of(
    statement: &Statement,
    catalog: &Catalog,
    state: &ScriptState,
    oracle: &dyn TypeOracle,
) -> Effects {
    let mut b = Builder {
        catalog,
        state,
        oracle,
        locks: BTreeMap::new(),
        effects: Effects::default(),
        sized: Vec::new(),
    };
    b.operation(&statement.operation);
    b.finish()
}

impl<'a> Builder<'a> {
    fn finish(mut self) -> Effects {
        let catalog = self.catalog;
        let locks = &self.locks;
        let mut list: Vec<Lock> = locks
            .iter()
            .filter_map(|(&oid, &mode)| {
                let relation = catalog.get(oid)?;
                // An index waits behind its table: only a stronger lock on it says more.
                let implied = relation.kind.is_index()
                    && relation
                        .table
                        .and_then(|t| locks.get(&t))
                        .is_some_and(|&table_mode| mode <= table_mode);
                (!implied).then(|| Lock {
                    oid,
                    relation: relation.qualified.clone(),
                    mode,
                })
            })
            .collect();
        list.sort_by(|a, b| a.relation.cmp(&b.relation));
        self.effects.locks = list;
        self.sized.sort_unstable();
        self.sized.dedup();
        for oid in &self.sized {
            let (rows, bytes) = self.catalog.size(*oid);
            self.effects.rows += rows;
            self.effects.bytes += bytes;
        }
        self.effects
    }

    fn lock(&mut self, oid: u32, mode: LockMode) {
        let entry = self.locks.entry(oid).or_insert(mode);
        *entry = (*entry).max(mode);
    }

    /// Locks `oid` and, recursively, its partitions and inheritance children.
    fn lock_tree(&mut self, oid: u32, mode: LockMode) {
        for o in self.catalog.with_descendants(oid) {
            self.lock(o, mode);
        }
    }

    fn action(&mut self, action: &str) {
        if self.effects.action.is_none() {
            self.effects.action = Some(action.to_string());
        }
    }

    /// Resolves `name` as a relation the statement acts on: the existing one, or `None` when
    /// it was created in the script (new) or does not exist (missing).
    fn existing(&mut self, name: &Name) -> Option<&'a Relation> {
        if self.state.is_created(name) {
            return None;
        }
        let found = self.state.existing(self.catalog, name);
        if found.is_none() && !self.effects.missing.contains(name) {
            self.effects.missing.push(name.clone());
        }
        found
    }

    fn target(&mut self, name: &Name) -> Option<&'a Relation> {
        let relation = self.existing(name);
        match relation {
            Some(r) => {
                self.effects.target = Some(r.qualified.clone());
                self.effects.target_oid = Some(r.oid);
            }
            None => {
                self.effects.target = Some(name.display());
                self.effects.target_is_new = self.state.is_created(name);
            }
        }
        relation
    }

    /// Rewrites `oid`: its rows are read and written again, under the lock.
    /// The existing relations of a statement that names several: the first is its target.
    fn named(&mut self, names: &[Name]) -> Vec<&'a Relation> {
        let mut found = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let relation = if i == 0 {
                self.target(name)
            } else {
                self.existing(name)
            };
            found.extend(relation);
        }
        found
    }

    /// Rewrites `oid`: its rows are read and written again, under the lock.
    fn rewrite(&mut self, oid: u32, cause: RewriteCause) {
        self.new_storage(cause);
        self.scan(oid);
    }

    /// New storage without copying rows (`TRUNCATE`, a sequence's one page, `REINDEX`'s index).
    fn new_storage(&mut self, cause: RewriteCause) {
        self.effects.rewrites = true;
        if !self.effects.rewrite_causes.contains(&cause) {
            self.effects.rewrite_causes.push(cause);
        }
    }

    fn scan(&mut self, oid: u32) {
        self.effects.scans = true;
        self.sized.push(oid);
    }

    /// Reading `oid`: views read their base relations too, in the same mode.
    fn read(&mut self, oid: u32, mode: LockMode) {
        let Some(relation) = self.catalog.get(oid) else {
            return;
        };
        if self.locks.get(&oid).is_some_and(|&m| m >= mode) {
            return;
        }
        self.lock_tree(oid, mode);
        if matches!(relation.kind, RelKind::View) {
            for &base in &relation.reads {
                self.read(base, mode);
            }
        }
    }

    fn read_names(&mut self, names: &[Name], mode: LockMode) {
        for name in names {
            if let Some(r) = self.existing_quiet(name) {
                self.read(r.oid, mode);
            }
        }
    }

    /// Like [`Self::existing`], for names that may be CTEs or functions rather than relations.
    fn existing_quiet(&self, name: &Name) -> Option<&'a Relation> {
        self.state.existing(self.catalog, name)
    }

    fn operation(&mut self, operation: &Operation) {
        match operation {
            Operation::AlterTable(alter) => self.alter_table(alter),
            Operation::CreateTable(create) => self.create_table(create),
            Operation::CreateIndex(index) => {
                self.action(if index.concurrently {
                    "CREATE INDEX CONCURRENTLY"
                } else {
                    "CREATE INDEX"
                });
                if let Some(table) = self.target(&index.relation) {
                    let mode = if index.concurrently {
                        ShareUpdateExclusive
                    } else {
                        Share
                    };
                    self.lock_tree(table.oid, mode);
                    self.scan(table.oid);
                }
            }
            Operation::Drop(drop) => self.drop(drop),
            Operation::Rename(rename) => self.rename(rename),
            Operation::SetSchema { relation, .. } => {
                self.action("SET SCHEMA");
                if let Some(r) = relation.as_ref().and_then(|n| self.target(n)) {
                    self.lock(r.oid, AccessExclusive);
                    self.lock_owned_sequences(r, AccessExclusive);
                }
            }
            Operation::Truncate {
                tables,
                cascade,
                restart_identity,
            } => self.truncate(tables, *cascade, *restart_identity),
            Operation::Reindex {
                target,
                name,
                concurrently,
            } => self.reindex(*target, name, *concurrently),
            Operation::RefreshMaterializedView {
                view,
                concurrently,
                with_data,
            } => {
                self.action("REFRESH MATERIALIZED VIEW");
                if let Some(r) = self.target(view) {
                    self.lock(
                        r.oid,
                        if *concurrently {
                            Exclusive
                        } else {
                            AccessExclusive
                        },
                    );
                    if *with_data {
                        for &base in &r.reads {
                            self.read(base, AccessShare);
                        }
                    }
                    if *concurrently {
                        self.scan(r.oid);
                    } else {
                        self.rewrite(r.oid, command("REFRESH MATERIALIZED VIEW"));
                    }
                }
            }
            Operation::Cluster { table } => {
                self.action("CLUSTER");
                if let Some(r) = table.as_ref().and_then(|t| self.target(t)) {
                    self.lock(r.oid, AccessExclusive);
                    self.rewrite(r.oid, command("CLUSTER"));
                }
            }
            Operation::Vacuum {
                full,
                analyze_only,
                tables,
            } => {
                self.action(match (full, analyze_only) {
                    (true, _) => "VACUUM FULL",
                    (false, true) => "ANALYZE",
                    (false, false) => "VACUUM",
                });
                for r in self.named(tables) {
                    self.lock_tree(
                        r.oid,
                        if *full {
                            AccessExclusive
                        } else {
                            ShareUpdateExclusive
                        },
                    );
                    if *full {
                        self.rewrite(r.oid, command("VACUUM FULL"));
                    } else {
                        self.scan(r.oid);
                    }
                }
            }
            Operation::LockTable { tables, mode, only } => {
                self.action("LOCK TABLE");
                for r in self.named(tables) {
                    if *only {
                        self.lock(r.oid, *mode);
                    } else {
                        self.read(r.oid, *mode);
                    }
                }
            }
            Operation::CreateTrigger { table } => {
                self.action("CREATE TRIGGER");
                if let Some(r) = self.target(table) {
                    self.lock_tree(r.oid, ShareRowExclusive);
                }
            }
            Operation::Policy { table } => {
                self.action("POLICY");
                if let Some(r) = self.target(table) {
                    self.lock(r.oid, AccessExclusive);
                }
            }
            Operation::CreateRule { table } => {
                self.action("CREATE RULE");
                if let Some(r) = self.target(table) {
                    self.lock(r.oid, AccessExclusive);
                }
            }
            Operation::Comment { object, relation } => {
                self.action("COMMENT");
                if let Some(r) = relation.as_ref().and_then(|n| self.target(n)) {
                    // CommentObject: ShareUpdateExclusiveLock on a relation or its column; a
                    // constraint is looked up under the table's AccessShareLock.
                    let mode = if *object == ObjectKind::Constraint {
                        AccessShare
                    } else {
                        ShareUpdateExclusive
                    };
                    self.lock(r.oid, mode);
                }
            }
            Operation::AlterSequence {
                sequence,
                rewrites,
                owned_by,
            } => {
                self.action("ALTER SEQUENCE");
                if let Some(r) = self.target(sequence) {
                    self.lock(r.oid, ShareRowExclusive);
                    if *rewrites {
                        self.new_storage(RewriteCause::Sequence);
                    }
                }
                if let Some(table) = owned_by.as_ref().and_then(|t| self.existing(t)) {
                    self.lock(table.oid, AccessShare);
                }
            }
            Operation::CreateSequence { sequence } => {
                self.action("CREATE SEQUENCE");
                self.effects.target = Some(sequence.display());
            }
            Operation::AlterDomain { domain, action } => {
                self.action("ALTER DOMAIN");
                self.effects.target = Some(domain.display());
                let checks_rows = match action {
                    DomainAction::AddConstraint { not_valid } => !not_valid,
                    DomainAction::ValidateConstraint | DomainAction::SetNotNull => true,
                    _ => false,
                };
                if checks_rows {
                    let tables = self
                        .catalog
                        .domains
                        .get(domain)
                        .map(|d| d.tables.clone())
                        .unwrap_or_default();
                    for oid in tables {
                        self.lock(oid, Share);
                        self.scan(oid);
                    }
                }
            }
            Operation::AlterEnum { .. } => self.action("ALTER TYPE"),
            Operation::CreateView {
                view,
                replace,
                reads,
                materialized,
                with_data,
            } => {
                self.action(if *materialized {
                    "CREATE MATERIALIZED VIEW"
                } else {
                    "CREATE VIEW"
                });
                self.effects.target = Some(view.display());
                if *replace {
                    if let Some(r) = self.existing_quiet(view) {
                        self.effects.target = Some(r.qualified.clone());
                        self.effects.target_oid = Some(r.oid);
                        self.lock(r.oid, AccessExclusive);
                    }
                }
                self.read_names(reads, AccessShare);
                if *materialized && *with_data {
                    let oids: Vec<u32> = reads
                        .iter()
                        .filter_map(|n| self.existing_quiet(n).map(|r| r.oid))
                        .collect();
                    for oid in oids {
                        self.scan(oid);
                    }
                }
            }
            Operation::CreateStatistics { table } => {
                self.action("CREATE STATISTICS");
                if let Some(r) = self.target(table) {
                    self.lock(r.oid, ShareUpdateExclusive);
                }
            }
            Operation::Dml(dml) => self.dml(dml, true),
            Operation::SetVariable { .. }
            | Operation::Transaction(_)
            | Operation::DynamicCode { .. } => {}
            Operation::Unrecognized | Operation::Unreadable { .. } => {
                self.effects.assumed_lock = Some(AccessExclusive)
            }
            Operation::Other { creates } => {
                if let Some(name) = creates {
                    self.effects.target = Some(name.display());
                }
            }
        }
    }

    fn lock_owned_sequences(&mut self, relation: &Relation, mode: LockMode) {
        for (sequence, _) in &relation.owned_sequences {
            self.lock(*sequence, mode);
        }
    }

    fn alter_table(&mut self, alter: &AlterTable) {
        let Some(table) = self.target(&alter.relation) else {
            if alter.missing_ok {
                // ALTER TABLE IF EXISTS of a missing table is a no-op, not a problem.
                self.effects.missing.retain(|n| n != &alter.relation);
            }
            self.action(&alter_label(alter));
            return;
        };
        // The most dangerous subcommand names the statement: the strongest lock, then the
        // first that rewrites.
        self.effects.action = Some(alter_label(alter));
        for command in &alter.commands {
            let targets = if recurses(&command.action) && !alter.only {
                self.catalog.with_descendants(table.oid)
            } else {
                vec![table.oid]
            };
            for &oid in &targets {
                self.lock(oid, command.lock);
            }
            self.alter_action(table, &targets, &command.action);
        }
    }

    fn alter_action(&mut self, table: &'a Relation, targets: &[u32], action: &AlterAction) {
        match action {
            AlterAction::AddColumn(column) => {
                if let Some(cause) = add_column_rewrite(column) {
                    for &oid in targets {
                        self.rewrite(oid, cause.clone());
                    }
                    // The rewrite computes the default for every row.
                    for sequence in &column.default_sequences {
                        if let Some(s) = self.existing_quiet(sequence) {
                            self.lock(s.oid, RowExclusive);
                        }
                    }
                }
                for constraint in &column.constraints {
                    self.add_constraint(targets, constraint);
                }
            }
            AlterAction::DropColumn { column, cascade } => {
                if *cascade {
                    for dependent in &table.dependent_views {
                        if dependent.column.as_deref() == Some(column.as_str()) {
                            self.lock(dependent.view, AccessExclusive);
                        }
                    }
                }
                self.lock_foreign_keys_on(table, column);
            }
            AlterAction::AlterColumnType {
                column,
                new_type,
                using,
            } => {
                let rewrites = *using
                    || match (table.column(column), new_type.id) {
                        (Some(old), Some(new)) => self
                            .oracle
                            .type_change_rewrites(old.type_id, new)
                            .unwrap_or(true),
                        _ => true,
                    };
                if rewrites {
                    for &oid in targets {
                        self.rewrite(
                            oid,
                            RewriteCause::ColumnType {
                                column: column.clone(),
                            },
                        );
                    }
                }
                // Constraints on the column are dropped and re-added: a foreign key's other
                // table is locked as for DROP CONSTRAINT.
                self.lock_foreign_keys_on(table, column);
            }
            AlterAction::SetNotNull { column } => {
                let proven = table.not_null_checks.contains(column)
                    || self
                        .state
                        .not_null_checks
                        .iter()
                        .any(|(t, _, c)| t == &table.qualified && c == column);
                if !proven && !table.column(column).is_some_and(|c| c.not_null) {
                    for &oid in targets {
                        self.scan(oid);
                    }
                }
            }
            AlterAction::AddConstraint(constraint) => self.add_constraint(targets, constraint),
            AlterAction::ValidateConstraint { name } => {
                for &oid in targets {
                    self.scan(oid);
                }
                if let Some(fk) = table.foreign_keys.iter().find(|fk| &fk.name == name) {
                    self.lock(fk.referenced, RowShare);
                }
            }
            AlterAction::DropConstraint { name, cascade } => {
                if let Some(fk) = table.foreign_keys.iter().find(|fk| &fk.name == name) {
                    self.lock(fk.referenced, AccessExclusive);
                }
                let index = table
                    .constraints
                    .iter()
                    .find(|c| &c.name == name)
                    .and_then(|c| c.index);
                if let (Some(index), true) = (index, *cascade) {
                    for fk in table.referenced_by.iter().filter(|fk| fk.index == index) {
                        self.lock(fk.referencing, AccessExclusive);
                    }
                }
            }
            AlterAction::AttachPartition { partition } => {
                if let Some(p) = self.existing(partition) {
                    self.lock(p.oid, AccessExclusive);
                    self.scan(p.oid);
                }
                if let Some(default) = table.default_partition {
                    self.lock(default, AccessExclusive);
                    self.scan(default);
                }
            }
            AlterAction::DetachPartition {
                partition,
                concurrently,
            } => {
                if let Some(p) = self.existing(partition) {
                    self.lock(
                        p.oid,
                        if *concurrently {
                            ShareUpdateExclusive
                        } else {
                            AccessExclusive
                        },
                    );
                }
            }
            AlterAction::SetPersistence { .. }
            | AlterAction::SetTablespace
            | AlterAction::SetAccessMethod => {
                for &oid in targets {
                    self.rewrite(oid, command(&action_label(action)));
                }
            }
            AlterAction::Identity {
                column, restart, ..
            } => {
                let sequences: Vec<u32> = table
                    .owned_sequences
                    .iter()
                    .filter(|(_, c)| c == column)
                    .map(|(s, _)| *s)
                    .collect();
                for sequence in sequences {
                    self.lock(sequence, ShareRowExclusive);
                    if *restart {
                        self.new_storage(RewriteCause::Sequence);
                    }
                }
            }
            AlterAction::Inherit { parent } => {
                if let Some(p) = self.existing(parent) {
                    self.lock(p.oid, ShareUpdateExclusive);
                }
            }
            AlterAction::NoInherit { parent } => {
                if let Some(p) = self.existing(parent) {
                    self.lock(p.oid, AccessShare);
                }
            }
            AlterAction::Other { label } => {
                if label == "OWNER TO" {
                    self.lock_owned_sequences(table, AccessExclusive);
                }
            }
            AlterAction::DropNotNull { .. }
            | AlterAction::SetDefault { .. }
            | AlterAction::DropDefault { .. } => {}
        }
    }

    /// Foreign keys through `column` of `table`, either side, are dropped (and re-added by a
    /// type change): the other table is locked as DROP CONSTRAINT locks it.
    fn lock_foreign_keys_on(&mut self, table: &Relation, column: &str) {
        let others: Vec<u32> = table
            .foreign_keys
            .iter()
            .filter(|fk| fk.columns.iter().any(|c| c == column))
            .map(|fk| fk.referenced)
            .chain(
                table
                    .referenced_by
                    .iter()
                    .filter(|fk| fk.referenced_columns.iter().any(|c| c == column))
                    .map(|fk| fk.referencing),
            )
            .filter(|&oid| oid != table.oid)
            .collect();
        for oid in others {
            self.lock(oid, AccessExclusive);
        }
    }

    fn add_constraint(&mut self, targets: &[u32], constraint: &Constraint) {
        match constraint.kind {
            Some(ConstraintKind::ForeignKey) => {
                if let Some(referenced) = constraint
                    .references
                    .as_ref()
                    .and_then(|n| self.existing(n))
                {
                    self.lock(referenced.oid, ShareRowExclusive);
                    if !constraint.not_valid {
                        self.scan(referenced.oid);
                    }
                }
                if !constraint.not_valid {
                    for &oid in targets {
                        self.scan(oid);
                    }
                }
            }
            Some(ConstraintKind::Check) if !constraint.not_valid => {
                for &oid in targets {
                    self.scan(oid);
                }
            }
            Some(
                ConstraintKind::Unique | ConstraintKind::PrimaryKey | ConstraintKind::Exclusion,
            ) if constraint.using_index.is_none() => {
                for &oid in targets {
                    self.scan(oid);
                }
            }
            _ => {}
        }
    }

    fn create_table(&mut self, create: &CreateTable) {
        self.action(if create.partition_of.is_some() {
            "CREATE TABLE PARTITION OF"
        } else if !create.reads.is_empty() {
            "CREATE TABLE AS"
        } else {
            "CREATE TABLE"
        });
        self.effects.target = Some(create.relation.display());
        if let Some(parent) = create.partition_of.as_ref().and_then(|p| self.existing(p)) {
            self.lock(parent.oid, AccessExclusive);
            if let Some(default) = parent.default_partition {
                self.lock(default, AccessExclusive);
                self.scan(default);
            }
        }
        for parent in &create.inherits {
            if let Some(p) = self.existing(parent) {
                self.lock(p.oid, ShareUpdateExclusive);
            }
        }
        for source in &create.like {
            if let Some(s) = self.existing(source) {
                self.lock(s.oid, AccessShare);
                if create.like_copies_defaults {
                    self.lock_owned_sequences(s, AccessShare);
                }
            }
        }
        self.read_names(&create.reads, AccessShare);
        let references = create
            .columns
            .iter()
            .flat_map(|c| &c.constraints)
            .chain(&create.constraints)
            .filter(|c| c.kind == Some(ConstraintKind::ForeignKey))
            .filter_map(|c| c.references.clone())
            .collect::<Vec<_>>();
        for name in references {
            if let Some(r) = self.existing(&name) {
                self.lock(r.oid, ShareRowExclusive);
            }
        }
    }

    fn drop(&mut self, drop: &Drop) {
        let label = match drop.object {
            ObjectKind::Table => "DROP TABLE",
            ObjectKind::Index if drop.concurrently => "DROP INDEX CONCURRENTLY",
            ObjectKind::Index => "DROP INDEX",
            ObjectKind::View => "DROP VIEW",
            ObjectKind::MaterializedView => "DROP MATERIALIZED VIEW",
            ObjectKind::Sequence => "DROP SEQUENCE",
            ObjectKind::Schema => "DROP SCHEMA",
            ObjectKind::Trigger => "DROP TRIGGER",
            ObjectKind::Policy => "DROP POLICY",
            ObjectKind::Rule => "DROP RULE",
            ObjectKind::Type => "DROP TYPE",
            ObjectKind::Domain => "DROP DOMAIN",
            ObjectKind::Function => "DROP FUNCTION",
            _ => "DROP",
        };
        self.action(label);
        for (i, name) in drop.names.iter().enumerate() {
            match drop.object {
                ObjectKind::Schema => {
                    let members = self
                        .catalog
                        .schemas
                        .get(&name.name)
                        .cloned()
                        .unwrap_or_default();
                    if i == 0 {
                        self.effects.target = Some(name.display());
                    }
                    if drop.cascade {
                        for oid in members {
                            if !self.catalog.get(oid).is_some_and(|r| r.kind.is_index()) {
                                self.lock(oid, AccessExclusive);
                            }
                        }
                    }
                }
                ObjectKind::Table
                | ObjectKind::View
                | ObjectKind::MaterializedView
                | ObjectKind::Sequence
                | ObjectKind::ForeignTable
                | ObjectKind::Index
                | ObjectKind::Trigger
                | ObjectKind::Policy
                | ObjectKind::Rule => {
                    let relation = if i == 0 {
                        self.target(name)
                    } else {
                        self.existing(name)
                    };
                    if drop.missing_ok {
                        self.effects.missing.retain(|n| n != name);
                    }
                    if let Some(r) = relation {
                        self.drop_relation(r, drop);
                    }
                }
                _ => {
                    if i == 0 {
                        self.effects.target = Some(name.display());
                    }
                }
            }
        }
    }

    fn drop_relation(&mut self, relation: &'a Relation, drop: &Drop) {
        match relation.kind {
            RelKind::Index | RelKind::PartitionedIndex => {
                let table = relation.table.unwrap_or(relation.oid);
                if drop.concurrently {
                    self.lock(table, ShareUpdateExclusive);
                } else {
                    self.lock_tree(table, AccessExclusive);
                    self.lock(relation.oid, AccessExclusive);
                }
            }
            _ if matches!(
                drop.object,
                ObjectKind::Trigger | ObjectKind::Policy | ObjectKind::Rule
            ) =>
            {
                self.lock(relation.oid, AccessExclusive);
            }
            _ => {
                self.lock_tree(relation.oid, AccessExclusive);
                if let Some(parent) = relation.partition_of {
                    self.lock(parent, AccessExclusive);
                }
                self.lock_owned_sequences(relation, AccessExclusive);
                for fk in &relation.foreign_keys {
                    self.lock(fk.referenced, AccessExclusive);
                }
                if drop.cascade {
                    for fk in &relation.referenced_by {
                        self.lock(fk.referencing, AccessExclusive);
                    }
                    for dependent in &relation.dependent_views {
                        self.lock(dependent.view, AccessExclusive);
                    }
                }
            }
        }
    }

    fn rename(&mut self, rename: &Rename) {
        self.action(match rename.object {
            ObjectKind::Column => "RENAME COLUMN",
            ObjectKind::Constraint => "RENAME CONSTRAINT",
            ObjectKind::Table => "RENAME TABLE",
            _ => "RENAME",
        });
        let Some(r) = rename.relation.as_ref().and_then(|n| self.target(n)) else {
            return;
        };
        // RenameRelation: ALTER INDEX ... RENAME takes ShareUpdateExclusiveLock, everything
        // else AccessExclusiveLock.
        let mode = if rename.relation_kind == ObjectKind::Index && r.kind.is_index() {
            ShareUpdateExclusive
        } else {
            AccessExclusive
        };
        self.lock(r.oid, mode);
    }

    fn truncate(&mut self, tables: &[Name], cascade: bool, restart_identity: bool) {
        self.action("TRUNCATE");
        let mut truncated = Vec::new();
        for r in self.named(tables) {
            truncated.extend(self.catalog.with_descendants(r.oid));
        }
        // CASCADE: every table referencing a truncated one, recursively.
        let mut next = 0;
        while cascade && next < truncated.len() {
            if let Some(r) = self.catalog.get(truncated[next]) {
                for fk in &r.referenced_by {
                    for oid in self.catalog.with_descendants(fk.referencing) {
                        if !truncated.contains(&oid) {
                            truncated.push(oid);
                        }
                    }
                }
            }
            next += 1;
        }
        for oid in truncated {
            self.lock(oid, AccessExclusive);
            if let Some(r) = self.catalog.get(oid) {
                if r.kind.has_storage() {
                    self.new_storage(command("TRUNCATE"));
                }
                if restart_identity {
                    self.lock_owned_sequences(r, AccessExclusive);
                }
            }
        }
    }

    fn reindex(&mut self, target: ReindexTarget, name: &Name, concurrently: bool) {
        self.action(if concurrently {
            "REINDEX CONCURRENTLY"
        } else {
            "REINDEX"
        });
        let (table_mode, index_mode) = if concurrently {
            (ShareUpdateExclusive, ShareUpdateExclusive)
        } else {
            (Share, AccessExclusive)
        };
        match target {
            ReindexTarget::Index => {
                if let Some(index) = self.target(name) {
                    if let Some(table) = index.table {
                        self.lock(table, table_mode);
                        self.sized.push(table);
                    }
                    self.lock(index.oid, index_mode);
                    self.effects.scans = true;
                    if !concurrently {
                        self.new_storage(command("REINDEX"));
                    }
                }
            }
            ReindexTarget::Table => {
                if let Some(table) = self.target(name) {
                    self.lock(table.oid, table_mode);
                    for index in &table.indexes {
                        self.lock(index.oid, index_mode);
                    }
                    self.scan(table.oid);
                    if !concurrently && !table.indexes.is_empty() {
                        self.new_storage(command("REINDEX"));
                    }
                }
            }
            _ => {
                self.effects.target = Some(name.display());
            }
        }
    }

    fn dml(&mut self, dml: &Dml, top: bool) {
        if top {
            self.action(match dml.kind {
                DmlKind::Insert => "INSERT",
                DmlKind::Update => "UPDATE",
                DmlKind::Delete => "DELETE",
                DmlKind::Merge => "MERGE",
                DmlKind::Select if dml.locks_rows => "SELECT FOR UPDATE",
                DmlKind::Select => "SELECT",
            });
        }
        let read_mode = if dml.locks_rows {
            RowShare
        } else {
            AccessShare
        };
        for name in &dml.sequences {
            if let Some(sequence) = self.existing_quiet(name) {
                self.lock(sequence.oid, RowExclusive);
            }
        }
        for name in &dml.reads {
            if let Some(r) = self.existing_quiet(name) {
                self.read(r.oid, read_mode);
            }
        }
        for write in &dml.writes {
            self.dml(write, false);
        }
        let Some(target) = dml.target.as_ref() else {
            return;
        };
        let relation = if top {
            self.target(target)
        } else {
            self.existing(target)
        };
        let Some(table) = relation else {
            return;
        };
        self.write(table, RowExclusive);
        let writes_rows = |kind| dml.kind == kind || dml.kind == DmlKind::Merge;
        if writes_rows(DmlKind::Insert) {
            for fk in &table.foreign_keys {
                self.lock(fk.referenced, RowShare);
            }
            // Identity and serial defaults call nextval() for columns an INSERT leaves out.
            if dml.kind == DmlKind::Insert {
                let defaults: Vec<u32> = table
                    .owned_sequences
                    .iter()
                    .filter(|(_, column)| !dml.columns.is_empty() && !dml.columns.contains(column))
                    .map(|(s, _)| *s)
                    .collect();
                for sequence in defaults {
                    self.lock(sequence, RowExclusive);
                }
            }
        }
        if writes_rows(DmlKind::Update) {
            let changed =
                |columns: &[String]| columns.iter().any(|c| dml.columns.iter().any(|u| u == c));
            for fk in &table.foreign_keys {
                if changed(&fk.columns) {
                    self.lock(fk.referenced, RowShare);
                }
            }
            for fk in &table.referenced_by {
                if changed(&fk.referenced_columns) {
                    self.referencing_action(fk, fk.on_update);
                }
            }
        }
        if dml.kind == DmlKind::Delete {
            self.delete_cascade(table);
        }
        if !dml.filtered && matches!(dml.kind, DmlKind::Update | DmlKind::Delete) {
            self.scan(table.oid);
        }
    }

    /// Writing through a view writes its base relation.
    fn write(&mut self, relation: &Relation, mode: LockMode) {
        self.lock(relation.oid, mode);
        if relation.kind == RelKind::View {
            for &base in &relation.reads {
                if let Some(b) = self.catalog.get(base) {
                    self.write(b, mode);
                }
            }
        }
    }

    /// Deleting referenced rows: `NO ACTION`/`RESTRICT` look for referencing rows (`FOR KEY
    /// SHARE`), `CASCADE`/`SET NULL`/`SET DEFAULT` write them, recursively.
    fn delete_cascade(&mut self, table: &Relation) {
        for fk in &table.referenced_by {
            self.referencing_action(fk, fk.on_delete);
        }
    }

    /// What the referential action `action` (`pg_constraint.confdeltype`/`confupdtype`) of
    /// `fk` does to the referencing table when referenced keys go away: `NO ACTION`/`RESTRICT`
    /// look for referencing rows (`FOR KEY SHARE`), the others write them; a cascaded delete
    /// goes on to the tables referencing those.
    fn referencing_action(&mut self, fk: &ForeignKey, action: char) {
        if !matches!(action, 'c' | 'n' | 'd') {
            self.lock(fk.referencing, RowShare);
            return;
        }
        let already = self
            .locks
            .get(&fk.referencing)
            .is_some_and(|&m| m >= RowExclusive);
        self.lock(fk.referencing, RowExclusive);
        if fk.on_delete == 'c' && action == fk.on_delete && !already {
            if let Some(r) = self.catalog.get(fk.referencing) {
                self.delete_cascade(r);
            }
        }
    }
}

fn command(label: &str) -> RewriteCause {
    RewriteCause::Command {
        label: label.to_string(),
    }
}

/// Why adding `column` rewrites the table, if it does (ATExecAddColumn: a default that must be
/// computed per row, or values that must be checked, cannot be stored once as the missing value).
fn add_column_rewrite(column: &ColumnDef) -> Option<RewriteCause> {
    let name = column.name.clone();
    if column.identity || column.is_serial() {
        Some(RewriteCause::SerialOrIdentity { column: name })
    } else if column.generated_stored {
        Some(RewriteCause::GeneratedStored { column: name })
    } else if matches!(
        column.default,
        Some(Volatility::Volatile | Volatility::Unknown)
    ) {
        Some(RewriteCause::VolatileDefault { column: name })
    } else if column.type_ref.constrained_domain {
        Some(RewriteCause::ConstrainedDomain { column: name })
    } else {
        None
    }
}

/// Subcommands that ALTER TABLE applies to partitions and inheritance children too.
fn recurses(action: &AlterAction) -> bool {
    match action {
        AlterAction::AddColumn(_)
        | AlterAction::DropColumn { .. }
        | AlterAction::AlterColumnType { .. }
        | AlterAction::SetNotNull { .. }
        | AlterAction::DropNotNull { .. }
        | AlterAction::SetDefault { .. }
        | AlterAction::DropDefault { .. }
        | AlterAction::AddConstraint(_)
        | AlterAction::ValidateConstraint { .. }
        | AlterAction::DropConstraint { .. } => true,
        AlterAction::Other { label } => matches!(
            label.as_str(),
            "SET STATISTICS" | "SET STORAGE" | "SET COMPRESSION" | "SET OPTIONS" | "RESET OPTIONS"
        ),
        _ => false,
    }
}

/// The label of an `ALTER TABLE`: its most dangerous subcommand (strongest lock, then one that
/// rewrites or scans).
fn alter_label(alter: &AlterTable) -> String {
    let danger = |c: &AlterCommand| {
        let heavy = match &c.action {
            AlterAction::AlterColumnType { .. }
            | AlterAction::SetPersistence { .. }
            | AlterAction::SetTablespace
            | AlterAction::SetAccessMethod => 3,
            AlterAction::AddColumn(column) => {
                if column.default.is_some() || column.identity || column.is_serial() {
                    2
                } else {
                    1
                }
            }
            AlterAction::AddConstraint(constraint) if !constraint.not_valid => 2,
            AlterAction::SetNotNull { .. } | AlterAction::ValidateConstraint { .. } => 2,
            _ => 0,
        };
        (c.lock, heavy)
    };
    alter
        .commands
        .iter()
        .max_by_key(|c| danger(c))
        .map(|c| action_label(&c.action))
        .unwrap_or_else(|| "ALTER".to_string())
}

pub fn action_label(action: &AlterAction) -> String {
    match action {
        AlterAction::AddColumn(_) => "ADD COLUMN".into(),
        AlterAction::DropColumn { .. } => "DROP COLUMN".into(),
        AlterAction::AlterColumnType { .. } => "ALTER COLUMN TYPE".into(),
        AlterAction::SetNotNull { .. } => "SET NOT NULL".into(),
        AlterAction::DropNotNull { .. } => "DROP NOT NULL".into(),
        AlterAction::SetDefault { .. } => "SET DEFAULT".into(),
        AlterAction::DropDefault { .. } => "DROP DEFAULT".into(),
        AlterAction::AddConstraint(c) => match c.kind {
            Some(ConstraintKind::ForeignKey) => "ADD FOREIGN KEY".into(),
            Some(ConstraintKind::Check) => "ADD CHECK".into(),
            Some(ConstraintKind::PrimaryKey) => "ADD PRIMARY KEY".into(),
            Some(ConstraintKind::Unique) => "ADD UNIQUE".into(),
            Some(ConstraintKind::Exclusion) => "ADD EXCLUDE".into(),
            _ => "ADD CONSTRAINT".into(),
        },
        AlterAction::ValidateConstraint { .. } => "VALIDATE CONSTRAINT".into(),
        AlterAction::DropConstraint { .. } => "DROP CONSTRAINT".into(),
        AlterAction::AttachPartition { .. } => "ATTACH PARTITION".into(),
        AlterAction::DetachPartition { .. } => "DETACH PARTITION".into(),
        AlterAction::SetPersistence { logged: true } => "SET LOGGED".into(),
        AlterAction::SetPersistence { logged: false } => "SET UNLOGGED".into(),
        AlterAction::SetTablespace => "SET TABLESPACE".into(),
        AlterAction::SetAccessMethod => "SET ACCESS METHOD".into(),
        AlterAction::Identity { .. } => "IDENTITY".into(),
        AlterAction::Inherit { .. } => "INHERIT".into(),
        AlterAction::NoInherit { .. } => "NO INHERIT".into(),
        AlterAction::Other { label } => label.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::catalog::ForeignKey;
    use crate::risk::testing::*;

    fn locks(effects: &Effects) -> Vec<(String, LockMode)> {
        effects
            .locks
            .iter()
            .map(|l| (l.relation.clone(), l.mode))
            .collect()
    }

    fn effects(statement: &Statement, catalog: &Catalog) -> Effects {
        effects_of(statement, catalog, &ScriptState::default(), &SameTypeOnly)
    }

    fn foreign_key(referencing: u32, referenced: u32, on_delete: char) -> ForeignKey {
        ForeignKey {
            name: format!("fk_{referencing}"),
            referencing,
            columns: vec!["parent_id".into()],
            referenced,
            referenced_columns: vec!["id".into()],
            on_delete,
            on_update: 'a',
            index: 0,
            validated: true,
        }
    }

    /// parent(1) with partitions 2 and 3.
    fn partitioned() -> Catalog {
        let mut parent = table(1, "events", 0.0, &[("id", "int4", INT4)]);
        parent.kind = RelKind::PartitionedTable;
        parent.children = vec![2, 3];
        let mut a = table(2, "events_a", 100.0, &[]);
        let mut b = table(3, "events_b", 100.0, &[]);
        a.partition_of = Some(1);
        b.partition_of = Some(1);
        catalog(vec![parent, a, b])
    }

    #[test]
    fn alter_table_locks_partitions_unless_only() {
        let catalog = partitioned();
        let set_default = AlterAction::SetDefault {
            column: "id".into(),
        };
        let mut statement = alter("events", set_default, AccessExclusive);
        assert_eq!(effects(&statement, &catalog).locks.len(), 3);
        if let Operation::AlterTable(alter) = &mut statement.operation {
            alter.only = true;
        }
        assert_eq!(
            locks(&effects(&statement, &catalog)),
            [("public.events".to_string(), AccessExclusive)]
        );
    }

    #[test]
    fn an_index_lock_no_stronger_than_its_tables_is_implied() {
        let mut orders = table(1, "orders", 10.0, &[("id", "int4", INT4)]);
        let orders_idx = index(2, "orders_idx", &mut orders, &["id"]);
        let catalog = catalog(vec![orders, orders_idx]);
        let drop = statement(
            "DROP INDEX",
            Operation::Drop(Drop {
                object: ObjectKind::Index,
                names: vec![name("orders_idx")],
                concurrently: false,
                cascade: false,
                missing_ok: false,
            }),
        );
        assert_eq!(
            locks(&effects(&drop, &catalog)),
            [("public.orders".to_string(), AccessExclusive)]
        );
        let reindex = statement(
            "REINDEX",
            Operation::Reindex {
                target: ReindexTarget::Index,
                name: name("orders_idx"),
                concurrently: false,
            },
        );
        let found = effects(&reindex, &catalog);
        assert_eq!(
            locks(&found),
            [
                ("public.orders".to_string(), Share),
                ("public.orders_idx".to_string(), AccessExclusive)
            ]
        );
        assert!(found.rewrites);
    }

    #[test]
    fn relations_created_earlier_in_the_script_are_not_locked() {
        let create = statement(
            "CREATE TABLE",
            Operation::CreateTable(CreateTable {
                relation: name("fresh"),
                ..CreateTable::default()
            }),
        );
        let catalog = catalog(vec![]);
        let state = state_after(&[create], &catalog);
        let index = statement(
            "CREATE INDEX",
            Operation::CreateIndex(CreateIndex {
                relation: name("fresh"),
                ..CreateIndex::default()
            }),
        );
        let found = effects_of(&index, &catalog, &state, &SameTypeOnly);
        assert!(found.locks.is_empty() && found.missing.is_empty());
        assert!(found.target_is_new);
    }

    #[test]
    fn a_table_renamed_earlier_in_the_script_is_found_under_its_new_name() {
        let catalog = catalog(vec![table(1, "orders", 10.0, &[("id", "int4", INT4)])]);
        let rename = statement(
            "ALTER TABLE",
            Operation::Rename(Rename {
                object: ObjectKind::Table,
                relation: Some(name("orders")),
                relation_kind: ObjectKind::Table,
                old_name: None,
                new_name: "purchases".into(),
            }),
        );
        let state = state_after(&[rename], &catalog);
        let set_default = AlterAction::SetDefault {
            column: "id".into(),
        };
        let found = effects_of(
            &alter("purchases", set_default, AccessExclusive),
            &catalog,
            &state,
            &SameTypeOnly,
        );
        assert!(found.missing.is_empty());
        assert_eq!(
            locks(&found),
            [("public.orders".to_string(), AccessExclusive)]
        );
    }

    #[test]
    fn delete_follows_foreign_keys_by_their_actions() {
        let mut parent = table(1, "parents", 10.0, &[("id", "int4", INT4)]);
        let mut child = table(2, "children", 10.0, &[]);
        let mut grandchild = table(3, "grandchildren", 10.0, &[]);
        let watcher = table(4, "watchers", 10.0, &[]);
        parent.referenced_by = vec![foreign_key(2, 1, 'c'), foreign_key(4, 1, 'a')];
        child.referenced_by = vec![foreign_key(3, 2, 'n')];
        grandchild.foreign_keys = vec![foreign_key(3, 2, 'n')];
        let catalog = catalog(vec![parent, child, grandchild, watcher]);
        let delete = statement(
            "DELETE",
            Operation::Dml(Dml {
                kind: DmlKind::Delete,
                target: Some(name("parents")),
                columns: Vec::new(),
                filtered: true,
                locks_rows: false,
                reads: Vec::new(),
                sequences: Vec::new(),
                writes: Vec::new(),
            }),
        );
        assert_eq!(
            locks(&effects(&delete, &catalog)),
            [
                ("public.children".to_string(), RowExclusive),
                ("public.grandchildren".to_string(), RowExclusive),
                ("public.parents".to_string(), RowExclusive),
                ("public.watchers".to_string(), RowShare),
            ]
        );
    }

    #[test]
    fn updating_a_referenced_key_follows_the_on_update_action() {
        let mut parent = table(1, "parents", 10.0, &[("id", "int4", INT4)]);
        let mut cascading = foreign_key(2, 1, 'a');
        cascading.on_update = 'c';
        parent.referenced_by = vec![cascading, foreign_key(3, 1, 'c')];
        let catalog = catalog(vec![
            parent,
            table(2, "cascading", 10.0, &[]),
            table(3, "checking", 10.0, &[]),
        ]);
        let update = |column: &str| {
            statement(
                "UPDATE",
                Operation::Dml(Dml {
                    kind: DmlKind::Update,
                    target: Some(name("parents")),
                    columns: vec![column.to_string()],
                    filtered: true,
                    locks_rows: false,
                    reads: Vec::new(),
                    sequences: Vec::new(),
                    writes: Vec::new(),
                }),
            )
        };
        assert_eq!(
            locks(&effects(&update("id"), &catalog)),
            [
                ("public.cascading".to_string(), RowExclusive),
                ("public.checking".to_string(), RowShare),
                ("public.parents".to_string(), RowExclusive),
            ]
        );
        assert_eq!(effects(&update("note"), &catalog).locks.len(), 1);
    }

    #[test]
    fn type_changes_ask_the_oracle_and_using_always_rewrites() {
        let catalog = catalog(vec![table(1, "t", 10.0, &[("a", "int4", INT4)])]);
        let change = |to: u32, using: bool| {
            let action = AlterAction::AlterColumnType {
                column: "a".into(),
                new_type: type_ref("x", to),
                using,
            };
            effects(&alter("t", action, AccessExclusive), &catalog)
        };
        assert!(!change(INT4, false).rewrites);
        assert!(change(INT8, false).rewrites);
        assert!(change(INT4, true).rewrites);
        assert_eq!(
            change(INT8, false).rewrite_causes,
            [RewriteCause::ColumnType { column: "a".into() }]
        );
    }
}
