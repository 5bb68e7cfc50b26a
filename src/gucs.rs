//! Confiture's settings (`confiture.*`), registered when the library is loaded.

use confiture_core::risk::options::Throughput;
use pgrx::{GucContext, GucFlags, GucRegistry, GucSetting};

const DEFAULT: Throughput = Throughput::DEFAULT;

static SCAN_MB_PER_S: GucSetting<f64> = GucSetting::<f64>::new(DEFAULT.scan_mb_per_s);
static REWRITE_MB_PER_S: GucSetting<f64> = GucSetting::<f64>::new(DEFAULT.rewrite_mb_per_s);
static INDEX_BUILD_MB_PER_S: GucSetting<f64> = GucSetting::<f64>::new(DEFAULT.index_build_mb_per_s);
static MASK_TIMEOUT_MS: GucSetting<i32> = GucSetting::<i32>::new(3_600_000);

pub fn register() {
    GucRegistry::define_int_guc(
        c"confiture.mask_timeout",
        c"Longest a masking run (anonymize_table) may take; 0 for no limit.",
        c"Applied as a statement_timeout to the run's UPDATEs, custom strategies included.",
        &MASK_TIMEOUT_MS,
        0,
        i32::MAX,
        GucContext::Userset,
        GucFlags::UNIT_MS,
    );
    GucRegistry::define_float_guc(
        c"confiture.scan_mb_per_s",
        c"Read throughput assumed by assess_risk for scans and validations, in MB/s.",
        c"Used for est_duration_ms of statements that read a whole table under their lock.",
        &SCAN_MB_PER_S,
        0.001,
        1_000_000.0,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_float_guc(
        c"confiture.rewrite_mb_per_s",
        c"Throughput assumed by assess_risk for table rewrites, in MB/s.",
        c"Used for est_duration_ms of statements that rewrite a table and its indexes.",
        &REWRITE_MB_PER_S,
        0.001,
        1_000_000.0,
        GucContext::Userset,
        GucFlags::default(),
    );
    GucRegistry::define_float_guc(
        c"confiture.index_build_mb_per_s",
        c"Throughput assumed by assess_risk for index builds, in MB of table per second.",
        c"Used for est_duration_ms of CREATE INDEX and REINDEX.",
        &INDEX_BUILD_MB_PER_S,
        0.001,
        1_000_000.0,
        GucContext::Userset,
        GucFlags::default(),
    );
}

/// The duration model's throughputs as currently set.
pub fn throughput() -> Throughput {
    Throughput {
        scan_mb_per_s: SCAN_MB_PER_S.get(),
        rewrite_mb_per_s: REWRITE_MB_PER_S.get(),
        index_build_mb_per_s: INDEX_BUILD_MB_PER_S.get(),
    }
}

/// `confiture.mask_timeout` in milliseconds (0: no limit).
pub fn mask_timeout_ms() -> i32 {
    MASK_TIMEOUT_MS.get()
}
