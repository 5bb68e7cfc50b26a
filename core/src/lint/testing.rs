//! Builders for lint rule tests: a catalog of tables, columns, indexes and constraints.

use serde_json::Value;

use super::catalog::*;
use super::rule::{Hit, LintContext, LintRule};

/// A table `public.<name>` with no columns, 1,000 rows in 8 MB.
pub fn table(oid: u32, name: &str) -> Table {
    Table {
        oid,
        schema: "public".into(),
        name: name.into(),
        qualified: format!("public.{name}"),
        kind: TableKind::Table,
        partition_of: None,
        inherits: false,
        rows: 1000.0,
        bytes: 8 << 20,
        dead_rows: 0,
        comment: None,
        rls_enabled: false,
        security_invoker: false,
        definition: None,
        reads: Vec::new(),
        columns: Vec::new(),
    }
}

/// A table `public.<name>` with nullable columns (name, type), numbered from 1.
pub fn table_with(oid: u32, name: &str, columns: &[(&str, &str)]) -> Table {
    let mut table = table(oid, name);
    table.columns = columns
        .iter()
        .zip(1..)
        .map(|((name, type_name), num)| column(num, name, type_name))
        .collect();
    table
}

/// A nullable column of `type_name`.
pub fn column(num: i16, name: &str, type_name: &str) -> Column {
    Column {
        num,
        name: name.into(),
        quoted: name.into(),
        type_name: type_name.into(),
        ..Column::default()
    }
}

pub fn not_null(mut column: Column) -> Column {
    column.not_null = true;
    column
}

/// A valid btree index `public.<name>` of `table` on key columns `keys`.
pub fn index(oid: u32, table: &Table, name: &str, keys: &[i16]) -> Index {
    Index {
        oid,
        table: table.oid,
        name: name.into(),
        qualified: format!("public.{name}"),
        keys: keys.to_vec(),
        included: Vec::new(),
        expressions: None,
        predicate: None,
        method: "btree".into(),
        opclasses: vec![0; keys.len()],
        collations: vec![0; keys.len()],
        unique: false,
        primary: false,
        valid: true,
        ready: true,
        building: false,
        partitioned: false,
        constraint: None,
        scans: 10,
        bytes: 1 << 20,
        comment: None,
    }
}

/// `index` as a primary key.
pub fn primary(mut index: Index) -> Index {
    index.unique = true;
    index.primary = true;
    index.constraint = Some(index.name.clone());
    index
}

/// A foreign key of `table` columns `columns` to `referenced`'s `referenced_columns`.
pub fn foreign_key(
    oid: u32,
    table: &Table,
    columns: &[i16],
    referenced: &Table,
    referenced_columns: &[i16],
) -> Constraint {
    Constraint {
        oid,
        table: table.oid,
        name: format!("{}_fkey{oid}", table.name),
        kind: ConstraintKind::ForeignKey,
        columns: columns.to_vec(),
        referenced: Some(referenced.oid),
        referenced_columns: referenced_columns.to_vec(),
        validated: true,
        comment: None,
    }
}

pub fn catalog(
    tables: Vec<Table>,
    indexes: Vec<Index>,
    constraints: Vec<Constraint>,
) -> LintCatalog {
    let mut catalog = LintCatalog::default();
    catalog.tables = tables;
    catalog.indexes = indexes;
    catalog.constraints = constraints;
    catalog.indexed()
}

/// `rule`'s hits on `catalog` with its default options.
pub fn run(rule: &LintRule, catalog: &LintCatalog) -> Vec<Hit> {
    run_with(rule, catalog, &(rule.options)())
}

/// `rule`'s hits on `catalog` with `options`.
pub fn run_with(rule: &LintRule, catalog: &LintCatalog, options: &Value) -> Vec<Hit> {
    (rule.check)(&LintContext { catalog, options })
}
