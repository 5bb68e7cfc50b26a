//! SQL functions of anonymization: the built-in masking strategies, the key, and the list of
//! strategies. Each strategy is `STRICT` (NULL in, NULL out) and computes its value in
//! `confiture_core::anonymize` from the key and the value alone; those that need the key are
//! `STABLE`, as the key is read from a table.

use std::ffi::CStr;
use std::net::IpAddr;

use confiture_core::anonymize::run::RunOptions;
use confiture_core::anonymize::{self as masks, MaskError, UniqueKind};
use pgrx::datum::{
    AnyElement, AnyNumeric, Date, FromDatum, Inet, Timestamp, TimestampWithTimeZone,
};
use pgrx::prelude::*;
use pgrx::{IntoDatum, JsonB};

use super::{key, rules, runner, strategies, verify};
use crate::errors::{invalid_parameter, null_argument};

/// The value, or the strategy's refusal of its arguments as an ERROR.
fn or_report<T>(result: Result<T, MaskError>, function: &'static str) -> T {
    result.unwrap_or_else(|error| invalid_parameter(error.message, error.hint, function))
}

/// Keyed HMAC-SHA256 of `value`, the first `length` hexadecimal digits (1 to 64).
#[pg_extern(strict, stable, parallel_safe)]
fn mask_hash(value: &str, length: default!(i32, 16)) -> String {
    let f = function_name!();
    or_report(masks::mask_hash(&key::key(f), value, i64::from(length)), f)
}

/// An e-mail address with a keyed local part, and an `example.com` domain unless
/// `keep_domain`.
#[pg_extern(strict, stable, parallel_safe)]
fn mask_email(value: &str, keep_domain: default!(bool, false)) -> String {
    masks::mask_email(&key::key(function_name!()), value, keep_domain)
}

/// Made-up first and last names, of the shape of `value`.
#[pg_extern(strict, stable, parallel_safe)]
fn mask_name(value: &str) -> String {
    masks::mask_name(&key::key(function_name!()), value)
}

/// A phone number with keyed digits, keeping its country code and format.
#[pg_extern(strict, stable, parallel_safe)]
fn mask_phone(value: &str) -> String {
    masks::mask_phone(&key::key(function_name!()), value)
}

/// Keeps the first `keep_prefix` and last `keep_suffix` characters, one `pad` for each other.
#[pg_extern(strict, immutable, parallel_safe)]
fn mask_partial(
    value: &str,
    keep_prefix: i32,
    keep_suffix: i32,
    pad: default!(&str, "'*'"),
) -> String {
    or_report(
        masks::mask_partial(value, i64::from(keep_prefix), i64::from(keep_suffix), pad),
        function_name!(),
    )
}

/// `replacement` instead of the value.
#[pg_extern(strict, immutable, parallel_safe)]
fn mask_redact(value: &str, replacement: default!(&str, "'[REDACTED]'")) -> String {
    let _ = value;
    masks::mask_redact(replacement)
}

/// The date moved by a keyed number of days, 1 to `max_days`, earlier or later.
#[pg_extern(strict, stable, parallel_safe, name = "mask_date_shift")]
fn mask_date_shift_date(value: Date, max_days: default!(i32, 30)) -> Date {
    let f = function_name!();
    let days = pg_sys::DateADT::from(value);
    let shifted = or_report(
        masks::mask_date_shift(&key::key(f), days, i64::from(max_days)),
        f,
    );
    Date::try_from(shifted).expect("mask_date_shift stays within the range of date")
}

/// The instant moved by a keyed number of days, 1 to `max_days`, keeping its time of day.
#[pg_extern(strict, stable, parallel_safe, name = "mask_date_shift")]
fn mask_date_shift_timestamptz(
    value: TimestampWithTimeZone,
    max_days: default!(i32, 30),
) -> TimestampWithTimeZone {
    let f = function_name!();
    let micros = pg_sys::TimestampTz::from(value);
    let shifted = masks::mask_timestamp_shift(&key::key(f), micros, i64::from(max_days));
    TimestampWithTimeZone::try_from(or_report(shifted, f))
        .expect("mask_date_shift stays within the range of timestamptz")
}

