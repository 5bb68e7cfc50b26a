//! Reading the server's raw parse nodes: strings, qualified names, lists.
//!
//! Every function takes pointers from a tree `raw_parser` returned and still allocated; they
//! are `unsafe` for that reason alone.

use std::ffi::{c_char, c_void, CStr};

use confiture_core::risk::statement::Name;
use pgrx::prelude::*;
use pgrx::PgList;

/// The text of a C string, empty for NULL.
pub unsafe fn text(p: *const c_char) -> String {
    if p.is_null() {
        String::new()
    } else {
        unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
    }
}

/// `Some(text)` for a non-NULL C string.
pub unsafe fn opt_text(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| unsafe { text(p) })
}

pub unsafe fn is(node: *mut pg_sys::Node, tag: pg_sys::NodeTag) -> bool {
    !node.is_null() && unsafe { (*node).type_ } == tag
}

/// The elements of a `List` of pointers, as `T`.
pub unsafe fn list<T>(list: *mut pg_sys::List) -> impl Iterator<Item = *mut T> {
    unsafe { PgList::<T>::from_pg(list) }
        .iter_ptr()
        .collect::<Vec<_>>()
        .into_iter()
}

/// The name of a `RangeVar`.
pub unsafe fn range_var(rv: *mut pg_sys::RangeVar) -> Name {
    unsafe {
        Name {
            schema: opt_text((*rv).schemaname),
            name: text((*rv).relname),
        }
    }
}

/// The names of a `List` of `RangeVar`s.
pub unsafe fn range_vars(l: *mut pg_sys::List) -> Vec<Name> {
    unsafe {
        list::<pg_sys::RangeVar>(l)
            .map(|rv| range_var(rv))
            .collect()
    }
}

/// The strings of a `List` of `String` nodes (a qualified name as the grammar keeps it).
pub unsafe fn strings(l: *mut pg_sys::List) -> Vec<String> {
    unsafe {
        list::<pg_sys::Node>(l)
            .filter(|&n| is(n, pg_sys::NodeTag::T_String))
            .map(|n| text((*n.cast::<pg_sys::String>()).sval))
            .collect()
    }
}

/// A qualified name from its parts (`[schema,] name`; a catalog prefix is dropped).
pub fn qualified(parts: &[String]) -> Name {
    match parts {
        [] => Name::default(),
        [name] => Name::new(None, name),
        [.., schema, name] => Name::new(Some(schema), name),
    }
}

/// A `List` of `String` nodes as a qualified name.
pub unsafe fn list_name(l: *mut pg_sys::List) -> Name {
    qualified(&unsafe { strings(l) })
}

/// The `defname`s of a `List` of `DefElem`s.
pub unsafe fn option_names(l: *mut pg_sys::List) -> Vec<String> {
    unsafe {
        list::<pg_sys::DefElem>(l)
            .map(|d| text((*d).defname))
            .collect()
    }
}

/// The value of an `A_Const` as SQL text would give it, if it is one.
pub unsafe fn constant(node: *mut pg_sys::Node) -> Option<String> {
    unsafe {
        if !is(node, pg_sys::NodeTag::T_A_Const) {
            return None;
        }
        let constant = &*node.cast::<pg_sys::A_Const>();
        if constant.isnull {
            return None;
        }
        let value = &constant.val;
        match value.node.type_ {
            pg_sys::NodeTag::T_Integer => Some(value.ival.ival.to_string()),
            pg_sys::NodeTag::T_Float => opt_text(value.fval.fval),
            pg_sys::NodeTag::T_String => opt_text(value.sval.sval),
            pg_sys::NodeTag::T_Boolean => Some(value.boolval.boolval.to_string()),
            _ => None,
        }
    }
}

unsafe extern "C-unwind" {
    /// nodeFuncs.c; not among pgrx's bindings. Calls `walker(child, context)` for each child
    /// of a raw (unanalysed) parse node.
    fn raw_expression_tree_walker(
        node: *mut pg_sys::Node,
        walker: unsafe extern "C-unwind" fn(*mut pg_sys::Node, *mut c_void) -> bool,
        context: *mut c_void,
    ) -> bool;
}

/// Calls `visit` on `node` and every node below it in a raw parse tree (queries, expressions,
/// FROM items, CTEs, sublinks).
pub unsafe fn walk(node: *mut pg_sys::Node, visit: &mut dyn FnMut(*mut pg_sys::Node)) {
    #[pg_guard]
    unsafe extern "C-unwind" fn step(node: *mut pg_sys::Node, context: *mut c_void) -> bool {
        if node.is_null() {
            return false;
        }
        // SAFETY: `context` is the `&mut dyn FnMut` of `walk`, alive for the whole walk.
        let visit = unsafe { &mut *context.cast::<&mut dyn FnMut(*mut pg_sys::Node)>() };
        visit(node);
        unsafe { descend(node, context) }
    }

    unsafe fn descend(node: *mut pg_sys::Node, context: *mut c_void) -> bool {
        // SAFETY: raw_expression_tree_walker reads a raw parse tree; an ERROR it raises is
        // turned into a Rust panic by the guard.
        unsafe {
            pg_sys::ffi::pg_guard_ffi_boundary(|| raw_expression_tree_walker(node, step, context))
        }
    }

    if node.is_null() {
        return;
    }
    let mut visit = visit;
    let context = (&mut visit as *mut &mut dyn FnMut(*mut pg_sys::Node)).cast::<c_void>();
    visit(node);
    unsafe { descend(node, context) };
}
