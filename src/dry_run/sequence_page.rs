//! Reading a sequence's position from its page.
//!
//! `pg_sequence_last_value` and `nextval` lock the sequence with the top-level transaction's
//! resource owner, so the lock outlives the dry run's rollback and stays until the caller's
//! transaction ends. Reading the page directly takes an ordinary `AccessShareLock`, which the
//! rollback of the subtransaction that took it releases.

use pgrx::prelude::*;

/// `FormData_pg_sequence_data` (sequence.h): the one tuple on a sequence's page.
#[repr(C)]
struct SequenceData {
    last_value: i64,
    log_cnt: i64,
    is_called: bool,
}

/// `(last_value, is_called)` of sequence `oid`, which must be a sequence the caller may read.
pub fn position(oid: u32) -> (i64, bool) {
    // SAFETY: the relation is opened and locked before its first page is read under a share
    // buffer lock; the page of a sequence holds exactly one tuple whose data is SequenceData
    // (this is what sequence.c's read_seq_tuple reads); everything is released before return.
    unsafe {
        let relation = pg_sys::relation_open(oid.into(), pg_sys::AccessShareLock as i32);
        let buffer = pg_sys::ReadBuffer(relation, 0);
        pg_sys::LockBuffer(buffer, pg_sys::BUFFER_LOCK_SHARE as i32);
        let page = pg_sys::BufferGetPage(buffer);
        let tuple = pg_sys::PageGetItem(page, pg_sys::PageGetItemId(page, 1))
            .cast::<pg_sys::HeapTupleHeaderData>();
        let data = tuple
            .cast::<u8>()
            .add(usize::from((*tuple).t_hoff))
            .cast::<SequenceData>();
        let position = ((*data).last_value, (*data).is_called);
        pg_sys::UnlockReleaseBuffer(buffer);
        pg_sys::relation_close(relation, pg_sys::NoLock as i32);
        position
    }
}