/// As for `timestamptz`: a `timestamp` is shifted by whole days, its wall-clock time kept.
#[pg_extern(strict, stable, parallel_safe, name = "mask_date_shift")]
fn mask_date_shift_timestamp(value: Timestamp, max_days: default!(i32, 30)) -> Timestamp {
    let f = function_name!();
    let micros = pg_sys::Timestamp::from(value);
    let shifted = masks::mask_timestamp_shift(&key::key(f), micros, i64::from(max_days));
    Timestamp::try_from(or_report(shifted, f))
        .expect("mask_date_shift stays within the range of timestamp")
}

/// The number times a keyed factor within 1 ± `ratio` (0 to 1), at the value's scale.
#[pg_extern(strict, stable, parallel_safe)]
fn mask_noise(value: AnyNumeric, ratio: default!(f64, 0.1)) -> AnyNumeric {
    let f = function_name!();
    let noisy = or_report(
        masks::mask_noise(&key::key(f), &value.to_string(), ratio),
        f,
    );
    AnyNumeric::try_from(noisy.as_str()).expect("mask_noise writes a decimal number")
}

/// The address with its first `keep_prefix` bits kept and the others permuted; the netmask
/// is kept.
#[pg_extern(strict, stable, parallel_safe)]
fn mask_ip(value: Inet, keep_prefix: default!(i32, 16)) -> Inet {
    let f = function_name!();
    let (address, netmask) = match value.0.split_once('/') {
        Some((address, bits)) => (address, Some(bits)),
        None => (value.0.as_str(), None),
    };
    let address: IpAddr = address.parse().expect("inet output is an address");
    let masked = or_report(
        masks::mask_ip(&key::key(f), address, i64::from(keep_prefix)),
        f,
    );
    Inet(match netmask {
        Some(bits) => format!("{masked}/{bits}"),
        None => masked.to_string(),
    })
}

/// A Luhn-valid card number keeping the last four digits, the length and the separators.
#[pg_extern(strict, stable, parallel_safe)]
fn mask_credit_card(value: &str) -> String {
    masks::mask_credit_card(&key::key(function_name!()), value)
}

/// The text with the e-mail addresses, phone numbers, card numbers and IBANs in it replaced.
#[pg_extern(strict, immutable, parallel_safe)]
fn mask_text_pii(value: &str) -> String {
    masks::mask_text_pii(value)
}

/// A keyed one-to-one permutation of the value's letters and digits (`kind` 'alnum' or
/// 'text'), digits ('digits') or e-mail local part ('email'), keeping length and format.
#[pg_extern(strict, stable, parallel_safe)]
fn mask_unique(value: &str, kind: &str) -> String {
    let f = function_name!();
    let kind = or_report(UniqueKind::parse(kind), f);
    masks::mask_unique(&key::key(f), value, kind)
}

/// Sets this database's anonymization key (superusers and the extension's owner only).
#[pg_extern(strict, volatile, parallel_unsafe)]
fn set_anonymization_key(key: &str) {
    key::set(key, function_name!());
}

/// Masks `value` with the registered custom strategy `strategy`, run as `confiture_sandbox`;
/// `options` are passed to its function when it takes them.
#[pg_extern(sql = "
CREATE FUNCTION mask_custom(strategy text, value anyelement, options jsonb DEFAULT '{}')
RETURNS anyelement STRICT STABLE PARALLEL RESTRICTED
LANGUAGE c AS 'MODULE_PATHNAME', 'mask_custom_wrapper';
")]
fn mask_custom(strategy: &str, value: AnyElement, options: JsonB) -> AnyElement {
    let options = options.into_datum().expect("a jsonb value");
    let masked = strategies::mask(
        strategy,
        value.datum(),
        value.oid(),
        options,
        function_name!(),
    );
    // SAFETY: the strategy's function returns a value of its argument type, the value's.
    unsafe { AnyElement::from_polymorphic_datum(masked, false, value.oid()) }
        .expect("OidFunctionCall raises when the function returns NULL")
}

/// Declares how `col` of `tbl` is masked, checked now: the column, the strategy's type, its
/// options, and a one-to-one strategy for a UNIQUE column.
#[pg_extern(sql = "
CREATE FUNCTION set_rule(tbl regclass, col name, strategy text, options jsonb DEFAULT '{}')
RETURNS void VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'set_rule_wrapper';
")]
fn set_rule(
    tbl: Option<pg_sys::Oid>,
    col: Option<&CStr>,
    strategy: Option<&str>,
    options: Option<JsonB>,
) {
    let f = function_name!();
    rules::set(
        tbl.unwrap_or_else(|| null_argument("tbl", f)),
        &col.unwrap_or_else(|| null_argument("col", f))
            .to_string_lossy(),
        strategy.unwrap_or_else(|| null_argument("strategy", f)),
        options.map_or(serde_json::json!({}), |o| o.0),
        f,
    );
}

