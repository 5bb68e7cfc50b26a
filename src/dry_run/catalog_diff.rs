//! Which objects a statement created, dropped, altered or rewrote, from the catalog rows it
//! touched.
//!
//! The server side reads, for each tracked catalog, the row versions a statement deleted or
//! replaced (visible in a snapshot taken before it) and the ones it wrote (visible after). This
//! module compares the two sets; it never sees rows the statement did not touch.

use std::collections::{BTreeMap, BTreeSet};

/// One catalog row version, flattened: see `catalog_rows.sql` for how each catalog maps here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogRow {
    /// Identity across versions, e.g. `class:16384`, `attribute:16384:3`.
    pub key: String,
    /// `table`, `index`, `column`, `constraint`, `function`, ...
    pub kind: String,
    /// Schema-qualified, quoted as needed.
    pub name: String,
    /// The key of the object this row belongs to (a column's table, a constraint's table).
    pub owner: Option<String>,
    pub owner_name: Option<String>,
    /// Storage file number, for relations.
    pub filenode: Option<i64>,
    /// Everything about the definition that counts as a change, as one string.
    pub definition: String,
    /// The row still exists but the object is gone (a dropped column).
    pub gone: bool,
}

/// What a statement did to the schema, each list sorted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// `kind name`, e.g. `table public.audit`.
    pub created: Vec<String>,
    pub dropped: Vec<String>,
    /// Names of objects whose definition or parts changed.
    pub altered: Vec<String>,
    /// Names of relations that got new storage.
    pub rewritten: Vec<String>,
    /// OIDs of the relations that appeared.
    pub new_relations: Vec<u32>,
}

/// Parts reported only when their owner existed before and after (a new table's columns are not
/// news; a column added to an existing table is).
fn is_minor_part(kind: &str) -> bool {
    matches!(
        kind,
        "column" | "default" | "view definition" | "enum value"
    )
}

/// Kinds that only mark their owner altered, never listed themselves.
fn is_unlisted(kind: &str) -> bool {
    matches!(kind, "default" | "view definition")
}

/// Objects with their own identity whose appearance does not alter the relation they are on.
fn is_separate_object(kind: &str) -> bool {
    matches!(kind, "index" | "partitioned index")
}

