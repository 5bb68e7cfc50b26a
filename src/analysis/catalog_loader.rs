//! Loading the part of the catalog a migration touches, in a few set-based queries through
//! read-only SPI (no transaction ID, no lock on any relation: it works on a hot standby and
//! never waits behind the locks it is asked about).

use std::collections::HashSet;

use confiture_core::risk::catalog::{oid, Catalog, Domain, Relation};
use confiture_core::risk::statement::{DomainAction, Name, ObjectKind, Operation, Statement};
use pgrx::datum::DatumWithOid;
use pgrx::pg_sys;
use serde_json::Value;

use crate::catalog_text;

const RELATIONS: &str = include_str!("relations.sql");

/// Names resolved as the session would resolve them (search_path), without locking:
/// `to_regclass` looks names up with NoLock.
const RESOLVE: &str = "
SELECT coalesce(json_agg(json_build_array(n.i, c.oid)), '[]')::text
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS n (schema, name, i)
CROSS JOIN LATERAL (SELECT to_regclass(CASE WHEN n.schema IS NULL THEN quote_ident(n.name)
                                       ELSE quote_ident(n.schema) || '.' || quote_ident(n.name) END)::oid AS oid) c
WHERE c.oid IS NOT NULL";

/// Tables with a column of each domain: ALTER DOMAIN checks their rows.
const DOMAIN_TABLES: &str = "
SELECT coalesce(json_agg(json_build_array(n.i, t.tables)), '[]')::text
FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS n (schema, name, i)
CROSS JOIN LATERAL (
    SELECT ARRAY(SELECT DISTINCT a.attrelid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                 WHERE a.atttypid = to_regtype(CASE WHEN n.schema IS NULL THEN quote_ident(n.name)
                                               ELSE quote_ident(n.schema) || '.' || quote_ident(n.name) END)
                   AND c.relkind IN ('r', 'm') AND NOT a.attisdropped) AS tables) t";

/// The relations of each schema.
const SCHEMA_MEMBERS: &str = "
SELECT coalesce(json_agg(json_build_array(s.name, m.members)), '[]')::text
FROM unnest($1::text[]) AS s (name)
CROSS JOIN LATERAL (SELECT ARRAY(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                                 WHERE n.nspname = s.name) AS members) m";

/// How many rounds of neighbours to follow: deep enough for partitions of partitions, views of
/// views and the cascades of TRUNCATE ... CASCADE and DELETE.
const ROUNDS: usize = 4;

/// The catalog facts `statements` need.
pub fn load(statements: &[Statement]) -> Catalog {
    let mut catalog = Catalog::default();
    let names = distinct_names(statements);
    let domains = domain_names(statements);
    let schemas = dropped_schemas(statements);
    if names.is_empty() && domains.is_empty() && schemas.is_empty() {
        return catalog;
    }
    let (qualifiers, bare) = columns(&names);
    for row in array(&query(RESOLVE, vec![qualifiers.into(), bare.into()])) {
        if let (Some(i), Some(oid)) = (row[0].as_u64(), oid(&row[1])) {
            catalog.names.insert(names[i as usize - 1].clone(), oid);
        }
    }

    if !domains.is_empty() {
        let (qualifiers, bare) = columns(&domains);
        for row in array(&query(DOMAIN_TABLES, vec![qualifiers.into(), bare.into()])) {
            if let Some(i) = row[0].as_u64() {
                let tables = array(&row[1]).iter().filter_map(oid).collect();
                catalog
                    .domains
                    .insert(domains[i as usize - 1].clone(), Domain { tables });
            }
        }
    }

    if !schemas.is_empty() {
        for row in array(&query(SCHEMA_MEMBERS, vec![schemas.clone().into()])) {
            let members = array(&row[1]).iter().filter_map(oid).collect();
            catalog
                .schemas
                .insert(row[0].as_str().unwrap_or_default().to_string(), members);
        }
    }

    let mut wanted: Vec<u32> = catalog.names.values().copied().collect();
    wanted.extend(
        catalog
            .domains
            .values()
            .flat_map(|d| d.tables.iter().copied()),
    );
    wanted.extend(catalog.schemas.values().flatten().copied());
    // Foreign keys of foreign keys matter only where referential actions cascade; otherwise
    // neighbours of neighbours are followed through partition trees and views alone (a
    // large, densely linked catalog would otherwise be loaded whole).
    let cascades = statements
        .iter()
        .any(|s| s.operation.cascades_through_foreign_keys());
    let mut seen = HashSet::new();
    for round in 0..ROUNDS {
        wanted.retain(|oid| seen.insert(*oid));
        if wanted.is_empty() {
            break;
        }
        let oids: Vec<pg_sys::Oid> = wanted.iter().map(|&o| pg_sys::Oid::from(o)).collect();
        let loaded: Vec<Relation> = array(&query(RELATIONS, vec![oids.into()]))
            .iter()
            .filter_map(Relation::from_json)
            .collect();
        wanted = if round == 0 || cascades {
            loaded.iter().flat_map(Relation::neighbours).collect()
        } else {
            loaded.iter().flat_map(Relation::structure).collect()
        };
        let indexes: Vec<Relation> = loaded.iter().flat_map(Relation::index_relations).collect();
        for relation in loaded.into_iter().chain(indexes) {
            // A relation loaded with its own facts keeps them.
            catalog.relations.entry(relation.oid).or_insert(relation);
        }
    }
    catalog
}

/// The JSON document `sql` returns.
fn query(sql: &str, args: Vec<DatumWithOid>) -> Value {
    serde_json::from_str(&catalog_text::read(sql, &args)).unwrap_or(Value::Null)
}

/// Schemas and names of `names` as two arrays, for `unnest($1::text[], $2::text[])`.
fn columns(names: &[Name]) -> (Vec<Option<String>>, Vec<String>) {
    names
        .iter()
        .map(|n| (n.schema.clone(), n.name.clone()))
        .unzip()
}

fn array(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn distinct_names(statements: &[Statement]) -> Vec<Name> {
    let mut seen = HashSet::new();
    statements
        .iter()
        .flat_map(|s| s.operation.relation_names())
        .filter(|n| !n.name.is_empty() && seen.insert((*n).clone()))
        .cloned()
        .collect()
}

fn domain_names(statements: &[Statement]) -> Vec<Name> {
    statements
        .iter()
        .filter_map(|s| match &s.operation {
            Operation::AlterDomain { domain, action } if *action != DomainAction::Default => {
                Some(domain.clone())
            }
            _ => None,
        })
        .collect()
}

fn dropped_schemas(statements: &[Statement]) -> Vec<String> {
    statements
        .iter()
        .filter_map(|s| match &s.operation {
            Operation::Drop(drop) if drop.object == ObjectKind::Schema => Some(
                drop.names
                    .iter()
                    .map(|n| n.name.clone())
                    .collect::<Vec<_>>(),
            ),
            _ => None,
        })
        .flatten()
        .collect()
}
