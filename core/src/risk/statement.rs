//! A migration statement as the risk analysis sees it: what the server's grammar read, reduced
//! to the facts that decide locks, rewrites and findings. The extension fills these from the raw
//! parse tree; tests build them by hand.

use crate::LockMode;

/// A relation or object name as the statement wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Name {
    pub schema: Option<String>,
    pub name: String,
}

impl Name {
    pub fn new(schema: Option<&str>, name: &str) -> Self {
        Self {
            schema: schema.map(str::to_string),
            name: name.to_string(),
        }
    }

    /// `name` or `schema.name`, unquoted: for messages.
    pub fn display(&self) -> String {
        match &self.schema {
            Some(schema) => format!("{schema}.{}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A type as the server resolved it: OID and type modifier (`-1`: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TypeId {
    pub oid: u32,
    pub typmod: i32,
}

/// A type named in a statement.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TypeRef {
    /// As written, normalised by the server where it knows the type (`character varying(20)`).
    pub display: String,
    /// The last part of the name, lower case (`varchar`, `serial`, `timestamp`, `json`, ...).
    pub base: String,
    /// `None` when the type does not exist yet (created earlier in the script, or misspelt).
    pub id: Option<TypeId>,
    /// A domain with constraints: values are checked, so adding such a column rewrites.
    pub constrained_domain: bool,
    pub is_array: bool,
}

/// What PostgreSQL will do with a default expression, decided by the server when the statement
/// is read (the same planning `ALTER TABLE` applies before it decides on a rewrite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Volatility {
    /// Constant or stable (`now()`): stored once as the column's missing value.
    NotVolatile,
    /// `random()`, `clock_timestamp()`, `nextval()`: evaluated per row, the table is rewritten.
    Volatile,
    /// The expression could not be analysed (it uses something created earlier in the script).
    Unknown,
}

/// A column definition (`CREATE TABLE`, `ADD COLUMN`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColumnDef {
    pub name: String,
    pub type_ref: TypeRef,
    pub default: Option<Volatility>,
    /// Sequences the default advances (`nextval('...')`), once per row it fills.
    pub default_sequences: Vec<Name>,
    pub not_null: bool,
    pub identity: bool,
    pub generated_stored: bool,
    /// Inline constraints other than NOT NULL, DEFAULT, identity and generated.
    pub constraints: Vec<Constraint>,
}

impl ColumnDef {
    /// `serial`, `bigserial` and `smallserial` are an integer with a `nextval()` default.
    pub fn is_serial(&self) -> bool {
        matches!(
            self.type_ref.base.as_str(),
            "serial" | "serial4" | "bigserial" | "serial8" | "smallserial" | "serial2"
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    Check,
    NotNull,
    Unique,
    PrimaryKey,
    Exclusion,
    ForeignKey,
}

/// A table constraint (`ADD CONSTRAINT`, inline in a column or table definition).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Constraint {
    pub kind: Option<ConstraintKind>,
    pub name: Option<String>,
    /// `NOT VALID`: existing rows are not checked now.
    pub not_valid: bool,
    /// `USING INDEX name`: built on an existing index instead of building one.
    pub using_index: Option<String>,
    pub columns: Vec<String>,
    /// Foreign keys: the referenced table and columns.
    pub references: Option<Name>,
    pub referenced_columns: Vec<String>,
    /// A `CHECK (column IS NOT NULL)`: the column it proves not null.
    pub proves_not_null: Option<String>,
}

/// An `ALTER TABLE` subcommand.
#[derive(Debug, Clone, PartialEq)]
pub enum AlterAction {
    AddColumn(ColumnDef),
    DropColumn {
        column: String,
        cascade: bool,
    },
    AlterColumnType {
        column: String,
        new_type: TypeRef,
        /// `USING expression`, unless it is just the column itself.
        using: bool,
    },
    SetNotNull {
        column: String,
    },
    DropNotNull {
        column: String,
    },
    SetDefault {
        column: String,
    },
    DropDefault {
        column: String,
    },
    AddConstraint(Constraint),
    ValidateConstraint {
        name: String,
    },
    DropConstraint {
        name: String,
        cascade: bool,
    },
    AttachPartition {
        partition: Name,
    },
    DetachPartition {
        partition: Name,
        concurrently: bool,
    },
    /// `SET LOGGED` / `SET UNLOGGED`.
    SetPersistence {
        logged: bool,
    },
    SetTablespace,
    SetAccessMethod,
    /// `ADD GENERATED ... AS IDENTITY`, `SET GENERATED`, `RESTART`, `DROP IDENTITY`: the
    /// identity's sequence is locked too; `restart` rewrites it.
    Identity {
        column: String,
        restart: bool,
        adds: bool,
    },
    Inherit {
        parent: Name,
    },
    NoInherit {
        parent: Name,
    },
    /// Changes that need no more than the lock: `SET STATISTICS`, `SET (fillfactor)`, triggers,
    /// row security, `CLUSTER ON`, `OWNER TO`, `REPLICA IDENTITY`, storage, compression, ...
    Other {
        label: String,
    },
}

/// One `ALTER TABLE` subcommand with the lock PostgreSQL takes for it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlterCommand {
    pub action: AlterAction,
    /// The server's own answer (`AlterTableGetLockLevel`) for this subcommand alone.
    pub lock: LockMode,
}