/// Removes the rule of `col` of `tbl`; whether there was one.
#[pg_extern(sql = "
CREATE FUNCTION remove_rule(tbl regclass, col name) RETURNS boolean
STRICT VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'remove_rule_wrapper';
")]
fn remove_rule(tbl: pg_sys::Oid, col: &CStr) -> bool {
    rules::remove(tbl, &col.to_string_lossy())
}

/// Registers `fn` as the custom strategy `name`.
#[pg_extern(sql = "
CREATE FUNCTION register_strategy(name text, fn regprocedure, unique_safe boolean DEFAULT false,
                                  description text DEFAULT NULL)
RETURNS void VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'register_strategy_wrapper';
")]
fn register_strategy(
    name: Option<&str>,
    function: Option<pg_sys::Oid>,
    unique_safe: Option<bool>,
    description: Option<&str>,
) {
    let f = function_name!();
    strategies::register(
        name.unwrap_or_else(|| null_argument("name", f)),
        function.unwrap_or_else(|| null_argument("fn", f)),
        unique_safe.unwrap_or_else(|| null_argument("unique_safe", f)),
        description,
        f,
    );
}

/// Marks `schema` trusted for custom strategies, or no longer (superusers only).
#[pg_extern(sql = "
CREATE FUNCTION trust_schema(schema regnamespace, trusted boolean DEFAULT true)
RETURNS void STRICT VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'trust_schema_wrapper';
")]
fn trust_schema(schema: pg_sys::Oid, trusted: bool) {
    strategies::trust(schema, trusted, function_name!());
}

/// The strategies: built-in, then registered.
#[pg_extern(stable, parallel_safe)]
fn masking_strategies() -> TableIterator<
    'static,
    (
        name!(name, String),
        name!(accepts, String),
        name!(unique_safe, bool),
        name!(options, JsonB),
        name!(description, Option<String>),
        name!(source, String),
    ),
> {
    let built_in = masks::STRATEGIES.iter().map(|s| {
        let options: serde_json::Map<String, serde_json::Value> = s
            .options
            .iter()
            .map(|o| {
                // Defaults are written as SQL literals: '*' is a string, 16 a number.
                let default = o.default.map_or(serde_json::Value::Null, |d| {
                    d.strip_prefix('\'')
                        .and_then(|d| d.strip_suffix('\''))
                        .map_or_else(|| serde_json::from_str(d).unwrap_or(d.into()), Into::into)
                });
                (
                    o.name.to_string(),
                    serde_json::json!({"type": o.json_type, "default": default}),
                )
            })
            .collect();
        (
            s.name.to_string(),
            s.accepts.name().to_string(),
            s.unique_safe,
            JsonB(options.into()),
            Some(s.description.to_string()),
            "built-in".to_string(),
        )
    });
    let registered: serde_json::Value = serde_json::from_str(&crate::catalog_text::read(
        "SELECT coalesce(json_agg(json_build_object(
                    'name', name, 'fn', fn::text, 'unique_safe', unique_safe,
                    'description', description,
                    'argument', (SELECT format_type(proargtypes[0], NULL) FROM pg_proc
                                  WHERE oid = fn)) ORDER BY name), '[]')::text
           FROM confiture.masking_strategy",
        &[],
    ))
    .expect("the query builds a JSON array");
    let registered: Vec<_> = registered
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            let argument = r["argument"].as_str().unwrap_or_default();
            (
                r["name"].as_str().unwrap_or_default().to_string(),
                masks::sql::family_of(argument)
                    .map_or("?", |f| f.name())
                    .to_string(),
                r["unique_safe"].as_bool().unwrap_or(false),
                JsonB(serde_json::json!({})),
                r["description"].as_str().map(str::to_string),
                format!("registered: {}", r["fn"].as_str().unwrap_or_default()),
            )
        })
        .collect();
    TableIterator::new(built_in.chain(registered).collect::<Vec<_>>())
}

