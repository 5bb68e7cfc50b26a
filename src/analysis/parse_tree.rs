//! A statement's raw parse tree, as the server's grammar produced it, read into the pure
//! [`Operation`] model that the risk analysis works on.
//!
//! Locks of `ALTER TABLE` subcommands are the server's own answer (`AlterTableGetLockLevel`,
//! the function `ALTER TABLE` itself calls); types and default expressions are resolved by
//! [`super::expressions`].

use confiture_core::risk::statement::*;
use confiture_core::LockMode;
use pgrx::pg_sys::{self, AlterTableType as At, NodeTag as T, ObjectType as Ob};

use super::expressions;
use super::nodes::*;

/// The operation of `node`, the `stmt` of a `RawStmt`.
///
/// # Safety
/// `node` must be a statement node of a tree `raw_parser` returned, still allocated.
pub unsafe fn operation(node: *mut pg_sys::Node) -> Operation {
    unsafe {
        let tag = (*node).type_;
        match tag {
            T::T_AlterTableStmt => Operation::AlterTable(alter_table(node.cast())),
            T::T_CreateStmt | T::T_CreateForeignTableStmt => {
                Operation::CreateTable(create_table(node.cast()))
            }
            T::T_CreateTableAsStmt => create_table_as(node.cast()),
            T::T_IndexStmt => Operation::CreateIndex(create_index(node.cast())),
            T::T_DropStmt => Operation::Drop(drop(node.cast())),
            T::T_RenameStmt => Operation::Rename(rename(node.cast())),
            T::T_AlterObjectSchemaStmt => {
                let stmt = &*node.cast::<pg_sys::AlterObjectSchemaStmt>();
                Operation::SetSchema {
                    object: object_kind(stmt.objectType),
                    relation: (!stmt.relation.is_null()).then(|| range_var(stmt.relation)),
                }
            }
            T::T_TruncateStmt => {
                let stmt = &*node.cast::<pg_sys::TruncateStmt>();
                Operation::Truncate {
                    tables: range_vars(stmt.relations),
                    cascade: stmt.behavior == pg_sys::DropBehavior::DROP_CASCADE,
                    restart_identity: stmt.restart_seqs,
                }
            }
            T::T_ReindexStmt => reindex(node.cast()),
            T::T_RefreshMatViewStmt => {
                let stmt = &*node.cast::<pg_sys::RefreshMatViewStmt>();
                Operation::RefreshMaterializedView {
                    view: range_var(stmt.relation),
                    concurrently: stmt.concurrent,
                    with_data: !stmt.skipData,
                }
            }
            T::T_ClusterStmt => {
                let stmt = &*node.cast::<pg_sys::ClusterStmt>();
                Operation::Cluster {
                    table: (!stmt.relation.is_null()).then(|| range_var(stmt.relation)),
                }
            }
            T::T_VacuumStmt => vacuum(node.cast()),
            T::T_LockStmt => {
                let stmt = &*node.cast::<pg_sys::LockStmt>();
                Operation::LockTable {
                    tables: range_vars(stmt.relations),
                    only: list::<pg_sys::RangeVar>(stmt.relations).any(|rv| !(*rv).inh),
                    mode: LockMode::from_number(stmt.mode).unwrap_or(LockMode::AccessExclusive),
                }
            }
            T::T_CreateTrigStmt => Operation::CreateTrigger {
                table: range_var((*node.cast::<pg_sys::CreateTrigStmt>()).relation),
            },
            T::T_CreatePolicyStmt => Operation::Policy {
                table: range_var((*node.cast::<pg_sys::CreatePolicyStmt>()).table),
            },
            T::T_AlterPolicyStmt => Operation::Policy {
                table: range_var((*node.cast::<pg_sys::AlterPolicyStmt>()).table),
            },
            T::T_RuleStmt => Operation::CreateRule {
                table: range_var((*node.cast::<pg_sys::RuleStmt>()).relation),
            },
            T::T_CommentStmt => comment(node.cast()),
            T::T_AlterSeqStmt => alter_sequence(node.cast()),
            T::T_CreateSeqStmt => Operation::CreateSequence {
                sequence: range_var((*node.cast::<pg_sys::CreateSeqStmt>()).sequence),
            },
            T::T_AlterDomainStmt => alter_domain(node.cast()),
            T::T_AlterEnumStmt => {
                let stmt = &*node.cast::<pg_sys::AlterEnumStmt>();
                let adds = stmt.oldVal.is_null();
                Operation::AlterEnum {
                    type_name: list_name(stmt.typeName),
                    adds,
                    added_without_position: adds && stmt.newValNeighbor.is_null(),
                }
            }
            T::T_ViewStmt => {
                let stmt = &*node.cast::<pg_sys::ViewStmt>();
                Operation::CreateView {
                    view: range_var(stmt.view),
                    replace: stmt.replace,
                    materialized: false,
                    reads: relations_read(stmt.query),
                    with_data: false,
                }
            }
            T::T_CreateStatsStmt => {
                let stmt = &*node.cast::<pg_sys::CreateStatsStmt>();
                let table = list::<pg_sys::Node>(stmt.relations)
                    .find(|&n| is(n, T::T_RangeVar))
                    .map(|rv| range_var(rv.cast()))
                    .unwrap_or_default();
                Operation::CreateStatistics { table }
            }
            T::T_InsertStmt
            | T::T_UpdateStmt
            | T::T_DeleteStmt
            | T::T_MergeStmt
            | T::T_SelectStmt => Operation::Dml(dml(node)),
            T::T_VariableSetStmt => variable_set(node.cast()),
            T::T_TransactionStmt => transaction(node.cast()),
            T::T_DoStmt => Operation::DynamicCode { kind: "DO".into() },
            T::T_CallStmt => Operation::DynamicCode {
                kind: "CALL".into(),
            },
            T::T_CreateExtensionStmt | T::T_AlterExtensionStmt => Operation::DynamicCode {
                kind: "extension script".into(),
            },
            T::T_ExecuteStmt => Operation::DynamicCode {
                kind: "EXECUTE".into(),
            },
            T::T_CompositeTypeStmt => Operation::Other {
                creates: Some(range_var(
                    (*node.cast::<pg_sys::CompositeTypeStmt>()).typevar,
                )),
            },
            T::T_CreateEnumStmt => Operation::Other {
                creates: Some(list_name((*node.cast::<pg_sys::CreateEnumStmt>()).typeName)),
            },
            T::T_CreateRangeStmt => Operation::Other {
                creates: Some(list_name(
                    (*node.cast::<pg_sys::CreateRangeStmt>()).typeName,
                )),
            },
            T::T_CreateDomainStmt => Operation::Other {
                creates: Some(list_name(
                    (*node.cast::<pg_sys::CreateDomainStmt>()).domainname,
                )),
            },
            T::T_CreateFunctionStmt => Operation::Other {
                creates: Some(list_name(
                    (*node.cast::<pg_sys::CreateFunctionStmt>()).funcname,
                )),
            },
            T::T_CreateSchemaStmt => Operation::Other {
                creates: opt_text((*node.cast::<pg_sys::CreateSchemaStmt>()).schemaname)
                    .map(|s| Name::new(None, &s)),
            },
            T::T_DefineStmt => Operation::Other {
                creates: Some(list_name((*node.cast::<pg_sys::DefineStmt>()).defnames)),
            },
            // Statements that take no lock on existing relations.
            T::T_AlterFunctionStmt
            | T::T_GrantStmt
            | T::T_GrantRoleStmt
            | T::T_AlterDefaultPrivilegesStmt
            | T::T_CreateRoleStmt
            | T::T_AlterRoleStmt
            | T::T_AlterRoleSetStmt
            | T::T_DropRoleStmt
            | T::T_VariableShowStmt
            | T::T_NotifyStmt
            | T::T_ListenStmt
            | T::T_UnlistenStmt
            | T::T_CreateCastStmt
            | T::T_CreateOpClassStmt
            | T::T_CreateOpFamilyStmt
            | T::T_CreateConversionStmt
            | T::T_CreateTransformStmt
            | T::T_CreatePLangStmt
            | T::T_CheckPointStmt
            | T::T_DiscardStmt
            | T::T_PrepareStmt
            | T::T_DeallocateStmt
            | T::T_AlterOwnerStmt
            | T::T_CreateEventTrigStmt
            | T::T_AlterEventTrigStmt
            | T::T_CreatedbStmt
            | T::T_AlterDatabaseStmt
            | T::T_AlterDatabaseSetStmt
            | T::T_DropdbStmt
            | T::T_CreateTableSpaceStmt
            | T::T_DropTableSpaceStmt
            | T::T_AlterSystemStmt
            | T::T_CreatePublicationStmt
            | T::T_AlterPublicationStmt
            | T::T_CreateSubscriptionStmt
            | T::T_AlterSubscriptionStmt
            | T::T_DropSubscriptionStmt
            | T::T_SecLabelStmt
            | T::T_AlterTSDictionaryStmt
            | T::T_AlterTSConfigurationStmt
            | T::T_AlterCollationStmt
            | T::T_AlterOperatorStmt
            | T::T_AlterTypeStmt
            | T::T_CreateFdwStmt
            | T::T_AlterFdwStmt
            | T::T_CreateForeignServerStmt
            | T::T_AlterForeignServerStmt
            | T::T_CreateUserMappingStmt
            | T::T_AlterUserMappingStmt
            | T::T_DropUserMappingStmt
            | T::T_DropOwnedStmt
            | T::T_ReassignOwnedStmt
            | T::T_ClosePortalStmt
            | T::T_DeclareCursorStmt
            | T::T_FetchStmt
            | T::T_LoadStmt
            | T::T_ConstraintsSetStmt
            | T::T_CreateAmStmt => Operation::Other { creates: None },
            _ => Operation::Unrecognized,
        }
    }
}

