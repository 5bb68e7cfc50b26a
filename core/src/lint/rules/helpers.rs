//! Small pieces several lint rules share: identifiers quoted as the server quotes them, hits on
//! constraints, column lists, the SQL that drops an index, and foreign keys the server derives
//! from another one (on partitions) that must not be reported twice.

use serde_json::Value;

use crate::lint::catalog::{Constraint, ConstraintKind, Index, LintCatalog, Table};
use crate::lint::rule::Hit;

/// `name` as `quote_ident` writes it: plain when lower-case letters, digits, `_` and `$` that
/// are not one of the server's non-unreserved keywords, else double-quoted.
pub fn quote_ident(catalog: &LintCatalog, name: &str) -> String {
    catalog.quote_ident(name)
}

/// A hit on `constraint` of `table`: named `schema.table.constraint`, silenced by the
/// constraint's comment.
pub fn on_constraint(
    catalog: &LintCatalog,
    table: &Table,
    constraint: &Constraint,
    message: impl Into<String>,
) -> Hit {
    Hit {
        object_type: "constraint",
        object_name: format!(
            "{}.{}",
            table.qualified,
            quote_ident(catalog, &constraint.name)
        ),
        comment: constraint.comment.clone(),
        ..Hit::on_table(table, message)
    }
}

/// The names of `table`'s columns `nums` (`expression` for 0, `#n` for an unknown number).
pub fn column_names(table: &Table, nums: &[i16]) -> Vec<String> {
    nums.iter()
        .map(|&n| match (n, table.column(n)) {
            (0, _) => "expression".to_string(),
            (_, Some(column)) => column.name.clone(),
            (_, None) => format!("#{n}"),
        })
        .collect()
}

