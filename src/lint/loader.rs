//! Reading the schema and the linter's configuration through read-only SPI (no transaction ID,
//! no lock on a user table), so `lint()` works on a hot standby.
//!
//! Tables, columns, indexes and constraints, the bulk of a large catalog, are read as plain rows
//! (values taken as they are, no output function); the few other objects come as one JSON
//! document. Building JSON for 120,000 columns costs several times what reading them does.

use confiture_core::lint::catalog::{
    Column, Constraint, ConstraintKind, Index, LintCatalog, Table, TableKind,
};
use confiture_core::lint::engine::Config;
use pgrx::prelude::*;
use pgrx::spi::{SpiClient, SpiHeapTupleData, SpiResult};

macro_rules! catalog_query {
    ($file:literal) => {
        concat!(include_str!("catalog/scope.sql"), include_str!($file))
    };
}

const TABLES: &str = catalog_query!("catalog/tables.sql");
const COLUMNS: &str = catalog_query!("catalog/columns.sql");
const INDEXES: &str = catalog_query!("catalog/indexes.sql");
const CONSTRAINTS: &str = catalog_query!("catalog/constraints.sql");
const OTHERS: &str = catalog_query!("catalog/others.sql");

const CONFIG: &str = "
SELECT json_build_object(
    'rules', (SELECT json_agg(json_build_array(rule, enabled, severity, options))
              FROM confiture.lint_rule_config),
    'exclusions', (SELECT json_agg(json_build_array(rule, object_pattern))
                   FROM confiture.lint_exclusions))::text";

/// Every row of `sql`, read with `read`.
fn rows<T>(
    client: &SpiClient,
    sql: &str,
    read: impl Fn(&SpiHeapTupleData) -> SpiResult<T>,
) -> SpiResult<Vec<T>> {
    client
        .select(sql, None, &[])?
        .map(|row| read(&row))
        .collect()
}

fn text(row: &SpiHeapTupleData, ordinal: usize) -> SpiResult<String> {
    Ok(row.get::<String>(ordinal)?.unwrap_or_default())
}

fn oid(row: &SpiHeapTupleData, ordinal: usize) -> SpiResult<u32> {
    Ok(row.get::<i64>(ordinal)?.unwrap_or(0) as u32)
}

fn oids(row: &SpiHeapTupleData, ordinal: usize) -> SpiResult<Vec<u32>> {
    Ok(row
        .get::<Vec<i64>>(ordinal)?
        .unwrap_or_default()
        .into_iter()
        .map(|o| o as u32)
        .collect())
}

fn numbers(row: &SpiHeapTupleData, ordinal: usize) -> SpiResult<Vec<i16>> {
    Ok(row.get::<Vec<i16>>(ordinal)?.unwrap_or_default())
}

fn flag(row: &SpiHeapTupleData, ordinal: usize) -> SpiResult<bool> {
    Ok(row.get::<bool>(ordinal)?.unwrap_or(false))
}

fn table(row: &SpiHeapTupleData) -> SpiResult<Table> {
    let kind = match text(row, 5)?.as_str() {
        "r" => TableKind::Table,
        "p" => TableKind::PartitionedTable,
        "v" => TableKind::View,
        "m" => TableKind::MaterializedView,
        _ => TableKind::ForeignTable,
    };
    Ok(Table {
        oid: oid(row, 1)?,
        schema: text(row, 2)?,
        name: text(row, 3)?,
        qualified: text(row, 4)?,
        kind,
        partition_of: row.get::<i64>(6)?.map(|o| o as u32),
        inherits: flag(row, 7)?,
        rows: row.get::<f64>(8)?.unwrap_or(-1.0),
        bytes: row.get::<i64>(9)?.unwrap_or(0),
        dead_rows: row.get::<i64>(10)?.unwrap_or(0),
        comment: row.get::<String>(11)?,
        rls_enabled: flag(row, 12)?,
        security_invoker: flag(row, 13)?,
        definition: row.get::<String>(14)?,
        reads: oids(row, 15)?,
        columns: Vec::new(),
    })
}