unsafe fn alter_table(stmt: *mut pg_sys::AlterTableStmt) -> AlterTable {
    unsafe {
        let stmt = &*stmt;
        let commands = list::<pg_sys::AlterTableCmd>(stmt.cmds)
            .map(|cmd| AlterCommand {
                lock: lock_level(cmd),
                action: alter_action(cmd),
            })
            .collect();
        AlterTable {
            relation: range_var(stmt.relation),
            object: object_kind(stmt.objtype),
            missing_ok: stmt.missing_ok,
            only: !(*stmt.relation).inh,
            commands,
        }
    }
}

/// The lock ALTER TABLE takes for `cmd` alone: the server's `AlterTableGetLockLevel`.
unsafe fn lock_level(cmd: *mut pg_sys::AlterTableCmd) -> LockMode {
    unsafe {
        let single = pg_sys::lappend(std::ptr::null_mut(), cmd.cast());
        let level = pg_sys::AlterTableGetLockLevel(single);
        pg_sys::list_free(single);
        LockMode::from_number(level).unwrap_or(LockMode::AccessExclusive)
    }
}

unsafe fn alter_action(cmd: *mut pg_sys::AlterTableCmd) -> AlterAction {
    unsafe {
        let cmd = &*cmd;
        let name = text(cmd.name);
        let cascade = cmd.behavior == pg_sys::DropBehavior::DROP_CASCADE;
        let other = |label: &str| AlterAction::Other {
            label: label.to_string(),
        };
        match cmd.subtype {
            At::AT_AddColumn | At::AT_AddColumnToView => {
                AlterAction::AddColumn(column_def(cmd.def.cast()))
            }
            At::AT_DropColumn => AlterAction::DropColumn {
                column: name,
                cascade,
            },
            At::AT_AlterColumnType => {
                let def = &*cmd.def.cast::<pg_sys::ColumnDef>();
                AlterAction::AlterColumnType {
                    using: !def.raw_default.is_null() && !is_column(def.raw_default, &name),
                    new_type: expressions::type_ref(def.typeName),
                    column: name,
                }
            }
            At::AT_SetNotNull => AlterAction::SetNotNull { column: name },
            At::AT_DropNotNull => AlterAction::DropNotNull { column: name },
            At::AT_ColumnDefault if cmd.def.is_null() => AlterAction::DropDefault { column: name },
            At::AT_ColumnDefault => AlterAction::SetDefault { column: name },
            At::AT_AddConstraint => AlterAction::AddConstraint(constraint(cmd.def.cast())),
            At::AT_ValidateConstraint => AlterAction::ValidateConstraint { name },
            At::AT_DropConstraint => AlterAction::DropConstraint { name, cascade },
            At::AT_AttachPartition => AlterAction::AttachPartition {
                partition: range_var((*cmd.def.cast::<pg_sys::PartitionCmd>()).name),
            },
            At::AT_DetachPartition => {
                let partition = &*cmd.def.cast::<pg_sys::PartitionCmd>();
                AlterAction::DetachPartition {
                    partition: range_var(partition.name),
                    concurrently: partition.concurrent,
                }
            }
            At::AT_SetLogged => AlterAction::SetPersistence { logged: true },
            At::AT_SetUnLogged => AlterAction::SetPersistence { logged: false },
            At::AT_SetTableSpace => AlterAction::SetTablespace,
            At::AT_SetAccessMethod => AlterAction::SetAccessMethod,
            At::AT_AddIdentity => AlterAction::Identity {
                column: name,
                restart: false,
                adds: true,
            },
            At::AT_SetIdentity => AlterAction::Identity {
                restart: option_names(cmd.def.cast()).iter().any(|o| o == "restart"),
                column: name,
                adds: false,
            },
            At::AT_DropIdentity => AlterAction::Identity {
                column: name,
                restart: false,
                adds: false,
            },
            At::AT_AddInherit => AlterAction::Inherit {
                parent: range_var(cmd.def.cast()),
            },
            At::AT_DropInherit => AlterAction::NoInherit {
                parent: range_var(cmd.def.cast()),
            },
            At::AT_ChangeOwner => other("OWNER TO"),
            At::AT_SetStatistics => other("SET STATISTICS"),
            At::AT_SetStorage => other("SET STORAGE"),
            At::AT_SetCompression => other("SET COMPRESSION"),
            At::AT_SetOptions => other("SET OPTIONS"),
            At::AT_ResetOptions => other("RESET OPTIONS"),
            At::AT_SetRelOptions => other("SET (storage parameters)"),
            At::AT_ResetRelOptions => other("RESET (storage parameters)"),
            At::AT_ClusterOn => other("CLUSTER ON"),
            At::AT_DropCluster => other("SET WITHOUT CLUSTER"),
            At::AT_EnableTrig
            | At::AT_EnableAlwaysTrig
            | At::AT_EnableReplicaTrig
            | At::AT_EnableTrigAll
            | At::AT_EnableTrigUser => other("ENABLE TRIGGER"),
            At::AT_DisableTrig | At::AT_DisableTrigAll | At::AT_DisableTrigUser => {
                other("DISABLE TRIGGER")
            }
            At::AT_EnableRule
            | At::AT_EnableAlwaysRule
            | At::AT_EnableReplicaRule
            | At::AT_DisableRule => other("ENABLE/DISABLE RULE"),
            At::AT_EnableRowSecurity => other("ENABLE ROW LEVEL SECURITY"),
            At::AT_DisableRowSecurity => other("DISABLE ROW LEVEL SECURITY"),
            At::AT_ForceRowSecurity | At::AT_NoForceRowSecurity => {
                other("FORCE ROW LEVEL SECURITY")
            }
            At::AT_ReplicaIdentity => other("REPLICA IDENTITY"),
            At::AT_DropExpression => other("DROP EXPRESSION"),
            At::AT_AlterConstraint => other("ALTER CONSTRAINT"),
            At::AT_AddOf => other("OF"),
            At::AT_DropOf => other("NOT OF"),
            At::AT_GenericOptions | At::AT_AlterColumnGenericOptions => other("OPTIONS"),
            At::AT_DetachPartitionFinalize => other("DETACH PARTITION FINALIZE"),
            _ => other("ALTER"),
        }
    }
}

