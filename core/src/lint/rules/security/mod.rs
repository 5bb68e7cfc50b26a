//! Lint rules of category `security`: personal data and credentials in columns and code,
//! row-level security that does not do what it seems to, `SECURITY DEFINER` code and views,
//! and schemas where anyone can create objects.
//!
//! Functions, schemas, policies and extensions have no `Hit` constructor in rule.rs; theirs are
//! here, with the identifier quoting and word splitting the rules share.

mod extension_in_public;
mod hardcoded_secret;
mod multiple_permissive_policies;
mod permissive_policy_always_true;
mod pii_column;
mod plaintext_password_column;
mod policy_calls_unwrapped_function;
mod public_schema_create;
mod rls_enabled_without_policy;
mod rls_policy_without_rls;
mod security_definer_view;
mod security_definer_without_search_path;

use std::collections::HashSet;
use std::ops::Range;

use serde_json::Value;

use crate::lint::catalog::{Extension, Function, LintCatalog, Policy, Schema, Table};
use crate::lint::rule::{Hit, LintRule};

pub const RULES: &[&LintRule] = &[
    &pii_column::RULE,
    &plaintext_password_column::RULE,
    &hardcoded_secret::RULE,
    &rls_policy_without_rls::RULE,
    &rls_enabled_without_policy::RULE,
    &security_definer_without_search_path::RULE,
    &public_schema_create::RULE,
    &security_definer_view::RULE,
    &permissive_policy_always_true::RULE,
    &multiple_permissive_policies::RULE,
    &extension_in_public::RULE,
    &policy_calls_unwrapped_function::RULE,
];

fn hit(
    object_type: &'static str,
    object_name: String,
    schema: &str,
    comment: Option<&String>,
    message: String,
) -> Hit {
    Hit {
        object_type,
        object_name,
        schema: schema.to_string(),
        comment: comment.cloned(),
        message,
        remediation: None,
        detail: Value::Null,
    }
}

/// A function or procedure, named by its signature; `COMMENT ON FUNCTION` silences it.
fn on_function(function: &Function, message: impl Into<String>) -> Hit {
    hit(
        "function",
        function.signature.clone(),
        &function.schema,
        function.comment.as_ref(),
        message.into(),
    )
}

/// A schema; `COMMENT ON SCHEMA` silences it.
fn on_schema(schema: &Schema, quote: &Quote, message: impl Into<String>) -> Hit {
    hit(
        "schema",
        quote.ident(&schema.name),
        &schema.name,
        schema.comment.as_ref(),
        message.into(),
    )
}

/// A policy, named `schema.table.policy`. The catalog model carries no policy comments, so
/// only `confiture.exclude` and `configure_rule` silence it.
fn on_policy(table: &Table, policy: &Policy, quote: &Quote, message: impl Into<String>) -> Hit {
    hit(
        "policy",
        policy_name(table, policy, quote),
        &table.schema,
        None,
        message.into(),
    )
}

/// An extension, named as `CREATE EXTENSION` names it (extensions belong to no schema; the
/// schema reported is the one its objects live in). No comment in the model either.
fn on_extension(extension: &Extension, quote: &Quote, message: impl Into<String>) -> Hit {
    hit(
        "extension",
        quote.ident(&extension.name),
        &extension.schema,
        None,
        message.into(),
    )
}

fn policy_name(table: &Table, policy: &Policy, quote: &Quote) -> String {
    format!("{}.{}", table.qualified, quote.ident(&policy.name))
}

/// The SQL keyword of a policy's command.
fn command_name(command: char) -> &'static str {
    match command {
        'r' => "SELECT",
        'a' => "INSERT",
        'w' => "UPDATE",
        'd' => "DELETE",
        _ => "ALL",
    }
}

/// Identifiers as `quote_ident` writes them, with the server's own keyword list: quoted unless
/// lower-case letters, digits, `_` and `$` (not first) that are not a keyword other than an
/// unreserved one.
struct Quote<'a> {
    keywords: HashSet<&'a str>,
}

impl<'a> Quote<'a> {
    fn new(catalog: &'a LintCatalog) -> Self {
        Quote {
            keywords: catalog.keywords.iter().map(String::as_str).collect(),
        }
    }

    fn ident(&self, name: &str) -> String {
        let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
        if plain && !self.keywords.contains(name) {
            name.to_string()
        } else {
            format!("\"{}\"", name.replace('"', "\"\""))
        }
    }
}