/// `table`'s columns `nums` as an SQL list: `a, "B"`.
pub fn column_list(table: &Table, nums: &[i16]) -> String {
    nums.iter()
        .map(|&n| {
            table
                .column(n)
                .map_or_else(|| format!("#{n}"), |c| c.quoted.clone())
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The column names as a JSON array, for details.
pub fn names_json(table: &Table, nums: &[i16]) -> Value {
    Value::from(column_names(table, nums))
}

/// `DROP INDEX CONCURRENTLY` of `index` (plain `DROP INDEX` for the index of a partitioned
/// table, which cannot be dropped concurrently).
pub fn drop_index(index: &Index) -> String {
    if index.partitioned {
        format!("DROP INDEX {};", index.qualified)
    } else {
        format!("DROP INDEX CONCURRENTLY {};", index.qualified)
    }
}

/// The partitioned table's index that `index`, of a partition, is attached to: such an index
/// cannot be dropped on its own. The catalog does not record the attachment, so this is the
/// partitioned table's index on the same columns (by name), expressions, predicate, method and
/// uniqueness.
pub fn parent_index<'a>(
    catalog: &'a LintCatalog,
    table: &Table,
    index: &Index,
) -> Option<&'a Index> {
    let parent = catalog.table(table.partition_of?)?;
    let keys = column_names(table, &index.keys);
    let included = column_names(table, &index.included);
    catalog.indexes_of(parent.oid).find(|p| {
        p.partitioned
            && p.method == index.method
            && p.unique == index.unique
            && p.expressions == index.expressions
            && p.predicate == index.predicate
            && column_names(parent, &p.keys) == keys
            && column_names(parent, &p.included) == included
    })
}

/// A foreign key the server derived from another one: the copy a partition gets of its
/// partitioned table's foreign key, or the one a foreign key to a partitioned table gets for
/// each of its partitions. The original is the one reported.
pub fn derived_foreign_key(catalog: &LintCatalog, constraint: &Constraint) -> bool {
    let Some(table) = catalog.table(constraint.table) else {
        return false;
    };
    let Some(referenced) = constraint.referenced.and_then(|r| catalog.table(r)) else {
        return false;
    };
    if table.partition_of.is_none() && referenced.partition_of.is_none() {
        return false;
    }
    let names = column_names(table, &constraint.columns);
    let referenced_names = column_names(referenced, &constraint.referenced_columns);
    let same = |owner: &Table, fk: &Constraint, target: &Table| {
        fk.kind == ConstraintKind::ForeignKey
            && fk.oid != constraint.oid
            && fk.referenced == Some(target.oid)
            && column_names(owner, &fk.columns) == names
            && column_names(target, &fk.referenced_columns) == referenced_names
    };
    // Copied from the partitioned table's own foreign key (to the same table or to one of
    // the referenced table's ancestors).
    if let Some(parent) = table.partition_of.and_then(|p| catalog.table(p)) {
        let found = catalog
            .constraints_of(parent.oid)
            .any(|fk| ancestors(catalog, referenced).any(|target| same(parent, fk, target)));
        if found {
            return true;
        }
    }
    // Pointing at a partition of a table the same foreign key already references.
    if referenced.partition_of.is_some() {
        return catalog.constraints_of(table.oid).any(|fk| {
            ancestors(catalog, referenced)
                .skip(1)
                .any(|target| same(table, fk, target))
        });
    }
    false
}

/// `table`, its partitioned table, that table's own, and so on.
fn ancestors<'a>(catalog: &'a LintCatalog, table: &'a Table) -> impl Iterator<Item = &'a Table> {
    std::iter::successors(Some(table), move |t| {
        t.partition_of.and_then(|p| catalog.table(p))
    })
    .take(32)
}

/// The foreign keys of the catalog that are reported: not derived by the server from another.
pub fn foreign_keys(catalog: &LintCatalog) -> impl Iterator<Item = (&Table, &Constraint)> {
    catalog
        .constraints
        .iter()
        .filter(|c| c.kind == ConstraintKind::ForeignKey)
        .filter_map(|c| catalog.table(c.table).map(|t| (t, c)))
        .filter(|(_, c)| !derived_foreign_key(catalog, c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    #[test]
    fn identifiers_are_quoted_like_the_server() {
        let mut catalog = catalog(vec![], vec![], vec![]);
        catalog.keywords = vec!["user".into()];
        let catalog = catalog.indexed();
        assert_eq!(quote_ident(&catalog, "orders"), "orders");
        assert_eq!(quote_ident(&catalog, "user"), "\"user\"");
        assert_eq!(quote_ident(&catalog, "Order"), "\"Order\"");
        assert_eq!(quote_ident(&catalog, "a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident(&catalog, "1a"), "\"1a\"");
    }

    #[test]
    fn indexes_of_partitions_are_attached_to_their_parents_match() {
        let mut events = table(1, "events");
        events.kind = crate::lint::catalog::TableKind::PartitionedTable;
        events.columns = vec![column(1, "id", "bigint"), column(2, "at", "timestamptz")];
        let mut events_1 = table(2, "events_1");
        events_1.partition_of = Some(1);
        events_1.columns = vec![column(2, "id", "bigint"), column(3, "at", "timestamptz")];
        let mut parent = index(10, &events, "events_at", &[2]);
        parent.partitioned = true;
        let child = index(11, &events_1, "events_1_at", &[3]);
        let own = index(12, &events_1, "events_1_id", &[2]);
        let catalog = catalog(vec![events, events_1], vec![parent, child, own], vec![]);
        let of = |i: usize| parent_index(&catalog, &catalog.tables[1], &catalog.indexes[i]);
        assert_eq!(of(1).map(|p| p.oid), Some(10));
        assert_eq!(of(2), None);
    }

    #[test]
    fn copies_on_partitions_and_to_partitions_are_derived() {
        let mut customers = table(1, "customers");
        customers.columns = vec![column(1, "id", "bigint")];
        let mut customers_1 = table(2, "customers_1");
        customers_1.columns = customers.columns.clone();
        customers_1.partition_of = Some(1);
        let mut orders = table(3, "orders");
        orders.kind = crate::lint::catalog::TableKind::PartitionedTable;
        orders.columns = vec![
            column(1, "id", "bigint"),
            column(2, "customer_id", "bigint"),
        ];
        let mut orders_1 = table(4, "orders_1");
        orders_1.partition_of = Some(3);
        // A partition whose columns are numbered differently (attached after a drop).
        orders_1.columns = vec![
            column(2, "id", "bigint"),
            column(3, "customer_id", "bigint"),
        ];
        let original = foreign_key(10, &orders, &[2], &customers, &[1]);
        let to_partition = foreign_key(11, &orders, &[2], &customers_1, &[1]);
        let on_partition = foreign_key(12, &orders_1, &[3], &customers, &[1]);
        let own = foreign_key(13, &orders_1, &[2], &customers, &[1]);
        let catalog = catalog(
            vec![customers, customers_1, orders, orders_1],
            vec![],
            vec![original, to_partition, on_partition, own],
        );
        let reported: Vec<u32> = foreign_keys(&catalog).map(|(_, c)| c.oid).collect();
        assert_eq!(reported, vec![10, 13]);
    }
}