/// Whether `expr` is a reference to column `name` alone (`USING col`).
unsafe fn is_column(expr: *mut pg_sys::Node, name: &str) -> bool {
    unsafe {
        is(expr, T::T_ColumnRef)
            && strings((*expr.cast::<pg_sys::ColumnRef>()).fields)
                .last()
                .map(String::as_str)
                == Some(name)
    }
}

unsafe fn column_def(def: *mut pg_sys::ColumnDef) -> ColumnDef {
    unsafe {
        let def = &*def;
        let type_ref = expressions::type_ref(def.typeName);
        let mut column = ColumnDef {
            name: text(def.colname),
            not_null: def.is_not_null,
            ..ColumnDef::default()
        };
        if !def.raw_default.is_null() {
            column.default = Some(expressions::volatility(def.raw_default));
        }
        for c in list::<pg_sys::Constraint>(def.constraints) {
            match (*c).contype {
                pg_sys::ConstrType::CONSTR_NOTNULL => column.not_null = true,
                pg_sys::ConstrType::CONSTR_DEFAULT => {
                    column.default_sequences = tree_facts((*c).raw_expr).sequences;
                    column.default = Some(expressions::volatility((*c).raw_expr));
                }
                pg_sys::ConstrType::CONSTR_IDENTITY => column.identity = true,
                pg_sys::ConstrType::CONSTR_GENERATED => column.generated_stored = true,
                pg_sys::ConstrType::CONSTR_NULL | pg_sys::ConstrType::CONSTR_ATTR_DEFERRABLE => {}
                _ => {
                    let mut inline = constraint(c);
                    if inline.columns.is_empty() {
                        inline.columns.push(column.name.clone());
                    }
                    if inline.kind == Some(ConstraintKind::PrimaryKey) {
                        column.not_null = true;
                    }
                    column.constraints.push(inline);
                }
            }
        }
        column.type_ref = type_ref;
        column
    }
}