/// The words of an identifier, lower case: split at `_` and other punctuation, where lower case
/// turns to upper case (`emailAddress`), before the last capital of a run followed by lower
/// case (`SSNNumber`), and between letters and digits (`address2`).
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if let Some(&previous) = i.checked_sub(1).map(|p| &chars[p]) {
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = previous.is_alphanumeric()
                && ((previous.is_lowercase() && c.is_uppercase())
                    || (previous.is_uppercase() && c.is_uppercase() && next_lower)
                    || (previous.is_ascii_digit() != c.is_ascii_digit()));
            if boundary && !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Where the words of `pattern` occur as consecutive words of `name`; the last word may be in
/// the plural (`emails`, `addresses`).
fn occurrences<'a>(
    name: &'a [String],
    pattern: &'a [String],
) -> impl Iterator<Item = Range<usize>> + 'a {
    let fits = move |start: usize| {
        pattern.iter().enumerate().all(|(k, p)| {
            let w = &name[start + k];
            w == p
                || (k + 1 == pattern.len()
                    && (w.strip_suffix('s') == Some(p) || w.strip_suffix("es") == Some(p)))
        })
    };
    let last = (name.len() + 1).saturating_sub(pattern.len().max(1));
    (0..last)
        .filter(move |&start| !pattern.is_empty() && fits(start))
        .map(move |start| start..start + pattern.len())
}

/// Configured name patterns, split into words, with a quick test that rejects most names
/// before they are split: a name that matches a pattern contains, case aside, the pattern's
/// longest word.
struct NamePatterns<'a> {
    patterns: Vec<(&'a str, Vec<String>)>,
    any_word: Option<regex::Regex>,
}

impl<'a> NamePatterns<'a> {
    fn new(patterns: Vec<&'a str>) -> Self {
        let patterns: Vec<(&str, Vec<String>)> = patterns
            .into_iter()
            .map(|p| (p, words(p)))
            .filter(|(_, w)| !w.is_empty())
            .collect();
        let alternatives: Vec<String> = patterns
            .iter()
            .map(|(_, w)| regex::escape(w.iter().max_by_key(|w| w.len()).expect("a word")))
            .collect();
        let any_word = regex::Regex::new(&format!("(?i){}", alternatives.join("|"))).ok();
        NamePatterns { patterns, any_word }
    }

    /// Whether `name` may match a pattern (false: it cannot).
    fn may_match(&self, name: &str) -> bool {
        !self.patterns.is_empty() && self.any_word.as_ref().is_none_or(|r| r.is_match(name))
    }
}

/// Character-string types (`format_type` spelling), where a value is stored as written.
fn is_text_type(type_name: &str) -> bool {
    let base = type_name.split('(').next().unwrap_or_default().trim();
    matches!(
        base,
        "text" | "character varying" | "character" | "citext" | "bpchar" | "varchar"
    )
}

/// The tables whose rows hold data of their own: regular and partitioned tables (not their
/// partitions) and materialized views.
fn stores_rows(table: &Table) -> bool {
    table.is_base_table()
        || (table.kind == crate::lint::catalog::TableKind::MaterializedView
            && table.partition_of.is_none())
}

/// Builders for the security rules' tests: functions, policies, schemas, extensions and a
/// catalog of everything.
#[cfg(test)]
mod testing {
    use crate::lint::catalog::*;

    /// A SQL function `public.<name>()`, security invoker.
    pub fn function(oid: u32, name: &str) -> Function {
        Function {
            oid,
            schema: "public".into(),
            signature: format!("public.{name}()"),
            kind: 'f',
            security_definer: false,
            sets_search_path: false,
            language: "sql".into(),
            source: Some("SELECT 1".into()),
            comment: None,
        }
    }

    /// A permissive policy for PUBLIC on `table`, with `using`.
    pub fn policy(table: &Table, name: &str, command: char, using: Option<&str>) -> Policy {
        Policy {
            table: table.oid,
            name: name.into(),
            permissive: true,
            command,
            roles: vec!["public".into()],
            using: using.map(str::to_string),
            check: None,
        }
    }

    pub fn to_roles(mut policy: Policy, roles: &[&str]) -> Policy {
        policy.roles = roles.iter().map(|r| r.to_string()).collect();
        policy
    }

    pub fn schema(name: &str) -> Schema {
        Schema {
            name: name.into(),
            comment: None,
            public_create: false,
        }
    }

