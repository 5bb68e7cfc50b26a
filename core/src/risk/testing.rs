//! Builders for rule and effects tests: a small catalog, statements, and a run of one rule.

use super::catalog::{Catalog, Column, Index, RelKind, Relation};
use super::context::Context;
use super::effects::{effects_of, TypeOracle};
use super::finding::Finding;
use super::rule::Rule;
use super::state::ScriptState;
use super::statement::*;
use crate::LockMode;

/// A type change rewrites unless the type stays the same (a stand-in for the server).
pub struct SameTypeOnly;

impl TypeOracle for SameTypeOnly {
    fn type_change_rewrites(&self, from: TypeId, to: TypeId) -> Option<bool> {
        Some(from.oid != to.oid)
    }
}

pub const INT4: u32 = 23;
pub const INT8: u32 = 20;
pub const TEXT: u32 = 25;
pub const VARCHAR: u32 = 1043;

/// A table `public.<name>` with `rows` rows in `pages` pages and the given columns
/// (name, type name, type OID).
pub fn table(oid: u32, name: &str, rows: f64, columns: &[(&str, &str, u32)]) -> Relation {
    let mut relation = Relation::new(
        oid,
        "public",
        name,
        &format!("public.{name}"),
        RelKind::Table,
    );
    relation.rows = rows;
    relation.pages = (rows / 100.0).ceil() as i64;
    relation.columns = columns
        .iter()
        .map(|(name, type_name, oid)| Column {
            name: name.to_string(),
            type_id: TypeId {
                oid: *oid,
                typmod: -1,
            },
            type_name: type_name.to_string(),
            not_null: false,
        })
        .collect();
    relation
}

/// An index `public.<name>` of `table` on `columns`; adds it to the table too.
pub fn index(oid: u32, name: &str, table: &mut Relation, columns: &[&str]) -> Relation {
    table.indexes.push(Index {
        oid,
        name: name.to_string(),
        qualified: format!("public.{name}"),
        partitioned: false,
        columns: columns.iter().map(|c| Some(c.to_string())).collect(),
        unique: false,
        primary: false,
        valid: true,
    });
    let mut relation = self::table(oid, name, 0.0, &[]);
    relation.kind = RelKind::Index;
    relation.table = Some(table.oid);
    relation
}

/// A catalog of `relations`, each findable by its bare and its qualified name.
pub fn catalog(relations: Vec<Relation>) -> Catalog {
    let mut catalog = Catalog::default();
    for relation in relations {
        catalog
            .names
            .insert(Name::new(None, &relation.name), relation.oid);
        catalog.names.insert(
            Name::new(Some(&relation.schema), &relation.name),
            relation.oid,
        );
        catalog.relations.insert(relation.oid, relation);
    }
    catalog
}

pub fn name(text: &str) -> Name {
    match text.split_once('.') {
        Some((schema, name)) => Name::new(Some(schema), name),
        None => Name::new(None, text),
    }
}

/// Statement number 1 doing `operation`, with `tag` as its command tag.
pub fn statement(tag: &str, operation: Operation) -> Statement {
    Statement {
        number: 1,
        text: String::new(),
        tag: tag.into(),
        operation,
        transactional: true,
        ignored: Vec::new(),
        long_identifiers: Vec::new(),
    }
}

/// `ALTER TABLE <table> <action>` taking `lock`.
pub fn alter(table: &str, action: AlterAction, lock: LockMode) -> Statement {
    statement(
        "ALTER TABLE",
        Operation::AlterTable(AlterTable {
            relation: name(table),
            object: ObjectKind::Table,
            missing_ok: false,
            only: false,
            commands: vec![AlterCommand { action, lock }],
        }),
    )
}

/// A type by name and OID.
pub fn type_ref(base: &str, oid: u32) -> TypeRef {
    TypeRef {
        display: base.into(),
        base: base.into(),
        id: Some(TypeId { oid, typmod: -1 }),
        constrained_domain: false,
        is_array: false,
    }
}

/// Runs `rule` on `statement` against `catalog`, after a script that led to `state`; `last`
/// says whether the statement ends the script.
pub fn run_at(
    rule: &Rule,
    statement: &Statement,
    catalog: &Catalog,
    state: &ScriptState,
    last: bool,
) -> Option<Finding> {
    let effects = effects_of(statement, catalog, state, &SameTypeOnly);
    let context = Context {
        statement,
        effects: &effects,
        catalog,
        state,
        last,
    };
    (rule.check)(&context)
}

/// [`run_at`] for a statement that does not end the script.
pub fn run_with(
    rule: &Rule,
    statement: &Statement,
    catalog: &Catalog,
    state: &ScriptState,
) -> Option<Finding> {
    run_at(rule, statement, catalog, state, false)
}

/// [`run_with`] at the start of a script.
pub fn run(rule: &Rule, statement: &Statement, catalog: &Catalog) -> Option<Finding> {
    run_with(rule, statement, catalog, &ScriptState::default())
}

/// The state after running `statements` (numbered from 1) through the analysis.
pub fn state_after(statements: &[Statement], catalog: &Catalog) -> ScriptState {
    let mut state = ScriptState::default();
    for (i, statement) in statements.iter().enumerate() {
        let mut statement = statement.clone();
        statement.number = i + 1;
        let effects = effects_of(&statement, catalog, &state, &SameTypeOnly);
        state.after(&statement, &effects);
    }
    state
}