unsafe fn constraint(c: *mut pg_sys::Constraint) -> Constraint {
    unsafe {
        let c = &*c;
        let kind = match c.contype {
            pg_sys::ConstrType::CONSTR_CHECK => Some(ConstraintKind::Check),
            pg_sys::ConstrType::CONSTR_NOTNULL => Some(ConstraintKind::NotNull),
            pg_sys::ConstrType::CONSTR_UNIQUE => Some(ConstraintKind::Unique),
            pg_sys::ConstrType::CONSTR_PRIMARY => Some(ConstraintKind::PrimaryKey),
            pg_sys::ConstrType::CONSTR_EXCLUSION => Some(ConstraintKind::Exclusion),
            pg_sys::ConstrType::CONSTR_FOREIGN => Some(ConstraintKind::ForeignKey),
            _ => None,
        };
        let columns = if kind == Some(ConstraintKind::ForeignKey) {
            strings(c.fk_attrs)
        } else {
            strings(c.keys)
        };
        Constraint {
            kind,
            name: opt_text(c.conname),
            not_valid: c.skip_validation,
            using_index: opt_text(c.indexname),
            columns,
            references: (!c.pktable.is_null()).then(|| range_var(c.pktable)),
            referenced_columns: strings(c.pk_attrs),
            proves_not_null: proves_not_null(c.raw_expr),
        }
    }
}

