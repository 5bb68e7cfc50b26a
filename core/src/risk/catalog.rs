//! What the analysis knows of the live database: the relations a migration names and their
//! neighbours (partitions, foreign keys, dependent views, owned sequences), loaded in a few
//! set-based queries by the extension and handed over as plain data.

use std::collections::HashMap;

use super::statement::{Name, TypeId};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelKind {
    Table,
    PartitionedTable,
    Index,
    PartitionedIndex,
    View,
    MaterializedView,
    Sequence,
    ForeignTable,
    Other,
}

impl RelKind {
    /// From `pg_class.relkind`.
    pub fn from_relkind(relkind: char) -> Self {
        match relkind {
            'r' => Self::Table,
            'p' => Self::PartitionedTable,
            'i' => Self::Index,
            'I' => Self::PartitionedIndex,
            'v' => Self::View,
            'm' => Self::MaterializedView,
            'S' => Self::Sequence,
            'f' => Self::ForeignTable,
            _ => Self::Other,
        }
    }

    pub fn is_index(self) -> bool {
        matches!(self, Self::Index | Self::PartitionedIndex)
    }

    /// Whether the relation has storage of its own (a partitioned table's data is in its
    /// partitions, a view has none).
    pub fn has_storage(self) -> bool {
        matches!(
            self,
            Self::Table | Self::Index | Self::MaterializedView | Self::Sequence
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: String,
    pub type_id: TypeId,
    /// `format_type` of the column's type.
    pub type_name: String,
    pub not_null: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub oid: u32,
    /// Key columns in order; `None` for an expression.
    pub columns: Vec<Option<String>>,
    /// Columns used anywhere in the index (keys, expressions, predicate, INCLUDE).
    pub uses_columns: Vec<String>,
    pub unique: bool,
    pub primary: bool,
    pub valid: bool,
}

/// A foreign key, seen from either side.
#[derive(Debug, Clone, PartialEq)]
pub struct ForeignKey {
    pub name: String,
    pub referencing: u32,
    pub columns: Vec<String>,
    pub referenced: u32,
    pub referenced_columns: Vec<String>,
    /// `pg_constraint.confdeltype`: `a` no action, `r` restrict, `c` cascade, `n` set null,
    /// `d` set default.
    pub on_delete: char,
    /// The unique index on the referenced side it depends on.
    pub index: u32,
    pub validated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintInfo {
    pub name: String,
    /// `pg_constraint.contype`: `c`, `f`, `p`, `u`, `x`, `t`.
    pub kind: char,
    pub validated: bool,
    /// The index of a primary key, unique or exclusion constraint.
    pub index: Option<u32>,
}

/// A view or materialized view that depends on a relation, on one column or on the whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependent {
    pub view: u32,
    pub column: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    /// `schema.name`, each part quoted as `quote_ident` would.
    pub qualified: String,
    pub kind: RelKind,
    pub unlogged: bool,
    /// `pg_class.reltuples`; negative when never analysed.
    pub rows: f64,
    /// `pg_class.relpages`.
    pub pages: i64,
    pub columns: Vec<Column>,
    pub indexes: Vec<Index>,
    /// For an index: its table.
    pub table: Option<u32>,
    /// Partitions and inheritance children.
    pub children: Vec<u32>,
    /// For a partition: its partitioned table.
    pub partition_of: Option<u32>,
    pub default_partition: Option<u32>,
    pub foreign_keys: Vec<ForeignKey>,
    pub referenced_by: Vec<ForeignKey>,
    pub constraints: Vec<ConstraintInfo>,
    /// Columns a validated `CHECK (column IS NOT NULL)` proves not null.
    pub not_null_checks: Vec<String>,
    /// Sequences owned by a column (serial, identity), with that column.
    pub owned_sequences: Vec<(u32, String)>,
    pub dependent_views: Vec<Dependent>,
    /// For a view or materialized view: the relations its query reads.
    pub reads: Vec<u32>,
}

impl Relation {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Bytes of the relation's main storage (relpages × 8 kB).
    pub fn bytes(&self) -> i64 {
        self.pages.max(0) * 8192
    }
}

/// Tables whose columns use a domain.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Domain {
    pub tables: Vec<u32>,
}

/// The part of the catalog a migration touches.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub relations: HashMap<u32, Relation>,
    /// The names the script wrote, resolved with the session's search_path.
    pub names: HashMap<Name, u32>,
    pub domains: HashMap<Name, Domain>,
    /// Relations of each schema a `DROP SCHEMA` names.
    pub schemas: HashMap<String, Vec<u32>>,
}

impl Catalog {
    pub fn get(&self, oid: u32) -> Option<&Relation> {
        self.relations.get(&oid)
    }

    /// The existing relation `name` refers to, if any.
    pub fn resolve(&self, name: &Name) -> Option<&Relation> {
        self.names.get(name).and_then(|oid| self.relations.get(oid))
    }

    /// `oid` and its partitions and inheritance children, recursively.
    pub fn with_descendants(&self, oid: u32) -> Vec<u32> {
        let mut all = vec![oid];
        let mut next = 0;
        while next < all.len() {
            if let Some(relation) = self.get(all[next]) {
                for &child in &relation.children {
                    if !all.contains(&child) {
                        all.push(child);
                    }
                }
            }
            next += 1;
        }
        all
    }

    /// Rows and bytes of `oid` with its partitions (a partitioned table stores nothing itself).
    pub fn size(&self, oid: u32) -> (f64, i64) {
        self.with_descendants(oid)
            .into_iter()
            .filter_map(|o| self.get(o))
            .filter(|r| r.kind.has_storage() || r.kind == RelKind::ForeignTable)
            .fold((0.0, 0), |(rows, bytes), r| {
                (rows + r.rows.max(0.0), bytes + r.bytes())
            })
    }
}
