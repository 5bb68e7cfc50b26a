//! Running a piece of work as another role, the way PostgreSQL runs a `SECURITY DEFINER`
//! function or a maintenance command: `SetUserIdAndSecContext` with
//! `SECURITY_RESTRICTED_OPERATION`, so that the work cannot `SET ROLE`, create temporary
//! objects or otherwise outlive its call, and the caller's identity put back whatever happens.

use std::panic::AssertUnwindSafe;

use pgrx::prelude::*;

/// Runs `work` as `role`; an ERROR or panic is re-raised once the caller's identity is back.
pub fn as_role<T>(role: pg_sys::Oid, work: impl FnOnce() -> T) -> T {
    let mut caller = pg_sys::InvalidOid;
    let mut context = 0;
    // SAFETY: miscinit.c's identity switch, from the backend's only thread; restored below.
    unsafe {
        pg_sys::GetUserIdAndSecContext(&mut caller, &mut context);
        pg_sys::SetUserIdAndSecContext(
            role,
            context
                | pg_sys::SECURITY_LOCAL_USERID_CHANGE as i32
                | pg_sys::SECURITY_RESTRICTED_OPERATION as i32,
        );
    }
    let mut work = Some(work);
    PgTryBuilder::new(AssertUnwindSafe(|| work.take().expect("runs once")()))
        .finally(|| unsafe { pg_sys::SetUserIdAndSecContext(caller, context) })
        .execute()
}