/// The column of a `column IS NOT NULL` expression.
unsafe fn proves_not_null(expr: *mut pg_sys::Node) -> Option<String> {
    unsafe {
        if !is(expr, T::T_NullTest) {
            return None;
        }
        let test = &*expr.cast::<pg_sys::NullTest>();
        if test.nulltesttype != pg_sys::NullTestType::IS_NOT_NULL
            || !is(test.arg.cast(), T::T_ColumnRef)
        {
            return None;
        }
        let fields = strings((*test.arg.cast::<pg_sys::ColumnRef>()).fields);
        (fields.len() == 1).then(|| fields[0].clone())
    }
}

unsafe fn create_table(stmt: *mut pg_sys::CreateStmt) -> CreateTable {
    unsafe {
        let stmt = &*stmt;
        let mut create = CreateTable {
            relation: range_var(stmt.relation),
            temporary: (*stmt.relation).relpersistence == pg_sys::RELPERSISTENCE_TEMP as i8,
            ..CreateTable::default()
        };
        let parents = range_vars(stmt.inhRelations);
        if stmt.partbound.is_null() {
            create.inherits = parents;
        } else {
            create.partition_of = parents.into_iter().next();
        }
        for element in list::<pg_sys::Node>(stmt.tableElts) {
            match (*element).type_ {
                T::T_ColumnDef => create.columns.push(column_def(element.cast())),
                T::T_Constraint => create.constraints.push(constraint(element.cast())),
                T::T_TableLikeClause => {
                    let like = &*element.cast::<pg_sys::TableLikeClause>();
                    let copies = pg_sys::TableLikeOption::CREATE_TABLE_LIKE_DEFAULTS
                        | pg_sys::TableLikeOption::CREATE_TABLE_LIKE_IDENTITY;
                    create.like_copies_defaults |= like.options & copies != 0;
                    create.like.push(range_var(like.relation));
                }
                _ => {}
            }
        }
        create
    }
}

unsafe fn create_table_as(stmt: *mut pg_sys::CreateTableAsStmt) -> Operation {
    unsafe {
        let stmt = &*stmt;
        let into = &*stmt.into;
        let relation = range_var(into.rel);
        let reads = relations_read(stmt.query);
        if stmt.objtype == Ob::OBJECT_MATVIEW {
            Operation::CreateView {
                view: relation,
                replace: false,
                materialized: true,
                reads,
                with_data: !into.skipData,
            }
        } else {
            Operation::CreateTable(CreateTable {
                relation,
                reads,
                temporary: (*into.rel).relpersistence == pg_sys::RELPERSISTENCE_TEMP as i8,
                ..CreateTable::default()
            })
        }
    }
}

unsafe fn create_index(stmt: *mut pg_sys::IndexStmt) -> CreateIndex {
    unsafe {
        let stmt = &*stmt;
        CreateIndex {
            relation: range_var(stmt.relation),
            name: opt_text(stmt.idxname),
            concurrently: stmt.concurrent,
            unique: stmt.unique,
            if_not_exists: stmt.if_not_exists,
            columns: list::<pg_sys::IndexElem>(stmt.indexParams)
                .filter_map(|e| opt_text((*e).name))
                .collect(),
        }
    }
}