fn column(row: &SpiHeapTupleData) -> SpiResult<(u32, Column)> {
    Ok((
        oid(row, 1)?,
        Column {
            num: row.get::<i16>(2)?.unwrap_or(0),
            name: text(row, 3)?,
            type_name: text(row, 4)?,
            type_oid: oid(row, 5)?,
            not_null: flag(row, 6)?,
            default: row.get::<String>(7)?,
            comment: row.get::<String>(8)?,
            identity: flag(row, 9)?,
            generated: flag(row, 10)?,
            quoted: String::new(),
        },
    ))
}

fn index(row: &SpiHeapTupleData) -> SpiResult<Index> {
    Ok(Index {
        oid: oid(row, 1)?,
        table: oid(row, 2)?,
        name: text(row, 3)?,
        qualified: text(row, 4)?,
        keys: numbers(row, 5)?,
        included: numbers(row, 6)?,
        expressions: row.get::<String>(7)?,
        predicate: row.get::<String>(8)?,
        method: text(row, 9)?,
        opclasses: oids(row, 10)?,
        collations: oids(row, 11)?,
        unique: flag(row, 12)?,
        primary: flag(row, 13)?,
        valid: flag(row, 14)?,
        ready: flag(row, 15)?,
        partitioned: flag(row, 16)?,
        constraint: row.get::<String>(17)?,
        scans: row.get::<i64>(18)?.unwrap_or(0),
        bytes: row.get::<i64>(19)?.unwrap_or(0),
        comment: row.get::<String>(20)?,
        building: flag(row, 21)?,
    })
}

fn constraint(row: &SpiHeapTupleData) -> SpiResult<Constraint> {
    let kind = match text(row, 4)?.as_str() {
        "primary_key" => ConstraintKind::PrimaryKey,
        "unique" => ConstraintKind::Unique,
        "foreign_key" => ConstraintKind::ForeignKey,
        "check" => ConstraintKind::Check,
        "exclusion" => ConstraintKind::Exclusion,
        _ => ConstraintKind::Other,
    };
    Ok(Constraint {
        oid: oid(row, 1)?,
        table: oid(row, 2)?,
        name: text(row, 3)?,
        kind,
        columns: numbers(row, 5)?,
        referenced: row.get::<i64>(6)?.map(|o| o as u32),
        referenced_columns: numbers(row, 7)?,
        validated: flag(row, 8)?,
        comment: row.get::<String>(9)?,
    })
}

fn one_text(sql: &str) -> String {
    Spi::connect(|client| {
        client
            .select(sql, None, &[])
            .and_then(|table| table.first().get_one::<String>())
    })
    .ok()
    .flatten()
    .unwrap_or_default()
}

/// The schema to lint, with its lookups built.
pub fn catalog() -> LintCatalog {
    // The queries and the structs are one contract: a mismatch is a bug, not bad input.
    let fail = |error: &dyn std::fmt::Display| -> ! {
        pgrx::error!("confiture could not read the catalog: {error}")
    };
    let others = one_text(OTHERS);
    let mut catalog: LintCatalog = serde_json::from_str(&others).unwrap_or_else(|e| fail(&e));
    let loaded = Spi::connect(|client| {
        let mut tables = rows(client, TABLES, table)?;
        tables.sort_unstable_by_key(|t| t.oid);
        for (relation, column) in rows(client, COLUMNS, column)? {
            // Columns come ordered by relation: a binary search finds each one's table.
            if let Ok(at) = tables.binary_search_by_key(&relation, |t| t.oid) {
                tables[at].columns.push(column);
            }
        }
        Ok::<_, pgrx::spi::SpiError>((
            tables,
            rows(client, INDEXES, index)?,
            rows(client, CONSTRAINTS, constraint)?,
        ))
    });
    let (tables, indexes, constraints) = loaded.unwrap_or_else(|e| fail(&e));
    catalog.tables = tables;
    catalog.indexes = indexes;
    catalog.constraints = constraints;
    catalog.indexed()
}

/// The rules' configuration and the exclusions.
pub fn config() -> Config {
    let text = one_text(CONFIG);
    Config::from_json(&serde_json::from_str(&text).unwrap_or_default())
}