/// The kind of object an `ALTER`, `DROP`, `COMMENT` or rename acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectKind {
    Table,
    Index,
    View,
    MaterializedView,
    Sequence,
    ForeignTable,
    Column,
    Constraint,
    Schema,
    Type,
    Domain,
    Function,
    Trigger,
    Policy,
    Rule,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AlterTable {
    pub relation: Name,
    pub object: ObjectKind,
    pub missing_ok: bool,
    /// `ALTER TABLE ONLY`: partitions and children are left alone.
    pub only: bool,
    pub commands: Vec<AlterCommand>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateTable {
    pub relation: Name,
    pub columns: Vec<ColumnDef>,
    /// Table-level constraints.
    pub constraints: Vec<Constraint>,
    pub partition_of: Option<Name>,
    pub inherits: Vec<Name>,
    /// `LIKE source`: read.
    pub like: Vec<Name>,
    /// `LIKE ... INCLUDING DEFAULTS/IDENTITY` (or `ALL`): the sources' sequences are referenced.
    pub like_copies_defaults: bool,
    /// `CREATE TABLE ... AS` / `SELECT INTO`: relations the query reads.
    pub reads: Vec<Name>,
    pub temporary: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateIndex {
    pub relation: Name,
    pub name: Option<String>,
    pub concurrently: bool,
    pub unique: bool,
    pub if_not_exists: bool,
    pub columns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Drop {
    pub object: ObjectKind,
    /// The objects; for triggers, policies and rules the table they belong to.
    pub names: Vec<Name>,
    pub concurrently: bool,
    pub cascade: bool,
    pub missing_ok: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rename {
    pub object: ObjectKind,
    /// The relation renamed or whose column/constraint/trigger/policy is renamed; `None` for
    /// objects that are not relations (schemas, types, functions).
    pub relation: Option<Name>,
    /// What the relation's kind is per the statement (`ALTER INDEX`, `ALTER VIEW`, ...).
    pub relation_kind: ObjectKind,
    /// The column, constraint, trigger, policy or rule renamed, for those.
    pub old_name: Option<String>,
    pub new_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmlKind {
    Insert,
    Update,
    Delete,
    Merge,
    Select,
}

/// `INSERT`, `UPDATE`, `DELETE`, `MERGE` and `SELECT`, with every relation they name.
#[derive(Debug, Clone, PartialEq)]
pub struct Dml {
    pub kind: DmlKind,
    /// The relation written, for everything but `SELECT`.
    pub target: Option<Name>,
    /// Columns an `INSERT` lists or an `UPDATE` (or `MERGE ... UPDATE`) sets.
    pub columns: Vec<String>,
    /// Has a `WHERE` clause (an `UPDATE` or `DELETE` without one touches every row).
    pub filtered: bool,
    /// `SELECT ... FOR UPDATE/SHARE`: rows of the relations read are locked.
    pub locks_rows: bool,
    /// Every other relation named (FROM, USING, subqueries, CTEs), some of which may be CTE
    /// names rather than relations.
    pub reads: Vec<Name>,
    /// Sequences advanced or set by `nextval('...')` / `setval('...')`.
    pub sequences: Vec<Name>,
    /// CTEs that write (`WITH moved AS (DELETE ...)`), as statements of their own.
    pub writes: Vec<Dml>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReindexTarget {
    Index,
    Table,
    Schema,
    Database,
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionKind {
    Begin,
    Commit,
    Rollback,
    Savepoint,
    Release,
    RollbackTo,
    Prepare,
    CommitPrepared,
    RollbackPrepared,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DomainAction {
    AddConstraint { not_valid: bool },
    ValidateConstraint,
    SetNotNull,
    DropNotNull,
    DropConstraint,
    Default,
}

/// What a statement does, as far as the analysis distinguishes.
#[derive(Debug, Clone, PartialEq)]
pub enum Operation {
    AlterTable(AlterTable),
    CreateTable(CreateTable),
    CreateIndex(CreateIndex),
    Drop(Drop),
    Rename(Rename),
    /// `ALTER ... SET SCHEMA`.
    SetSchema {
        object: ObjectKind,
        relation: Option<Name>,
    },
    Truncate {
        tables: Vec<Name>,
        cascade: bool,
        restart_identity: bool,
    },
    Reindex {
        target: ReindexTarget,
        name: Name,
        concurrently: bool,
    },
    RefreshMaterializedView {
        view: Name,
        concurrently: bool,
        with_data: bool,
    },
    Cluster {
        table: Option<Name>,
    },
    Vacuum {
        full: bool,
        /// `ANALYZE` alone.
        analyze_only: bool,
        tables: Vec<Name>,
    },
    LockTable {
        tables: Vec<Name>,
        mode: LockMode,
        /// `LOCK TABLE ONLY`: partitions and children are not locked.
        only: bool,
    },
    CreateTrigger {
        table: Name,
    },
    /// `CREATE POLICY` / `ALTER POLICY`.
    Policy {
        table: Name,
    },
    CreateRule {
        table: Name,
    },
    /// `COMMENT ON`; `relation` is the relation the comment locks, if any (for a column or a
    /// constraint, its table).
    Comment {
        object: ObjectKind,
        relation: Option<Name>,
    },
    AlterSequence {
        sequence: Name,
        /// `RESTART`, `AS type`, `INCREMENT` and the like rewrite the sequence's one page.
        rewrites: bool,
        owned_by: Option<Name>,
    },
    CreateSequence {
        sequence: Name,
    },
    AlterDomain {
        domain: Name,
        action: DomainAction,
    },
    AlterEnum {
        type_name: Name,
        /// `ADD VALUE 'x'` without `BEFORE`/`AFTER`.
        added_without_position: bool,
        adds: bool,
    },
    CreateView {
        view: Name,
        replace: bool,
        materialized: bool,
        reads: Vec<Name>,
        with_data: bool,
    },
    CreateStatistics {
        table: Name,
    },
    Dml(Dml),
    /// `SET`/`RESET` of a setting; `value` `None` for `RESET`/`SET ... TO DEFAULT`.
    SetVariable {
        name: String,
        value: Option<String>,
        local: bool,
    },
    Transaction(TransactionKind),
    /// `DO` blocks and `CALL`: code the analysis cannot see into.
    DynamicCode {
        kind: String,
    },
    /// `CREATE TYPE name AS ENUM`, `CREATE FUNCTION`, `GRANT`, ...: nothing on existing
    /// relations. `creates` names a relation-like object it creates, if any.
    Other {
        creates: Option<Name>,
    },
    /// A statement the analysis does not know.
    Unrecognized,
    /// A statement the server refused to read (an invalid type modifier such as `varchar(0)`):
    /// it will fail with `reason` when it runs.
    Unreadable {
        reason: String,
    },
}

impl Operation {
    /// Every relation name the statement mentions, for the catalog to resolve.
    pub fn relation_names(&self) -> Vec<&Name> {
        let mut names: Vec<&Name> = Vec::new();
        match self {
            Operation::AlterTable(alter) => {
                names.push(&alter.relation);
                for command in &alter.commands {
                    match &command.action {
                        AlterAction::AddColumn(column) => {
                            names.extend(column.constraints.iter().filter_map(references_of));
                            names.extend(&column.default_sequences);
                        }
                        AlterAction::AddConstraint(c) => names.extend(references_of(c)),
                        AlterAction::AttachPartition { partition }
                        | AlterAction::DetachPartition { partition, .. } => names.push(partition),
                        AlterAction::Inherit { parent } | AlterAction::NoInherit { parent } => {
                            names.push(parent)
                        }
                        _ => {}
                    }
                }
            }
            Operation::CreateTable(create) => {
                names.extend(&create.partition_of);
                names.extend(&create.inherits);
                names.extend(&create.like);
                names.extend(&create.reads);
                names.extend(
                    create
                        .columns
                        .iter()
                        .flat_map(|c| &c.constraints)
                        .chain(&create.constraints)
                        .filter_map(references_of),
                );
            }
            Operation::CreateIndex(index) => names.push(&index.relation),
            Operation::Drop(drop) => names.extend(&drop.names),
            Operation::Rename(rename) => names.extend(&rename.relation),
            Operation::SetSchema { relation, .. } => names.extend(relation),
            Operation::Truncate { tables, .. }
            | Operation::Vacuum { tables, .. }
            | Operation::LockTable { tables, .. } => names.extend(tables),
            Operation::Reindex { name, .. } => names.push(name),
            Operation::RefreshMaterializedView { view, .. } => names.push(view),
            Operation::Cluster { table } => names.extend(table),
            Operation::CreateTrigger { table }
            | Operation::Policy { table }
            | Operation::CreateRule { table }
            | Operation::CreateStatistics { table } => names.push(table),
            Operation::Comment { relation, .. } => names.extend(relation),
            Operation::AlterSequence {
                sequence, owned_by, ..
            } => {
                names.push(sequence);
                names.extend(owned_by);
            }
            Operation::CreateView { view, reads, .. } => {
                names.push(view);
                names.extend(reads);
            }
            Operation::Dml(dml) => dml.relation_names(&mut names),
            _ => {}
        }
        names
    }
}

impl Operation {
    /// Whether the statement's effects follow foreign keys beyond the tables it names: rows
    /// deleted or keys updated (referential actions cascade), `TRUNCATE ... CASCADE`.
    pub fn cascades_through_foreign_keys(&self) -> bool {
        match self {
            Operation::Truncate { cascade, .. } => *cascade,
            Operation::Dml(dml) => {
                matches!(dml.kind, DmlKind::Delete | DmlKind::Update | DmlKind::Merge)
                    || dml.writes.iter().any(|w| w.kind != DmlKind::Insert)
            }
            _ => false,
        }
    }
}

fn references_of(constraint: &Constraint) -> Option<&Name> {
    constraint.references.as_ref()
}

impl Dml {
    fn relation_names<'a>(&'a self, names: &mut Vec<&'a Name>) {
        names.extend(&self.target);
        names.extend(&self.reads);
        names.extend(&self.sequences);
        for write in &self.writes {
            write.relation_names(names);
        }
    }
}

/// One statement of a migration as read by the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub number: usize,
    pub text: String,
    /// The server's command tag (`ALTER TABLE`, `CREATE INDEX`, ...).
    pub tag: String,
    pub operation: Operation,
    /// Whether the server refuses to run it inside a transaction block.
    pub transactional: bool,
    /// Rules silenced by `-- confiture:ignore rule_id` comments right before the statement.
    pub ignored: Vec<String>,
    /// Identifiers longer than PostgreSQL's 63 bytes that the statement creates.
    pub long_identifiers: Vec<String>,
}