unsafe fn drop(stmt: *mut pg_sys::DropStmt) -> Drop {
    unsafe {
        let stmt = &*stmt;
        let object = object_kind(stmt.removeType);
        let names = list::<pg_sys::Node>(stmt.objects)
            .map(|o| match (*o).type_ {
                T::T_List => {
                    let parts = strings(o.cast());
                    match object {
                        // [schema,] table, name: the table they belong to.
                        ObjectKind::Trigger | ObjectKind::Policy | ObjectKind::Rule => {
                            qualified(&parts[..parts.len().saturating_sub(1)])
                        }
                        _ => qualified(&parts),
                    }
                }
                T::T_String => Name::new(None, &text((*o.cast::<pg_sys::String>()).sval)),
                T::T_TypeName => list_name((*o.cast::<pg_sys::TypeName>()).names),
                T::T_ObjectWithArgs => list_name((*o.cast::<pg_sys::ObjectWithArgs>()).objname),
                _ => Name::default(),
            })
            .collect();
        Drop {
            object,
            names,
            concurrently: stmt.concurrent,
            cascade: stmt.behavior == pg_sys::DropBehavior::DROP_CASCADE,
            missing_ok: stmt.missing_ok,
        }
    }
}

unsafe fn rename(stmt: *mut pg_sys::RenameStmt) -> Rename {
    unsafe {
        let stmt = &*stmt;
        let object = object_kind(stmt.renameType);
        let relation_kind = match object {
            ObjectKind::Column
            | ObjectKind::Constraint
            | ObjectKind::Trigger
            | ObjectKind::Policy
            | ObjectKind::Rule => object_kind(stmt.relationType),
            kind => kind,
        };
        Rename {
            object,
            relation: (!stmt.relation.is_null()).then(|| range_var(stmt.relation)),
            relation_kind,
            old_name: opt_text(stmt.subname),
            new_name: text(stmt.newname),
        }
    }
}

unsafe fn reindex(stmt: *mut pg_sys::ReindexStmt) -> Operation {
    unsafe {
        let stmt = &*stmt;
        let target = match stmt.kind {
            pg_sys::ReindexObjectType::REINDEX_OBJECT_INDEX => ReindexTarget::Index,
            pg_sys::ReindexObjectType::REINDEX_OBJECT_TABLE => ReindexTarget::Table,
            pg_sys::ReindexObjectType::REINDEX_OBJECT_SCHEMA => ReindexTarget::Schema,
            pg_sys::ReindexObjectType::REINDEX_OBJECT_SYSTEM => ReindexTarget::System,
            _ => ReindexTarget::Database,
        };
        let name = if stmt.relation.is_null() {
            Name::new(None, &text(stmt.name))
        } else {
            range_var(stmt.relation)
        };
        let concurrently = list::<pg_sys::DefElem>(stmt.params).any(|option| {
            text((*option).defname) == "concurrently" && pg_sys::defGetBoolean(option)
        });
        Operation::Reindex {
            target,
            name,
            concurrently,
        }
    }
}

unsafe fn vacuum(stmt: *mut pg_sys::VacuumStmt) -> Operation {
    unsafe {
        let stmt = &*stmt;
        let full = list::<pg_sys::DefElem>(stmt.options)
            .any(|option| text((*option).defname) == "full" && pg_sys::defGetBoolean(option));
        Operation::Vacuum {
            full,
            analyze_only: !stmt.is_vacuumcmd,
            tables: list::<pg_sys::VacuumRelation>(stmt.rels)
                .filter(|&r| !(*r).relation.is_null())
                .map(|r| range_var((*r).relation))
                .collect(),
        }
    }
}

unsafe fn comment(stmt: *mut pg_sys::CommentStmt) -> Operation {
    unsafe {
        let stmt = &*stmt;
        let object = object_kind(stmt.objtype);
        let relation = match object {
            ObjectKind::Table
            | ObjectKind::Index
            | ObjectKind::View
            | ObjectKind::MaterializedView
            | ObjectKind::Sequence
            | ObjectKind::ForeignTable => Some(list_name(stmt.object.cast())),
            ObjectKind::Column | ObjectKind::Constraint => {
                let parts = strings(stmt.object.cast());
                Some(qualified(&parts[..parts.len().saturating_sub(1)]))
            }
            _ => None,
        };
        Operation::Comment { object, relation }
    }
}

