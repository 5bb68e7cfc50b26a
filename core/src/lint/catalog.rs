//! The live schema as the linter sees it: loaded by the extension in a few set-based queries
//! (src/lint/catalog.sql) and handed over as plain data, so that every rule is a pure function
//! tested without a server.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

/// Which kind of relation a table-like object is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    Table,
    PartitionedTable,
    View,
    MaterializedView,
    ForeignTable,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Column {
    pub num: i16,
    pub name: String,
    /// `format_type` of the column's type.
    pub type_name: String,
    pub type_oid: u32,
    pub not_null: bool,
    /// The default expression, as `pg_get_expr` prints it, when it holds a string constant
    /// (the only defaults a rule reads: a secret can hide there).
    pub default: Option<String>,
    pub comment: Option<String>,
    pub identity: bool,
    pub generated: bool,
    /// The name as `quote_ident` writes it (filled by [`LintCatalog::indexed`]).
    pub quoted: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub oid: u32,
    pub schema: String,
    pub name: String,
    /// `schema.name`, quoted as needed.
    pub qualified: String,
    pub kind: TableKind,
    /// A partition (its parent carries the rules that matter).
    pub partition_of: Option<u32>,
    /// Inherits from another table (old-style inheritance).
    pub inherits: bool,
    pub rows: f64,
    pub bytes: i64,
    /// Dead tuples from the statistics collector, for the bloat estimate.
    pub dead_rows: i64,
    pub comment: Option<String>,
    pub rls_enabled: bool,
    /// For views: `security_invoker` is set.
    pub security_invoker: bool,
    /// For views and materialized views: their definition.
    pub definition: Option<String>,
    /// Relations a view reads.
    pub reads: Vec<u32>,
    pub columns: Vec<Column>,
}

impl Table {
    pub fn column(&self, num: i16) -> Option<&Column> {
        self.columns.iter().find(|c| c.num == num)
    }

