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
use pgrx::spi::{SpiClient, SpiResult};

use crate::catalog_text;

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

/// One row of a catalog query: its values taken as they are (no output function), each read
/// by type in Rust.
struct Row {
    values: Vec<pg_sys::Datum>,
    nulls: Vec<bool>,
}

impl Row {
    fn datum(&self, ordinal: usize) -> Option<pg_sys::Datum> {
        (!self.nulls[ordinal - 1]).then(|| self.values[ordinal - 1])
    }

    fn int8(&self, ordinal: usize) -> Option<i64> {
        self.datum(ordinal).map(|d| d.value() as i64)
    }

    fn int2(&self, ordinal: usize) -> i16 {
        self.datum(ordinal).map_or(0, |d| d.value() as i16)
    }

    fn float8(&self, ordinal: usize) -> Option<f64> {
        // float8 is passed by value on the 64-bit platforms PostgreSQL 15 builds for.
        self.datum(ordinal)
            .map(|d| f64::from_bits(d.value() as u64))
    }

    fn flag(&self, ordinal: usize) -> bool {
        self.datum(ordinal).is_some_and(|d| d.value() != 0)
    }

    fn oid(&self, ordinal: usize) -> u32 {
        self.int8(ordinal).unwrap_or(0) as u32
    }

    fn opt_text(&self, ordinal: usize) -> Option<String> {
        // SAFETY: the column is text (every query casts its text-like columns), and the datum
        // lives in SPI's memory, valid while the connection is open.
        self.datum(ordinal)
            .and_then(|d| unsafe { String::from_datum(d, false) })
    }

    fn text(&self, ordinal: usize) -> String {
        self.opt_text(ordinal).unwrap_or_default()
    }

    /// An `int2[]` column.
    fn shorts(&self, ordinal: usize) -> Vec<i16> {
        // SAFETY: as in `opt_text`, for an int2[].
        self.datum(ordinal)
            .and_then(|d| unsafe { Vec::<i16>::from_datum(d, false) })
            .unwrap_or_default()
    }

    /// An `int8[]` column of OIDs.
    fn oids(&self, ordinal: usize) -> Vec<u32> {
        // SAFETY: as in `opt_text`, for an int8[].
        let values = self
            .datum(ordinal)
            .and_then(|d| unsafe { Vec::<i64>::from_datum(d, false) });
        values
            .unwrap_or_default()
            .into_iter()
            .map(|o| o as u32)
            .collect()
    }
}

/// Every row of `sql`, read with `read`. pgrx's row iterator makes two calls into the server per
/// value; deforming each tuple once and reading the values in Rust is several times faster on
/// the 120,000 columns of a large schema.
fn rows<T>(client: &SpiClient, sql: &str, read: impl Fn(&Row) -> T) -> SpiResult<Vec<T>> {
    let table = client.select(sql, None, &[])?;
    // SAFETY: `select` just left its result in SPI_tuptable; its tuples and their values stay
    // allocated until the SPI connection closes, after this function returns its Rust values.
    unsafe {
        let result = pg_sys::SPI_tuptable;
        if result.is_null() {
            return Ok(Vec::new());
        }
        let width = usize::try_from((*(*result).tupdesc).natts).unwrap_or(0);
        let mut rows = Vec::with_capacity(table.len());
        for i in 0..table.len() {
            let mut row = Row {
                values: vec![pg_sys::Datum::from(0); width],
                nulls: vec![true; width],
            };
            pg_sys::heap_deform_tuple(
                *(*result).vals.add(i),
                (*result).tupdesc,
                row.values.as_mut_ptr(),
                row.nulls.as_mut_ptr(),
            );
            rows.push(read(&row));
        }
        Ok(rows)
    }
}

fn table(row: &Row) -> Table {
    let kind = match row.text(5).as_str() {
        "r" => TableKind::Table,
        "p" => TableKind::PartitionedTable,
        "v" => TableKind::View,
        "m" => TableKind::MaterializedView,
        _ => TableKind::ForeignTable,
    };
    Table {
        oid: row.oid(1),
        schema: row.text(2),
        name: row.text(3),
        qualified: row.text(4),
        kind,
        partition_of: row.int8(6).map(|o| o as u32),
        inherits: row.flag(7),
        rows: row.float8(8).unwrap_or(-1.0),
        bytes: row.int8(9).unwrap_or(0),
        dead_rows: row.int8(10).unwrap_or(0),
        comment: row.opt_text(11),
        rls_enabled: row.flag(12),
        security_invoker: row.flag(13),
        definition: row.opt_text(14),
        reads: row.oids(15),
        columns: Vec::new(),
    }
}

fn column(row: &Row) -> (u32, Column) {
    (
        row.oid(1),
        Column {
            num: row.int2(2),
            name: row.text(3),
            type_name: row.text(4),
            type_oid: row.oid(5),
            not_null: row.flag(6),
            default: row.opt_text(7),
            comment: row.opt_text(8),
            identity: row.flag(9),
            generated: row.flag(10),
            quoted: String::new(),
        },
    )
}

fn index(row: &Row) -> Index {
    Index {
        oid: row.oid(1),
        table: row.oid(2),
        name: row.text(3),
        qualified: row.text(4),
        keys: row.shorts(5),
        included: row.shorts(6),
        expressions: row.opt_text(7),
        predicate: row.opt_text(8),
        method: row.text(9),
        opclasses: row.oids(10),
        collations: row.oids(11),
        unique: row.flag(12),
        primary: row.flag(13),
        valid: row.flag(14),
        ready: row.flag(15),
        partitioned: row.flag(16),
        constraint: row.opt_text(17),
        scans: row.int8(18).unwrap_or(0),
        bytes: row.int8(19).unwrap_or(0),
        comment: row.opt_text(20),
        building: row.flag(21),
    }
}

fn constraint(row: &Row) -> Constraint {
    let kind = match row.text(4).as_str() {
        "primary_key" => ConstraintKind::PrimaryKey,
        "unique" => ConstraintKind::Unique,
        "foreign_key" => ConstraintKind::ForeignKey,
        "check" => ConstraintKind::Check,
        "exclusion" => ConstraintKind::Exclusion,
        _ => ConstraintKind::Other,
    };
    Constraint {
        oid: row.oid(1),
        table: row.oid(2),
        name: row.text(3),
        kind,
        columns: row.shorts(5),
        referenced: row.int8(6).map(|o| o as u32),
        referenced_columns: row.shorts(7),
        validated: row.flag(8),
        comment: row.opt_text(9),
    }
}

/// The schema to lint, with its lookups built.
pub fn catalog() -> LintCatalog {
    // The queries and the structs are one contract: a mismatch is a bug, not bad input.
    let fail = |error: &dyn std::fmt::Display| -> ! {
        pgrx::error!("confiture could not read the catalog: {error}")
    };
    let others = catalog_text::read(OTHERS, &[]);
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
    let text = catalog_text::read(CONFIG, &[]);
    Config::from_json(&serde_json::from_str(&text).unwrap_or_default())
}