unsafe fn alter_sequence(stmt: *mut pg_sys::AlterSeqStmt) -> Operation {
    unsafe {
        let stmt = &*stmt;
        let mut owned_by = None;
        let mut rewrites = false;
        for option in list::<pg_sys::DefElem>(stmt.options) {
            match text((*option).defname).as_str() {
                "owned_by" => {
                    let parts = strings((*option).arg.cast());
                    if parts.len() > 1 {
                        owned_by = Some(qualified(&parts[..parts.len() - 1]));
                    }
                }
                // Every other option makes AlterSequence write the sequence tuple into new
                // storage (observed for START WITH too); OWNED BY only changes the catalog.
                _ => rewrites = true,
            }
        }
        Operation::AlterSequence {
            sequence: range_var(stmt.sequence),
            rewrites,
            owned_by,
        }
    }
}

unsafe fn alter_domain(stmt: *mut pg_sys::AlterDomainStmt) -> Operation {
    unsafe {
        let stmt = &*stmt;
        let action = match stmt.subtype as u8 {
            b'C' => DomainAction::AddConstraint {
                not_valid: is(stmt.def, T::T_Constraint)
                    && (*stmt.def.cast::<pg_sys::Constraint>()).skip_validation,
            },
            b'V' => DomainAction::ValidateConstraint,
            b'O' => DomainAction::SetNotNull,
            b'N' => DomainAction::DropNotNull,
            b'X' => DomainAction::DropConstraint,
            _ => DomainAction::Default,
        };
        Operation::AlterDomain {
            domain: list_name(stmt.typeName),
            action,
        }
    }
}

unsafe fn variable_set(stmt: *mut pg_sys::VariableSetStmt) -> Operation {
    unsafe {
        let stmt = &*stmt;
        let value = match stmt.kind {
            pg_sys::VariableSetKind::VAR_SET_VALUE => list::<pg_sys::Node>(stmt.args)
                .next()
                .and_then(|arg| constant(arg)),
            _ => None,
        };
        Operation::SetVariable {
            name: text(stmt.name).to_lowercase(),
            value,
            local: stmt.is_local,
        }
    }
}

unsafe fn transaction(stmt: *mut pg_sys::TransactionStmt) -> Operation {
    use pg_sys::TransactionStmtKind as K;
    let kind = match unsafe { (*stmt).kind } {
        K::TRANS_STMT_BEGIN | K::TRANS_STMT_START => TransactionKind::Begin,
        K::TRANS_STMT_COMMIT => TransactionKind::Commit,
        K::TRANS_STMT_ROLLBACK => TransactionKind::Rollback,
        K::TRANS_STMT_SAVEPOINT => TransactionKind::Savepoint,
        K::TRANS_STMT_RELEASE => TransactionKind::Release,
        K::TRANS_STMT_ROLLBACK_TO => TransactionKind::RollbackTo,
        K::TRANS_STMT_PREPARE => TransactionKind::Prepare,
        K::TRANS_STMT_COMMIT_PREPARED => TransactionKind::CommitPrepared,
        _ => TransactionKind::RollbackPrepared,
    };
    Operation::Transaction(kind)
}

/// Every relation a query names (FROM items, subqueries, CTE bodies), without the names of
/// its CTEs.
unsafe fn relations_read(query: *mut pg_sys::Node) -> Vec<Name> {
    unsafe { tree_facts(query).reads }
}

#[derive(Default)]
struct TreeFacts {
    reads: Vec<Name>,
    ctes: Vec<String>,
    sequences: Vec<Name>,
}

unsafe fn tree_facts(node: *mut pg_sys::Node) -> TreeFacts {
    let mut facts = TreeFacts::default();
    unsafe {
        walk(node, &mut |n| match (*n).type_ {
            T::T_RangeVar => {
                let name = range_var(n.cast());
                if !facts.reads.contains(&name) {
                    facts.reads.push(name);
                }
            }
            T::T_CommonTableExpr => facts
                .ctes
                .push(text((*n.cast::<pg_sys::CommonTableExpr>()).ctename)),
            T::T_FuncCall => {
                let call = &*n.cast::<pg_sys::FuncCall>();
                let function = strings(call.funcname);
                if matches!(
                    function.last().map(String::as_str),
                    Some("nextval" | "setval")
                ) {
                    let sequence = list::<pg_sys::Node>(call.args)
                        .next()
                        .and_then(|a| constant(a));
                    if let Some(sequence) = sequence {
                        let parts: Vec<String> = sequence.split('.').map(str::to_string).collect();
                        facts.sequences.push(qualified(&parts));
                    }
                }
            }
            _ => {}
        });
    }
    let ctes = facts.ctes.clone();
    facts
        .reads
        .retain(|n| !(n.schema.is_none() && ctes.contains(&n.name)));
    facts
}

