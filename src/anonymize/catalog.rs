//! What anonymization reads from the catalog: a column to mask, a function offered as a
//! strategy, the rules of a table.

use confiture_core::anonymize::custom::FunctionFacts;
use confiture_core::anonymize::foreign_keys::ForeignKey;
use confiture_core::anonymize::rule::ColumnFacts;
use pgrx::prelude::*;
use serde_json::Value;

use crate::catalog_text;

fn json(sql: &str, args: &[pgrx::datum::DatumWithOid]) -> Value {
    serde_json::from_str(&catalog_text::read(sql, args)).unwrap_or(Value::Null)
}

fn text(value: &Value, key: &str) -> String {
    value[key].as_str().unwrap_or_default().to_string()
}

fn flag(value: &Value, key: &str) -> bool {
    value[key].as_bool().unwrap_or(false)
}

const COLUMN: &str = "
SELECT (SELECT json_build_object(
           'table', c.oid::regclass::text,
           'is_table', c.relkind IN ('r', 'p'),
           'exists', a.attnum IS NOT NULL,
           'generated', coalesce(a.attgenerated <> '', false),
           'identity_always', coalesce(a.attidentity = 'a', false),
           'base_type', (WITH RECURSIVE chain (oid, base) AS (
                             SELECT t.oid, t.typbasetype FROM pg_type t WHERE t.oid = a.atttypid
                             UNION ALL
                             SELECT t.oid, t.typbasetype FROM chain JOIN pg_type t ON t.oid = chain.base)
                         SELECT format_type(oid, NULL) FROM chain WHERE base = 0),
           'unique', u.found,
           'unique_immediate', coalesce(u.immediate, false))
          FROM pg_class c
          LEFT JOIN pg_attribute a
                 ON a.attrelid = c.oid AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped
          -- Unique indexes over the column, or over an expression naming it (lower(email)):
          -- a name found in the expression's text counts, erring on the side of unique.
          LEFT JOIN LATERAL (SELECT count(*) > 0 AS found,
                                    -- Checked up front: plain one-column unique indexes that
                                    -- check each row as it is written.
                                    bool_or(i.indimmediate AND i.indnatts = 1 AND i.indkey[0] = a.attnum
                                            AND i.indpred IS NULL) AS immediate
                               FROM pg_index i
                              WHERE i.indrelid = c.oid AND i.indisunique
                                AND (a.attnum = ANY (i.indkey)
                                     OR pg_get_expr(i.indexprs, i.indrelid)
                                        ~ ('\\m' || quote_ident(a.attname) || '\\M'))) AS u
                 ON true
         WHERE c.oid = $1)::text";

/// The column `column` of the table `table`, and whether a unique index over it is checked
/// row by row (not DEFERRABLE).
pub fn column(table: pg_sys::Oid, column: &str) -> (ColumnFacts, bool) {
    let facts = json(COLUMN, &[table.into(), column.into()]);
    (
        ColumnFacts {
            table: text(&facts, "table"),
            is_table: flag(&facts, "is_table"),
            column: column.to_string(),
            exists: flag(&facts, "exists"),
            generated: flag(&facts, "generated"),
            identity_always: flag(&facts, "identity_always"),
            base_type: text(&facts, "base_type"),
            unique: flag(&facts, "unique"),
        },
        flag(&facts, "unique_immediate"),
    )
}

const FUNCTION: &str = "
SELECT (SELECT json_build_object(
           'signature', p.oid::regprocedure::text,
           'is_function', p.prokind = 'f',
           'arguments', ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) AS t),
           'returns', format_type(p.prorettype, NULL),
           'returns_set', p.proretset,
           'security_definer', p.prosecdef,
           'owner_is_superuser', r.rolsuper,
           'schema', n.nspname,
           'schema_trusted', EXISTS (SELECT FROM confiture.trusted_schema s
                                      WHERE s.schema = n.oid),
           'caller_may_execute', has_function_privilege(p.oid, 'EXECUTE'))
          FROM pg_proc p
          JOIN pg_namespace n ON n.oid = p.pronamespace
          JOIN pg_roles r ON r.oid = p.proowner
         WHERE p.oid = $1)::text";

/// The function `oid`, or `None` when it does not exist (any more).
pub fn function(oid: pg_sys::Oid) -> Option<FunctionFacts> {
    let facts = json(FUNCTION, &[oid.into()]);
    facts.is_object().then(|| FunctionFacts {
        signature: text(&facts, "signature"),
        is_function: flag(&facts, "is_function"),
        arguments: facts["arguments"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|t| t.as_str().map(str::to_string))
            .collect(),
        returns: text(&facts, "returns"),
        returns_set: flag(&facts, "returns_set"),
        security_definer: flag(&facts, "security_definer"),
        owner_is_superuser: flag(&facts, "owner_is_superuser"),
        schema: text(&facts, "schema"),
        schema_trusted: flag(&facts, "schema_trusted"),
        caller_may_execute: flag(&facts, "caller_may_execute"),
    })
}