/// Masks `tbl` by its rules, one UPDATE per batch of about `batch_size` rows; see
/// docs/reference/anonymize_table.md.
#[pg_extern(sql = "
CREATE FUNCTION anonymize_table(tbl regclass, batch_size integer DEFAULT 50000,
                                options jsonb DEFAULT '{}')
RETURNS jsonb VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'anonymize_table_wrapper';
")]
fn anonymize_table(
    tbl: Option<pg_sys::Oid>,
    batch_size: Option<i32>,
    options: Option<JsonB>,
) -> JsonB {
    let f = function_name!();
    let table = tbl.unwrap_or_else(|| null_argument("tbl", f));
    let batch_size = batch_size.unwrap_or_else(|| null_argument("batch_size", f));
    let (batch_size, options) = run_arguments(batch_size, options, f);
    JsonB(runner::anonymize_table(table, batch_size, &options, f))
}

/// Masks every table that has rules, in one transaction, deferrable constraints deferred: the
/// way to mask both sides of a foreign key.
#[pg_extern(volatile, parallel_unsafe)]
fn anonymize_database(
    batch_size: default!(Option<i32>, 50000),
    options: default!(Option<JsonB>, "'{}'"),
) -> JsonB {
    let f = function_name!();
    let batch_size = batch_size.unwrap_or_else(|| null_argument("batch_size", f));
    let (batch_size, options) = run_arguments(batch_size, options, f);
    let started = std::time::Instant::now();
    let tables: serde_json::Value = serde_json::from_str(&crate::catalog_text::read(
        "SELECT json_build_object(
                    'tables', coalesce(array_agg(DISTINCT r.tbl::oid::bigint) FILTER (WHERE c.oid IS NOT NULL), '{}'),
                    'gone', coalesce(array_agg(DISTINCT r.tbl::oid::bigint) FILTER (WHERE c.oid IS NULL), '{}'))::text
           FROM confiture.anonymization_rule r LEFT JOIN pg_class c ON c.oid = r.tbl",
        &[],
    ))
    .expect("the query builds a JSON object");
    for gone in tables["gone"].as_array().into_iter().flatten() {
        pgrx::warning!(
            "confiture: rules of dropped table {gone} ignored; DELETE FROM confiture.anonymization_rule WHERE tbl = {gone} removes them"
        );
    }
    let results: Vec<serde_json::Value> = tables["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|oid| oid.as_u64())
        .map(|oid| runner::anonymize_table(pg_sys::Oid::from(oid as u32), batch_size, &options, f))
        .collect();
    let rows: u64 = results.iter().filter_map(|r| r["rows"].as_u64()).sum();
    JsonB(serde_json::json!({
        "tables": results,
        "rows": rows,
        "duration_ms": (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
    }))
}

/// The batch size and options of a masking run, checked.
fn run_arguments(batch_size: i32, options: Option<JsonB>, f: &'static str) -> (u32, RunOptions) {
    if batch_size < 1 {
        invalid_parameter(
            format!("batch_size must be positive, not {batch_size}"),
            "It is the number of rows each UPDATE masks, about: 50000 by default.".into(),
            f,
        );
    }
    let options = RunOptions::from_json(&options.map_or(serde_json::json!({}), |o| o.0))
        .unwrap_or_else(|error| invalid_parameter(error.message, error.hint, f));
    (batch_size as u32, options)
}

// pgrx reads the column names from the signature, so the row type is spelled out there.
#[allow(clippy::type_complexity)]
/// Values of `tbl` still equal to an original the last masking run of this session kept, and
/// values of a sample of `sample_size` rows that still look like personal data.
#[pg_extern(sql = "
CREATE FUNCTION verify_anonymization(tbl regclass, sample_size integer DEFAULT 1000)
RETURNS TABLE (column_name text, \"check\" text, examined bigint, matches bigint, detail text)
STRICT VOLATILE PARALLEL UNSAFE
LANGUAGE c AS 'MODULE_PATHNAME', 'verify_anonymization_wrapper';
")]
fn verify_anonymization(
    tbl: pg_sys::Oid,
    sample_size: i32,
) -> TableIterator<
    'static,
    (
        name!(column_name, String),
        name!(check, String),
        name!(examined, i64),
        name!(matches, Option<i64>),
        name!(detail, Option<String>),
    ),
> {
    TableIterator::new(verify::verify(tbl, sample_size.max(1), function_name!()))
}
