//! What the analysis knows of the live database: the relations a migration names and their
//! neighbours (partitions, foreign keys, dependent views, owned sequences), loaded in a few
//! set-based queries by the extension and handed over as plain data.

use std::collections::HashMap;

use serde_json::Value;

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
    pub name: String,
    /// `schema.name`, quoted as `quote_ident` would.
    pub qualified: String,
    /// `i`, or `I` for the index of a partitioned table.
    pub partitioned: bool,
    /// Key columns in order; `None` for an expression.
    pub columns: Vec<Option<String>>,
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
    /// `pg_constraint.confupdtype`, the same letters for updates of the referenced key.
    pub on_update: char,
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
    /// A relation with no facts beyond its name and kind (never analysed, no storage read).
    pub fn new(oid: u32, schema: &str, name: &str, qualified: &str, kind: RelKind) -> Self {
        Relation {
            oid,
            schema: schema.to_string(),
            name: name.to_string(),
            qualified: qualified.to_string(),
            kind,
            rows: -1.0,
            pages: 0,
            columns: Vec::new(),
            indexes: Vec::new(),
            table: None,
            children: Vec::new(),
            partition_of: None,
            default_partition: None,
            foreign_keys: Vec::new(),
            referenced_by: Vec::new(),
            constraints: Vec::new(),
            not_null_checks: Vec::new(),
            owned_sequences: Vec::new(),
            dependent_views: Vec::new(),
            reads: Vec::new(),
        }
    }

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

/// An OID from JSON, which `json_build_object` writes as a string.
pub fn oid(value: &Value) -> Option<u32> {
    match value {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64().and_then(|n| u32::try_from(n).ok()),
        _ => None,
    }
}