unsafe fn dml(node: *mut pg_sys::Node) -> Dml {
    unsafe {
        let facts = tree_facts(node);
        let (kind, target, columns, filtered, with) = match (*node).type_ {
            T::T_InsertStmt => {
                let stmt = &*node.cast::<pg_sys::InsertStmt>();
                let columns = res_target_names(stmt.cols);
                (
                    DmlKind::Insert,
                    Some(stmt.relation),
                    columns,
                    true,
                    stmt.withClause,
                )
            }
            T::T_UpdateStmt => {
                let stmt = &*node.cast::<pg_sys::UpdateStmt>();
                (
                    DmlKind::Update,
                    Some(stmt.relation),
                    res_target_names(stmt.targetList),
                    !stmt.whereClause.is_null(),
                    stmt.withClause,
                )
            }
            T::T_DeleteStmt => {
                let stmt = &*node.cast::<pg_sys::DeleteStmt>();
                (
                    DmlKind::Delete,
                    Some(stmt.relation),
                    Vec::new(),
                    !stmt.whereClause.is_null(),
                    stmt.withClause,
                )
            }
            T::T_MergeStmt => {
                let stmt = &*node.cast::<pg_sys::MergeStmt>();
                let columns = list::<pg_sys::MergeWhenClause>(stmt.mergeWhenClauses)
                    .flat_map(|w| res_target_names((*w).targetList))
                    .collect();
                (
                    DmlKind::Merge,
                    Some(stmt.relation),
                    columns,
                    true,
                    stmt.withClause,
                )
            }
            _ => {
                let stmt = &*node.cast::<pg_sys::SelectStmt>();
                (DmlKind::Select, None, Vec::new(), true, stmt.withClause)
            }
        };
        let locks_rows = (*node).type_ == T::T_SelectStmt
            && !(*node.cast::<pg_sys::SelectStmt>()).lockingClause.is_null();
        let target = target.map(|rv| range_var(rv));
        let writes = if with.is_null() {
            Vec::new()
        } else {
            list::<pg_sys::CommonTableExpr>((*with).ctes)
                .map(|cte| (*cte).ctequery)
                .filter(|&q| {
                    is(q, T::T_InsertStmt) || is(q, T::T_UpdateStmt) || is(q, T::T_DeleteStmt)
                })
                .map(|q| dml(q))
                .collect()
        };
        let reads = facts
            .reads
            .into_iter()
            .filter(|n| Some(n) != target.as_ref())
            .collect();
        Dml {
            kind,
            target,
            columns,
            filtered,
            locks_rows,
            reads,
            sequences: facts.sequences,
            writes,
        }
    }
}

unsafe fn res_target_names(l: *mut pg_sys::List) -> Vec<String> {
    unsafe {
        list::<pg_sys::Node>(l)
            .filter(|&n| is(n, T::T_ResTarget))
            .filter_map(|n| opt_text((*n.cast::<pg_sys::ResTarget>()).name))
            .collect()
    }
}

fn object_kind(object: pg_sys::ObjectType::Type) -> ObjectKind {
    match object {
        Ob::OBJECT_TABLE => ObjectKind::Table,
        Ob::OBJECT_INDEX => ObjectKind::Index,
        Ob::OBJECT_VIEW => ObjectKind::View,
        Ob::OBJECT_MATVIEW => ObjectKind::MaterializedView,
        Ob::OBJECT_SEQUENCE => ObjectKind::Sequence,
        Ob::OBJECT_FOREIGN_TABLE => ObjectKind::ForeignTable,
        Ob::OBJECT_COLUMN => ObjectKind::Column,
        Ob::OBJECT_TABCONSTRAINT => ObjectKind::Constraint,
        Ob::OBJECT_SCHEMA => ObjectKind::Schema,
        Ob::OBJECT_TYPE => ObjectKind::Type,
        Ob::OBJECT_DOMAIN => ObjectKind::Domain,
        Ob::OBJECT_FUNCTION | Ob::OBJECT_PROCEDURE | Ob::OBJECT_ROUTINE | Ob::OBJECT_AGGREGATE => {
            ObjectKind::Function
        }
        Ob::OBJECT_TRIGGER => ObjectKind::Trigger,
        Ob::OBJECT_POLICY => ObjectKind::Policy,
        Ob::OBJECT_RULE => ObjectKind::Rule,
        _ => ObjectKind::Other,
    }
}