    pub fn extension(name: &str, schema: &str) -> Extension {
        Extension {
            name: name.into(),
            schema: schema.into(),
            version: "1.0".into(),
            default_version: Some("1.0".into()),
        }
    }

    /// A view `public.<name>` reading `reads`.
    pub fn view(oid: u32, name: &str, reads: &[u32]) -> Table {
        let mut view = crate::lint::testing::table(oid, name);
        view.kind = TableKind::View;
        view.definition = Some(" SELECT 1;".into());
        view.reads = reads.to_vec();
        view
    }

    /// A catalog of these objects, indexed.
    #[derive(Default)]
    pub struct Objects {
        pub tables: Vec<Table>,
        pub functions: Vec<Function>,
        pub policies: Vec<Policy>,
        pub schemas: Vec<Schema>,
        pub extensions: Vec<Extension>,
    }

    impl Objects {
        pub fn catalog(self) -> LintCatalog {
            let mut catalog = LintCatalog::default();
            catalog.tables = self.tables;
            catalog.functions = self.functions;
            catalog.policies = self.policies;
            catalog.schemas = self.schemas;
            catalog.extensions = self.extensions;
            catalog.keywords = ["all", "select", "table", "user", "order"]
                .iter()
                .map(|k| k.to_string())
                .collect();
            catalog.indexed()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(name: &str) -> Vec<String> {
        words(name)
    }

    #[test]
    fn words_split_at_underscores_case_changes_and_digits() {
        assert_eq!(split("customer_email"), ["customer", "email"]);
        assert_eq!(split("emailAddress"), ["email", "address"]);
        assert_eq!(split("SSNNumber"), ["ssn", "number"]);
        assert_eq!(split("address2"), ["address", "2"]);
        assert_eq!(split("__e-mail__"), ["e", "mail"]);
    }

    #[test]
    fn patterns_match_whole_words_and_plurals() {
        let pattern = split("date_of_birth");
        let found: Vec<Range<usize>> =
            occurrences(&split("child_date_of_birth"), &pattern).collect();
        assert_eq!((found.len(), found[0].clone()), (1, 1..4));
        assert_eq!(occurrences(&split("emails"), &split("email")).count(), 1);
        assert_eq!(
            occurrences(&split("addresses"), &split("address")).count(),
            1
        );
        assert_eq!(occurrences(&split("adobe"), &split("dob")).count(), 0);
        assert_eq!(occurrences(&split("zip"), &split("")).count(), 0);
    }

    /// Functions and schemas carry their comments, so `@confiture:ignore` silences them.
    #[test]
    fn comments_silence_functions_and_schemas() {
        use crate::lint::engine::{lint, Config, Selection};
        let mut f = testing::function(1, "grant_role");
        f.security_definer = true;
        let mut public = testing::schema("public");
        public.public_create = true;
        let catalog = testing::Objects {
            functions: vec![f.clone()],
            schemas: vec![public.clone()],
            ..testing::Objects::default()
        }
        .catalog();
        let rules = |c: &LintCatalog| -> Vec<&str> {
            lint(c, &Config::default(), &Selection::default())
                .0
                .iter()
                .map(|f| f.rule)
                .collect()
        };
        assert_eq!(
            rules(&catalog),
            [
                "security_definer_without_search_path",
                "public_schema_create"
            ]
        );
        f.comment = Some("@confiture:ignore security_definer_without_search_path".into());
        public.comment = Some("legacy. @confiture:ignore public_schema_create".into());
        let silenced = testing::Objects {
            functions: vec![f],
            schemas: vec![public],
            ..testing::Objects::default()
        }
        .catalog();
        assert!(rules(&silenced).is_empty());
    }

    /// 10,000 tables of 12 columns with defaults and comments, a policy on every other table,
    /// a view on every tenth, 2,000 PL/pgSQL functions: every security rule, in well under a
    /// second.
    #[test]
    fn security_rules_stay_linear_on_10000_tables() {
        use crate::lint::engine::effective;
        use crate::lint::testing::{column, run_with, table};
        let mut objects = testing::Objects::default();
        for oid in 1..=10_000u32 {
            let mut t = table(oid, &format!("t{oid}"));
            t.rls_enabled = oid % 3 == 0;
            t.comment = Some(format!(
                "Table {oid}: orders of the customers of region {oid}"
            ));
            t.columns = [
                "id",
                "tenant_id",
                "customer_email",
                "phone",
                "status",
                "created_at",
                "updated_at",
                "api_token",
                "notes",
                "amount",
                "billing_address",
                "is_active",
            ]
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let mut c = column(i as i16 + 1, name, "text");
                c.default = Some("'pending'::text".into());
                c.comment = Some("What the application shows to the customer".into());
                c
            })
            .collect();
            if oid % 2 == 0 {
                objects.policies.push(testing::policy(
                    &t,
                    "tenant_isolation",
                    '*',
                    Some("(tenant_id = (current_setting('app.tenant_id'::text))::uuid)"),
                ));
                objects
                    .policies
                    .push(testing::policy(&t, "read", 'r', Some("true")));
            }
            objects.tables.push(t);
            if oid % 10 == 0 {
                let mut v = testing::view(100_000 + oid, &format!("v{oid}"), &[oid]);
                v.definition = Some(format!(
                    " SELECT t.id, t.status FROM public.t{oid} t WHERE (t.status = 'open'::text);"
                ));
                objects.tables.push(v);
            }
        }
        for oid in 1..=2_000u32 {
            let mut f = testing::function(200_000 + oid, &format!("f{oid}"));
            f.language = "plpgsql".into();
            f.security_definer = oid % 7 == 0;
            f.source = Some(
                "\nDECLARE\n  v_total numeric;\nBEGIN\n  SELECT sum(amount) INTO v_total FROM orders \
                 WHERE tenant_id = current_setting('app.tenant_id')::uuid AND status = 'open';\n  \
                 RETURN v_total;\nEND;\n"
                    .repeat(5),
            );
            objects.functions.push(f);
        }
        let catalog = objects.catalog();
        let config = crate::lint::engine::Config::default();
        let started = std::time::Instant::now();
        let mut hits = 0;
        for rule in RULES {
            let settings = effective(rule, &config);
            hits += run_with(rule, &catalog, &settings.options).len();
        }
        let elapsed = started.elapsed();
        assert!(hits > 10_000);
        // About 0.3 s optimized, 2 s in a debug build; quadratic would be minutes.
        let bound = if cfg!(debug_assertions) { 10.0 } else { 1.0 };
        assert!(elapsed.as_secs_f64() < bound, "{elapsed:?}");
    }