fn items(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn string(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

fn strings(value: &Value) -> Vec<String> {
    items(value)
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn foreign_key(row: &Value) -> Option<ForeignKey> {
    Some(ForeignKey {
        name: string(&row[0]),
        referencing: oid(&row[1])?,
        columns: strings(&row[2]),
        referenced: oid(&row[3])?,
        referenced_columns: strings(&row[4]),
        on_delete: row[5].as_str()?.chars().next()?,
        index: oid(&row[6]).unwrap_or(0),
        validated: row[7].as_bool().unwrap_or(true),
        on_update: row[8]
            .as_str()
            .and_then(|a| a.chars().next())
            .unwrap_or('a'),
    })
}

impl Relation {
    /// A relation from one object of the extension's catalog query (src/analysis/relations.sql).
    pub fn from_json(value: &Value) -> Option<Relation> {
        let kind = value["kind"].as_str()?.chars().next()?;
        Some(Relation {
            oid: oid(&value["oid"])?,
            schema: string(&value["schema"]),
            name: string(&value["name"]),
            qualified: string(&value["qualified"]),
            kind: RelKind::from_relkind(kind),
            rows: value["rows"].as_f64().unwrap_or(-1.0),
            pages: value["pages"].as_i64().unwrap_or(0),
            columns: items(&value["columns"])
                .iter()
                .filter_map(|c| {
                    Some(Column {
                        name: string(&c[0]),
                        type_id: TypeId {
                            oid: oid(&c[1])?,
                            typmod: i32::try_from(c[2].as_i64()?).ok()?,
                        },
                        type_name: string(&c[3]),
                        not_null: c[4].as_bool().unwrap_or(false),
                    })
                })
                .collect(),
            indexes: items(&value["indexes"])
                .iter()
                .filter_map(|x| {
                    let columns: Vec<Option<String>> = items(&x[1])
                        .iter()
                        .map(|c| c.as_str().map(str::to_string))
                        .collect();
                    Some(Index {
                        oid: oid(&x[0])?,
                        name: string(&x[5]),
                        qualified: string(&x[7]),
                        partitioned: x[6].as_str() == Some("I"),
                        columns,
                        unique: x[2].as_bool().unwrap_or(false),
                        primary: x[3].as_bool().unwrap_or(false),
                        valid: x[4].as_bool().unwrap_or(true),
                    })
                })
                .collect(),
            table: oid(&value["table"]),
            children: items(&value["children"]).iter().filter_map(oid).collect(),
            partition_of: oid(&value["partition_of"]),
            default_partition: oid(&value["default_partition"]),
            foreign_keys: items(&value["foreign_keys"])
                .iter()
                .filter_map(foreign_key)
                .collect(),
            referenced_by: items(&value["referenced_by"])
                .iter()
                .filter_map(foreign_key)
                .collect(),
            constraints: items(&value["constraints"])
                .iter()
                .filter_map(|k| {
                    Some(ConstraintInfo {
                        name: string(&k[0]),
                        kind: k[1].as_str()?.chars().next()?,
                        validated: k[2].as_bool().unwrap_or(true),
                        index: oid(&k[3]),
                    })
                })
                .collect(),
            not_null_checks: strings(&value["not_null_checks"]),
            owned_sequences: items(&value["owned_sequences"])
                .iter()
                .filter_map(|s| Some((oid(&s[0])?, string(&s[1]))))
                .collect(),
            dependent_views: items(&value["dependent_views"])
                .iter()
                .filter_map(|d| {
                    Some(Dependent {
                        view: oid(&d[0])?,
                        column: d[1].as_str().map(str::to_string),
                    })
                })
                .collect(),
            reads: items(&value["reads"]).iter().filter_map(oid).collect(),
        })
    }

    /// Its indexes as relations, with what their table's facts say of them: enough to name
    /// them and to tell their table, without loading them.
    pub fn index_relations(&self) -> impl Iterator<Item = Relation> + '_ {
        self.indexes.iter().map(|index| {
            let kind = if index.partitioned {
                RelKind::PartitionedIndex
            } else {
                RelKind::Index
            };
            let mut relation =
                Relation::new(index.oid, &self.schema, &index.name, &index.qualified, kind);
            relation.table = Some(self.oid);
            relation
        })
    }

    /// The relations whose facts the analysis needs when this one is only a neighbour of what a
    /// statement names: partitions and children (locked with their parent, recursively) and,
    /// for a view, what it reads (read with it, recursively).
    pub fn structure(&self) -> Vec<u32> {
        let mut related = self.children.clone();
        related.extend(&self.reads);
        related
    }

    /// Every relation this one refers to, whose facts the analysis may need too (its indexes
    /// come with it: [`Relation::index_relations`]).
    pub fn neighbours(&self) -> Vec<u32> {
        let mut related: Vec<u32> = self.children.clone();
        related.extend(self.table);
        related.extend(self.partition_of);
        related.extend(self.default_partition);
        related.extend(self.foreign_keys.iter().map(|fk| fk.referenced));
        related.extend(self.referenced_by.iter().map(|fk| fk.referencing));
        related.extend(self.owned_sequences.iter().map(|s| s.0));
        related.extend(self.dependent_views.iter().map(|d| d.view));
        related.extend(&self.reads);
        related
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn relations_read_from_the_catalog_query() {
        let value = json!({
            "oid": "16401", "schema": "app", "name": "orders", "qualified": "app.orders",
            "kind": "r", "rows": 300, "pages": 4, "table": null,
            "partition_of": null, "default_partition": null, "children": ["16500"],
            "columns": [["id", "23", -1, "integer", true], ["email", "1043", 104, "character varying(100)", false]],
            "indexes": [["16410", ["id"], true, true, true, "orders_pkey", "i", "app.orders_pkey"],
                        ["16415", [null], false, false, true, "orders_lower_idx", "i", "app.orders_lower_idx"]],
            "foreign_keys": [["orders_customer_fkey", "16401", ["customer_id"], "16300", ["id"], "a", "16310", true, "c"]],
            "referenced_by": null,
            "constraints": [["orders_pkey", "p", true, "16410"]],
            "not_null_checks": ["email"],
            "owned_sequences": [["16399", "id"]],
            "dependent_views": [["16600", "email"], ["16601", null]],
            "reads": []
        });
        let relation = Relation::from_json(&value).unwrap();
        assert_eq!((relation.oid, relation.kind), (16401, RelKind::Table));
        assert_eq!(
            relation.column("email").unwrap().type_id,
            TypeId {
                oid: 1043,
                typmod: 104
            }
        );
        assert_eq!(relation.indexes[1].columns, [None]);
        assert_eq!(relation.foreign_keys[0].referenced, 16300);
        assert_eq!(relation.foreign_keys[0].on_delete, 'a');
        assert_eq!(relation.foreign_keys[0].on_update, 'c');
        assert_eq!(relation.constraints[0].index, Some(16410));
        assert_eq!(relation.owned_sequences, [(16399, "id".to_string())]);
        assert_eq!(relation.dependent_views[1].column, None);
        assert_eq!(relation.bytes(), 4 * 8192);
        let mut neighbours = relation.neighbours();
        neighbours.sort_unstable();
        assert_eq!(neighbours, [16300, 16399, 16500, 16600, 16601]);
        let indexes: Vec<Relation> = relation.index_relations().collect();
        assert_eq!(indexes[1].qualified, "app.orders_lower_idx");
        assert_eq!(
            (indexes[1].kind, indexes[1].table),
            (RelKind::Index, Some(16401))
        );
    }
}