    pub fn column_named(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Regular and partitioned tables (not views, not partitions).
    pub fn is_base_table(&self) -> bool {
        matches!(self.kind, TableKind::Table | TableKind::PartitionedTable)
            && self.partition_of.is_none()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub oid: u32,
    pub table: u32,
    pub name: String,
    pub qualified: String,
    /// Key column numbers in order; 0 for an expression.
    pub keys: Vec<i16>,
    /// Columns of the INCLUDE clause.
    pub included: Vec<i16>,
    /// `pg_get_indexdef` of the expressions, the predicate, the method, the opclasses and
    /// collations: two indexes are the same only if all of these are.
    pub expressions: Option<String>,
    pub predicate: Option<String>,
    pub method: String,
    pub opclasses: Vec<u32>,
    pub collations: Vec<u32>,
    pub unique: bool,
    pub primary: bool,
    pub valid: bool,
    /// `indisready` false: a CONCURRENTLY build that is still running or that failed.
    pub ready: bool,
    /// The index of a partitioned table (its partitions' indexes hold the data).
    pub partitioned: bool,
    /// Backs a constraint (primary key, unique, exclusion).
    pub constraint: Option<String>,
    pub scans: i64,
    pub bytes: i64,
    pub comment: Option<String>,
    /// A `CREATE INDEX` or `REINDEX` is building it right now (pg_stat_progress_create_index).
    pub building: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstraintKind {
    PrimaryKey,
    Unique,
    ForeignKey,
    Check,
    Exclusion,
    Other,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Constraint {
    pub oid: u32,
    pub table: u32,
    pub name: String,
    pub kind: ConstraintKind,
    pub columns: Vec<i16>,
    /// Foreign keys: the referenced table and its columns.
    pub referenced: Option<u32>,
    pub referenced_columns: Vec<i16>,
    pub validated: bool,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Function {
    pub oid: u32,
    pub schema: String,
    /// `schema.name(argument types)`.
    pub signature: String,
    /// `f` function, `p` procedure, `a` aggregate, `w` window.
    pub kind: char,
    pub security_definer: bool,
    /// `proconfig` sets `search_path`.
    pub sets_search_path: bool,
    pub language: String,
    pub source: Option<String>,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Policy {
    pub table: u32,
    pub name: String,
    pub permissive: bool,
    /// `r` SELECT, `a` INSERT, `w` UPDATE, `d` DELETE, `*` ALL.
    pub command: char,
    /// Role names; `public` for PUBLIC.
    pub roles: Vec<String>,
    pub using: Option<String>,
    pub check: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Sequence {
    pub oid: u32,
    pub qualified: String,
    /// The column it feeds (serial or identity): table and column number.
    pub owned_by: Option<(u32, i16)>,
    pub last_value: Option<i64>,
    pub max_value: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Schema {
    pub name: String,
    pub comment: Option<String>,
    /// PUBLIC holds CREATE on it.
    pub public_create: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Extension {
    pub name: String,
    pub schema: String,
    pub version: String,
    pub default_version: Option<String>,
}

/// The schema being linted. The extension reads tables, columns, indexes and constraints as rows
/// and everything else from one JSON document (src/lint/catalog/others.sql).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct LintCatalog {
    pub schemas: Vec<Schema>,
    /// Tables, indexes and constraints are read as rows by the extension, not from the document.
    #[serde(skip)]
    pub tables: Vec<Table>,
    #[serde(skip)]
    pub indexes: Vec<Index>,
    #[serde(skip)]
    pub constraints: Vec<Constraint>,
    pub functions: Vec<Function>,
    pub policies: Vec<Policy>,
    pub sequences: Vec<Sequence>,
    pub extensions: Vec<Extension>,
    /// Seconds since the statistics were reset (or the cluster started), if known.
    pub stats_age_seconds: Option<f64>,
    /// The server's keywords that are not unreserved (`pg_get_keywords()`, catcode R, T or C),
    /// lower case.
    pub keywords: Vec<String>,
    /// Lookups by OID, built by [`LintCatalog::indexed`].
    #[serde(skip)]
    lookup: Lookup,
}

/// Positions in the catalog's vectors, so that rules over 10,000 tables stay linear.
#[derive(Debug, Clone, Default, PartialEq)]
struct Lookup {
    keywords: Keywords,
    tables: HashMap<u32, usize>,
    indexes_of: HashMap<u32, Vec<usize>>,
    constraints_of: HashMap<u32, Vec<usize>>,
    policies_of: HashMap<u32, Vec<usize>>,
}

/// The server's keywords that need quoting, looked up as the parser does: ignoring ASCII case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Keywords(HashSet<String>);

impl Keywords {
    pub fn from_words<'a>(words: impl IntoIterator<Item = &'a str>) -> Self {
        Keywords(words.into_iter().map(str::to_ascii_lowercase).collect())
    }

    /// `name` is a keyword, in any case.
    pub fn contains(&self, name: &str) -> bool {
        // Lower-cased on the stack: no keyword is longer than 32 bytes.
        let mut lower = [0u8; 32];
        let Some(lower) = lower.get_mut(..name.len()) else {
            return false;
        };
        for (to, from) in lower.iter_mut().zip(name.bytes()) {
            *to = from.to_ascii_lowercase();
        }
        // ASCII lower-casing keeps UTF-8 valid.
        std::str::from_utf8(lower).is_ok_and(|lower| self.0.contains(lower))
    }

    /// `name` as `quote_ident` writes it: bare when lower-case letters, digits, `_` and `$`
    /// (not first) that are not a keyword, quoted otherwise.
    pub fn quote(&self, name: &str) -> String {
        crate::identifier::quote_ident(name, |word| self.contains(word))
    }
}

fn positions<T>(items: &[T], key: impl Fn(&T) -> u32) -> HashMap<u32, Vec<usize>> {
    let mut map: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, item) in items.iter().enumerate() {
        map.entry(key(item)).or_default().push(i);
    }
    map
}

impl LintCatalog {
    /// The catalog with its lookups built; call once after loading.
    pub fn indexed(mut self) -> Self {
        let keywords = Keywords::from_words(self.keywords.iter().map(String::as_str));
        for table in &mut self.tables {
            for column in &mut table.columns {
                column.quoted = keywords.quote(&column.name);
            }
        }
        self.lookup = Lookup {
            keywords,
            tables: self
                .tables
                .iter()
                .enumerate()
                .map(|(i, t)| (t.oid, i))
                .collect(),
            indexes_of: positions(&self.indexes, |i| i.table),
            constraints_of: positions(&self.constraints, |c| c.table),
            policies_of: positions(&self.policies, |p| p.table),
        };
        self
    }

    /// The server's keywords that need quoting.
    pub fn keyword_set(&self) -> &Keywords {
        &self.lookup.keywords
    }

    /// `name` as `quote_ident` writes it.
    pub fn quote_ident(&self, name: &str) -> String {
        self.lookup.keywords.quote(name)
    }

    pub fn table(&self, oid: u32) -> Option<&Table> {
        self.lookup.tables.get(&oid).map(|&i| &self.tables[i])
    }

    pub fn indexes_of(&self, table: u32) -> impl Iterator<Item = &Index> {
        let found = self
            .lookup
            .indexes_of
            .get(&table)
            .map_or(&[][..], Vec::as_slice);
        found.iter().map(|&i| &self.indexes[i])
    }

    pub fn constraints_of(&self, table: u32) -> impl Iterator<Item = &Constraint> {
        let found = self
            .lookup
            .constraints_of
            .get(&table)
            .map_or(&[][..], Vec::as_slice);
        found.iter().map(|&i| &self.constraints[i])
    }

    pub fn policies_of(&self, table: u32) -> impl Iterator<Item = &Policy> {
        let found = self
            .lookup
            .policies_of
            .get(&table)
            .map_or(&[][..], Vec::as_slice);
        found.iter().map(|&i| &self.policies[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The shape of src/lint/catalog/others.sql's document.
    #[test]
    fn the_catalog_document_reads_into_the_model() {
        let document = json!({
            "functions": [{"oid": 16600, "schema": "app", "signature": "app.f(integer)", "kind": "f",
                           "security_definer": true, "sets_search_path": false, "language": "sql",
                           "source": "SELECT 1", "comment": null}],
            "policies": [{"table": 16400, "name": "p", "permissive": true, "command": "*",
                          "roles": ["public"], "using": "true", "check": null}],
            "sequences": [{"oid": 16399, "qualified": "app.orders_id_seq", "owned_by": [16400, 1],
                           "last_value": 5, "max_value": 2147483647}],
            "schemas": [{"name": "app", "comment": null, "public_create": false}],
            "extensions": [], "stats_age_seconds": 3600.0, "keywords": ["user", "select"]
        });
        let mut catalog: LintCatalog = serde_json::from_value(document).unwrap();
        let mut table = crate::lint::testing::table(16400, "Orders");
        table.columns = vec![crate::lint::testing::column(1, "user", "text")];
        catalog.tables = vec![table];
        let catalog = catalog.indexed();
        assert_eq!(catalog.table(16400).unwrap().columns[0].quoted, "\"user\"");
        assert_eq!(catalog.policies_of(16400).count(), 1);
        assert!(catalog.functions[0].security_definer);
        assert_eq!(catalog.sequences[0].owned_by, Some((16400, 1)));
        assert_eq!(catalog.quote_ident("Orders"), "\"Orders\"");
    }
}