/// A registered custom strategy: its function and whether it is one-to-one.
pub struct Registered {
    pub function: pg_sys::Oid,
    pub unique_safe: bool,
}

pub fn registered(name: &str) -> Option<Registered> {
    let row = json(
        "SELECT (SELECT json_build_object('fn', fn::oid::bigint, 'unique_safe', unique_safe)::text
                   FROM confiture.masking_strategy WHERE name = $1)",
        &[name.into()],
    );
    Some(Registered {
        function: pg_sys::Oid::from(row["fn"].as_u64()? as u32),
        unique_safe: flag(&row, "unique_safe"),
    })
}

/// A rule of a table: column, strategy, options.
pub struct Rule {
    pub column: String,
    pub strategy: String,
    pub options: Value,
}

pub fn rules(table: pg_sys::Oid) -> Vec<Rule> {
    let rows = json(
        "SELECT coalesce(json_agg(json_build_object('col', col, 'strategy', strategy,
                                                    'options', options) ORDER BY col), '[]')::text
           FROM confiture.anonymization_rule WHERE tbl = $1",
        &[table.into()],
    );
    rows.as_array()
        .into_iter()
        .flatten()
        .map(|r| Rule {
            column: text(r, "col"),
            strategy: text(r, "strategy"),
            options: r["options"].clone(),
        })
        .collect()
}

/// The role custom strategies run as.
pub fn sandbox_role() -> pg_sys::Oid {
    let oid = catalog_text::read(
        "SELECT (SELECT oid::text FROM pg_roles WHERE rolname = 'confiture_sandbox')",
        &[],
    );
    oid.parse::<u32>().map(pg_sys::Oid::from).unwrap_or_else(|_| {
        pgrx::error!("role confiture_sandbox is missing: ALTER EXTENSION confiture UPDATE or recreate it (CREATE ROLE confiture_sandbox NOLOGIN NOINHERIT)")
    })
}

/// The table's name as the user sees it (`regclass` output), and qualified for the statements
/// of a masking run, which run with a search path of `pg_catalog` only.
pub fn table_names(table: pg_sys::Oid) -> (String, String) {
    let names = json(
        "SELECT (SELECT json_build_object('shown', c.oid::regclass::text,
                                          'qualified', format('%I.%I', n.nspname, c.relname))::text
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.oid = $1)",
        &[table.into()],
    );
    (text(&names, "shown"), text(&names, "qualified"))
}

/// The foreign keys from and to `table` or its partitions, each side named by its partition
/// tree's root (where rules are declared).
pub fn foreign_keys(table: pg_sys::Oid) -> Vec<ForeignKey> {
    let keys = json(
        "SELECT coalesce(json_agg(json_build_object(
                    'name', k.conname,
                    'table', coalesce(pg_partition_root(k.conrelid), k.conrelid)::regclass::text,
                    'columns', ARRAY(SELECT attname FROM unnest(k.conkey) WITH ORDINALITY AS x (n, i)
                                       JOIN pg_attribute ON attrelid = k.conrelid AND attnum = x.n
                                      ORDER BY x.i),
                    'referenced_table', coalesce(pg_partition_root(k.confrelid), k.confrelid)::regclass::text,
                    'referenced_columns', ARRAY(SELECT attname
                                                  FROM unnest(k.confkey) WITH ORDINALITY AS x (n, i)
                                                  JOIN pg_attribute
                                                    ON attrelid = k.confrelid AND attnum = x.n
                                                 ORDER BY x.i),
                    'deferrable', k.condeferrable,
                    'on_update_cascade', k.confupdtype = 'c')), '[]')::text
           FROM pg_constraint k
          WHERE k.contype = 'f' AND k.conparentid = 0
            AND $1 IN (coalesce(pg_partition_root(k.conrelid), k.conrelid),
                       coalesce(pg_partition_root(k.confrelid), k.confrelid))",
        &[table.into()],
    );
    keys.as_array()
        .into_iter()
        .flatten()
        .map(|k| {
            let names = |key: &str| -> Vec<String> {
                k[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|c| c.as_str().map(str::to_string))
                    .collect()
            };
            ForeignKey {
                name: text(k, "name"),
                table: text(k, "table"),
                columns: names("columns"),
                referenced_table: text(k, "referenced_table"),
                referenced_columns: names("referenced_columns"),
                deferrable: flag(k, "deferrable"),
                on_update_cascade: flag(k, "on_update_cascade"),
            }
        })
        .collect()
}

/// Every rule, keyed by table (as `regclass` shows it) and column, as comparable text.
pub fn all_rules() -> std::collections::HashMap<(String, String), String> {
    let rows = json(
        "SELECT coalesce(json_agg(json_build_array(tbl::regclass::text, col,
                                                   strategy || ' ' || options::text)), '[]')::text
           FROM confiture.anonymization_rule",
        &[],
    );
    rows.as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let at = |i: usize| r[i].as_str().unwrap_or_default().to_string();
            ((at(0), at(1)), at(2))
        })
        .collect()
}