/// Compares the versions a statement replaced (`old`) with the versions it wrote (`new`).
pub fn diff(old: &[CatalogRow], new: &[CatalogRow]) -> Changes {
    let present = |rows: &[CatalogRow]| -> BTreeMap<String, CatalogRow> {
        rows.iter()
            .filter(|r| !r.gone)
            .map(|r| (r.key.clone(), r.clone()))
            .collect()
    };
    let (old, new) = (present(old), present(new));
    let appeared: BTreeSet<&String> = new.keys().filter(|k| !old.contains_key(*k)).collect();
    let vanished: BTreeSet<&String> = old.keys().filter(|k| !new.contains_key(*k)).collect();
    let came_or_went = |owner: &Option<String>| {
        owner
            .as_ref()
            .is_some_and(|o| appeared.contains(o) || vanished.contains(o))
    };
    let reportable = |row: &CatalogRow| {
        let hidden_with_owner = is_minor_part(&row.kind) && came_or_went(&row.owner);
        !(is_unlisted(&row.kind) || hidden_with_owner)
    };
    let listed = |keys: &BTreeSet<&String>, rows: &BTreeMap<String, CatalogRow>| {
        keys.iter()
            .map(|k| &rows[*k])
            .filter(|row| reportable(row))
            .map(|row| format!("{} {}", row.kind, row.name))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };

    let mut altered = BTreeSet::new();
    let mut rewritten = BTreeSet::new();
    for (key, before) in &old {
        let Some(after) = new.get(key) else { continue };
        if before.filenode != after.filenode && before.filenode.is_some() {
            rewritten.insert(after.name.clone());
        }
        if before.definition != after.definition || before.name != after.name {
            match &after.owner {
                Some(_) if !is_separate_object(&after.kind) => {
                    altered.insert(after.owner_name.clone().unwrap_or_default());
                }
                _ => {
                    altered.insert(after.name.clone());
                }
            }
        }
    }
    for row in appeared
        .iter()
        .map(|k| &new[*k])
        .chain(vanished.iter().map(|k| &old[*k]))
    {
        if row.owner.is_some() && !is_separate_object(&row.kind) && !came_or_went(&row.owner) {
            altered.extend(row.owner_name.clone());
        }
    }

    Changes {
        created: listed(&appeared, &new),
        dropped: listed(&vanished, &old),
        altered: altered.into_iter().collect(),
        rewritten: rewritten.into_iter().collect(),
        new_relations: appeared
            .iter()
            .filter_map(|k| k.strip_prefix("class:")?.parse().ok())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, kind: &str, name: &str) -> CatalogRow {
        CatalogRow {
            key: key.into(),
            kind: kind.into(),
            name: name.into(),
            owner: None,
            owner_name: None,
            filenode: None,
            definition: String::new(),
            gone: false,
        }
    }

    fn table(oid: u32, name: &str, filenode: i64) -> CatalogRow {
        CatalogRow {
            filenode: Some(filenode),
            ..row(&format!("class:{oid}"), "table", name)
        }
    }

    fn part(key: &str, kind: &str, name: &str, owner: &CatalogRow) -> CatalogRow {
        CatalogRow {
            owner: Some(owner.key.clone()),
            owner_name: Some(owner.name.clone()),
            ..row(key, kind, name)
        }
    }

    #[test]
    fn a_new_table_is_created_without_listing_its_columns() {
        let t = table(1, "public.t", 10);
        let new = [
            t.clone(),
            part("attribute:1:1", "column", "public.t.id", &t),
            part("constraint:2", "constraint", "t_pkey on public.t", &t),
            part("class:3", "index", "public.t_pkey", &t),
        ];
        let changes = diff(&[], &new);
        assert_eq!(
            changes.created,
            [
                "constraint t_pkey on public.t",
                "index public.t_pkey",
                "table public.t"
            ]
        );
        assert!(changes.altered.is_empty() && changes.dropped.is_empty());
        assert_eq!(changes.new_relations, [1, 3]);
    }

    #[test]
    fn an_added_column_alters_its_table() {
        let before = table(1, "public.t", 10);
        let after = CatalogRow {
            definition: "natts=2".into(),
            ..before.clone()
        };
        let column = part("attribute:1:2", "column", "public.t.note", &after);
        let changes = diff(&[before], &[after, column]);
        assert_eq!(changes.created, ["column public.t.note"]);
        assert_eq!(changes.altered, ["public.t"]);
        assert!(changes.rewritten.is_empty());
    }

    #[test]
    fn a_dropped_column_is_reported_under_its_old_name() {
        let t = table(1, "public.t", 10);
        let old = part("attribute:1:2", "column", "public.t.note", &t);
        let new = CatalogRow {
            name: "public.t.\"........pg.dropped.2........\"".into(),
            gone: true,
            ..old.clone()
        };
        let changes = diff(&[old], &[new]);
        assert_eq!(changes.dropped, ["column public.t.note"]);
        assert_eq!(changes.altered, ["public.t"]);
    }

    #[test]
    fn new_storage_is_a_rewrite_not_an_alteration() {
        let before = table(1, "public.t", 10);
        let after = table(1, "public.t", 11);
        let changes = diff(&[before], &[after]);
        assert_eq!(changes.rewritten, ["public.t"]);
        assert!(changes.altered.is_empty());
    }

    #[test]
    fn a_dropped_table_takes_its_columns_along_silently() {
        let t = table(1, "public.t", 10);
        let old = [
            t.clone(),
            part("attribute:1:1", "column", "public.t.id", &t),
        ];
        let changes = diff(&old, &[]);
        assert_eq!(changes.dropped, ["table public.t"]);
        assert!(changes.altered.is_empty());
    }

    #[test]
    fn a_new_index_does_not_alter_its_table_but_a_default_does() {
        let t = table(1, "public.t", 10);
        let index = part("class:5", "index", "public.t_a_idx", &t);
        let default = part("attrdef:1:1", "default", "public.t.a", &t);
        let changes = diff(&[], &[index, default]);
        assert_eq!(changes.created, ["index public.t_a_idx"]);
        assert_eq!(changes.altered, ["public.t"]);
    }
}