    /// The rules that read code and expressions never panic on text cut anywhere: unclosed
    /// strings and parentheses, multi-byte characters next to what they look for.
    #[test]
    fn odd_text_never_panics() {
        use crate::lint::testing::{column, run, table};
        let pieces = [
            "current_setting(",
            "auth.uid(",
            "( SELECT ",
            ")",
            "(",
            "'",
            "\"",
            "…",
            "::",
            "tenant_id",
            ",",
            " FROM ",
            "-- ",
            "/*",
            "*/",
            "#",
            "password=",
            "é",
            "\n",
            "\\",
            "`",
            "postgres://a:b@",
            "base64,",
            "password := '",
            "AKIAQWERTYUIOPASDFGH",
            "q7Vx2LpZ9mK4rT8wN3bY6cHj",
            "eyJabcdefg.eyJabcdefgh.",
        ];
        let mut seed: u64 = 12345;
        let mut next = || {
            seed = seed
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize
        };
        for _ in 0..200 {
            let len = next() % 20;
            let text: String = (0..len).map(|_| pieces[next() % pieces.len()]).collect();
            let mut f = testing::function(1, "f");
            f.language = ["sql", "plpython3u"][next() % 2].into();
            f.source = Some(text.clone());
            let mut t = table(2, "t");
            t.comment = Some(text.clone());
            let mut c = column(1, "tenant_id", "text");
            c.default = Some(text.clone());
            t.columns = vec![c];
            let mut p = testing::policy(&t, "p", '*', Some(&text));
            p.check = Some(text.clone());
            let catalog = testing::Objects {
                tables: vec![t],
                functions: vec![f],
                policies: vec![p],
                ..testing::Objects::default()
            }
            .catalog();
            for rule in RULES {
                run(rule, &catalog);
            }
        }
    }

    #[test]
    fn identifiers_are_quoted_like_quote_ident() {
        let mut catalog = LintCatalog::default();
        catalog.keywords = vec!["select".into()];
        let quote = Quote::new(&catalog);
        assert_eq!(quote.ident("tenant_read"), "tenant_read");
        assert_eq!(quote.ident("select"), "\"select\"");
        assert_eq!(quote.ident("Read \"all\""), "\"Read \"\"all\"\"\"");
        assert_eq!(quote.ident("1st"), "\"1st\"");
    }
}
