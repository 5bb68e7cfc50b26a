//! A credential written into the schema: in a function's body, a view's definition, a column's
//! default or a table's or column's comment. All of these are readable by every role that can
//! connect (`pg_proc.prosrc`, `pg_views`, `pg_attrdef`, `pg_description` are world-readable),
//! and they travel in every `pg_dump`, migration file and repository.
//!
//! Two detectors: the shapes of well-known keys (AWS access keys, private keys, Stripe, GitHub,
//! Slack and Google keys, JSON Web Tokens, `password = '…'`, passwords in connection strings),
//! and random-looking strings in quoted literals (Shannon entropy). The finding names the
//! place and the kind, never the secret: only its first characters.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::{json, Value};

use super::on_function;
use crate::lint::catalog::TableKind;
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "hardcoded_secret",
    category: "security",
    severity: Severity::Error,
    enabled: true,
    description: "a key, token or password written into a function, view, default or comment",
    options,
    check,
};

fn options() -> Value {
    json!({ "min_entropy": 4.0, "min_length": 24 })
}

/// Well-known key shapes, one named group each; for an assignment or a URL, the group
/// `value` is the secret itself.
fn known_shapes() -> &'static Regex {
    static SHAPES: OnceLock<Regex> = OnceLock::new();
    SHAPES.get_or_init(|| {
        Regex::new(concat!(
            r"(?P<private_key>-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----)",
            r"|(?P<aws_access_key>(?-u:\b)(?:AKIA|ASIA)[0-9A-Z]{16}(?-u:\b))",
            r"|(?P<stripe_key>(?-u:\b)[rs]k_live_[0-9A-Za-z]{16,})",
            r"|(?P<github_token>(?-u:\b)(?:gh[pousr]_[0-9A-Za-z]{36,}|github_pat_[0-9A-Za-z_]{22,}))",
            r"|(?P<slack_token>(?-u:\b)xox[abprs]-[0-9A-Za-z-]{10,})",
            r"|(?P<google_api_key>(?-u:\b)AIza[0-9A-Za-z_-]{35})",
            r"|(?P<jwt>(?-u:\b)eyJ[0-9A-Za-z_-]{5,}\.eyJ[0-9A-Za-z_-]{5,}\.[0-9A-Za-z_-]*)",
            r#"|(?P<password>(?i:(?:(?-u:\b)|_)(?:password|passwd|pwd|secret|api_?key|token)["']?\s*(?::=|=>|=|:)\s*["'])(?P<value>[^"'\s]{4,})["'])"#,
        ))
        .expect("valid regex")
    })
}

/// The password in a URL (`postgres://app:…@db/x`); looked for only where `://` is, because
/// the pattern starts with no fixed text the search could skip ahead to.
fn url_password() -> &'static Regex {
    static URL: OnceLock<Regex> = OnceLock::new();
    URL.get_or_init(|| {
        Regex::new(r#"(?i)(?-u:\b)[a-z][a-z0-9+.-]*://[^\s:/@'"]+:(?P<value>[^\s@'/"]{3,})@"#)
            .expect("valid regex")
    })
}

/// `password=…` inside a connection string (`dblink_connect('host=… password=…')`), looked for
/// in quoted literals only: in code, `password = p_password` is an assignment.
fn conninfo_password() -> &'static Regex {
    static CONNINFO: OnceLock<Regex> = OnceLock::new();
    CONNINFO.get_or_init(|| {
        Regex::new(r#"(?i)(?:^|\s)password\s*=\s*(?P<value>[^\s'"(),;$%{}]{4,})(?:\s|$)"#)
            .expect("valid regex")
    })
}

const KINDS: &[(&str, &str)] = &[
    ("private_key", "private key"),
    ("aws_access_key", "AWS access key"),
    ("stripe_key", "Stripe live key"),
    ("github_token", "GitHub token"),
    ("slack_token", "Slack token"),
    ("google_api_key", "Google API key"),
    ("jwt", "JSON Web Token"),
    ("password", "password"),
    ("url_password", "password in a URL"),
    ("connection_password", "password in a connection string"),
    ("high_entropy", "random-looking string"),
];

fn kind_label(kind: &str) -> &str {
    KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or(kind, |(_, label)| label)
}

/// How the text quotes its strings.
#[derive(Clone, Copy, PartialEq)]
enum Text {
    /// SQL: `'…'` with `''` inside; `"…"` is an identifier.
    Sql,
    /// Another language's code (PL/Python, PL/v8, PL/Perl): `'…'`, `"…"` and `` `…` `` with
    /// backslash escapes.
    Code,
    /// Free text (a comment): all of it is looked at as one string.
    Prose,
}

struct Settings {
    min_entropy: f64,
    min_length: usize,
}

/// One secret found: where, what, and its first characters.
struct Found {
    place: &'static str,
    kind: &'static str,
    line: usize,
    redacted: String,
}

impl Found {
    fn detail(&self) -> Value {
        json!({
            "place": self.place,
            "kind": self.kind,
            "line": self.line,
            "redacted": self.redacted,
        })
    }
}

/// The first characters of a secret and an ellipsis: four, fewer for a short one (a third of
/// it at most), so that a finding never gives the secret away.
fn redact(secret: &str) -> String {
    let keep = (secret.chars().count() / 3).min(4);
    let mut shown: String = secret.chars().take(keep).collect();
    shown.push('…');
    shown
}

fn line_of(text: &str, at: usize) -> usize {
    text[..at].bytes().filter(|&b| b == b'\n').count() + 1
}

/// Values that stand for a password rather than being one.
fn placeholder(value: &str) -> bool {
    let lower = value.to_lowercase();
    let mut chars = value.chars();
    let first = chars.next();
    value.starts_with(['$', '%', '{', '<', ':', '*'])
        || chars.all(|c| Some(c) == first)
        || matches!(
            lower.as_str(),
            "password" | "secret" | "token" | "redacted" | "hidden" | "null" | "none"
        )
}

/// The contents of the quoted strings and of the comments of `text`, as byte ranges. Comments
/// are skipped as a whole, so that the apostrophe of `-- don't` opens no string.
fn literals(text: &str, quoting: Text) -> Vec<Range<usize>> {
    if quoting == Text::Prose {
        let everything = 0..text.len();
        return vec![everything];
    }
    let bytes = text.as_bytes();
    let rest_of_line = |from: usize| text[from..].find('\n').map_or(bytes.len(), |at| from + at);
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let two = &bytes[i..bytes.len().min(i + 2)];
        let line_comment = match quoting {
            Text::Sql => two == b"--",
            _ => two == b"//" || bytes[i] == b'#',
        };
        if line_comment {
            let start = i + if bytes[i] == b'#' { 1 } else { 2 };
            let end = rest_of_line(start);
            found.push(start..end);
            i = end;
            continue;
        }
        if two == b"/*" {
            let end = text[i + 2..]
                .find("*/")
                .map_or(bytes.len(), |at| i + 2 + at);
            found.push(i + 2..end);
            i = end + 2;
            continue;
        }
        let quote = bytes[i];
        let opens = match quoting {
            Text::Sql => quote == b'\'' || quote == b'"',
            _ => matches!(quote, b'\'' | b'"' | b'`'),
        };
        if !opens {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut j = start;
        let end = loop {
            match bytes.get(j) {
                None => break bytes.len(),
                Some(b'\\') if quoting == Text::Code => j += 2,
                Some(&b) if b == quote => {
                    // SQL doubles a quote to write it.
                    if quoting == Text::Sql && bytes.get(j + 1) == Some(&quote) {
                        j += 2;
                    } else {
                        break j;
                    }
                }
                Some(_) => j += 1,
            }
        };
        let end = end.min(bytes.len());
        // A double-quoted SQL identifier is no string.
        if !(quoting == Text::Sql && quote == b'"') {
            found.push(start..end);
        }
        i = end + 1;
    }
    found
}

/// Shannon entropy in bits per character.
fn entropy(token: &str) -> f64 {
    let mut counts = [0usize; 256];
    for b in token.bytes() {
        counts[b as usize] += 1;
    }
    let n = token.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// Whether `token` looks random rather than written by a person. Hex strings (digests, UUIDs)
/// can carry at most 4 bits a character: they must be 40 characters or more (UUIDs and MD5
/// digests are shorter) and are held to one bit less. Other strings must also not read as
/// words: random text breaks, at case changes and digits, into words of 2 characters on
/// average, identifiers and alphabets (`MyApplicationSettings`, `ABCDEFGH…`) into longer ones.
fn random_looking(token: &str, settings: &Settings) -> bool {
    let unhyphenated: String = token.chars().filter(|&c| c != '-').collect();
    if unhyphenated.chars().all(|c| c.is_ascii_hexdigit()) {
        return unhyphenated.len() >= 40 && entropy(token) > settings.min_entropy - 1.0;
    }
    if entropy(token) <= settings.min_entropy {
        return false;
    }
    let words = super::words(token);
    let letters: usize = words.iter().map(String::len).sum();
    !words.is_empty() && (letters as f64 / words.len() as f64) < 3.5
}

/// The runs of `[A-Za-z0-9+/=_-]` (base64, base64url, hex) in `text`, as byte ranges (ASCII,
/// so always on character boundaries).
fn tokens(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let bytes = text.as_bytes();
    let part = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'_' | b'-');
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !part(bytes[i]) {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && part(bytes[i]) {
            i += 1;
        }
        (start < i).then_some(start..i)
    })
}

fn overlaps(spans: &[Range<usize>], span: &Range<usize>) -> bool {
    spans
        .iter()
        .any(|s| s.start < span.end && span.start < s.end)
}

fn scan(text: &str, quoting: Text, place: &'static str, settings: &Settings, out: &mut Vec<Found>) {
    let mut spans: Vec<Range<usize>> = Vec::new();
    let shapes = known_shapes();
    // Most texts hold no key: a plain search first, captures only where something matched.
    let candidates = if shapes.is_match(text) {
        shapes.captures_iter(text).collect()
    } else {
        Vec::new()
    };
    for captures in candidates {
        let whole = captures.get(0).expect("a match");
        let Some((kind, secret)) = shapes.capture_names().flatten().find_map(|name| {
            let group = captures.name(name)?;
            let kind = KINDS.iter().find(|(k, _)| *k == name)?.0;
            let secret = match kind {
                "password" => captures.name("value")?,
                _ => group,
            };
            Some((kind, secret))
        }) else {
            continue;
        };
        spans.push(whole.range());
        if kind == "password" && placeholder(secret.as_str()) {
            continue;
        }
        out.push(Found {
            place,
            kind,
            line: line_of(text, secret.start()),
            redacted: redact(secret.as_str()),
        });
    }
    if text.contains("://") {
        for captures in url_password().captures_iter(text) {
            let value = captures.name("value").expect("the value group");
            spans.push(captures.get(0).expect("a match").range());
            if placeholder(value.as_str()) {
                continue;
            }
            out.push(Found {
                place,
                kind: "url_password",
                line: line_of(text, value.start()),
                redacted: redact(value.as_str()),
            });
        }
    }
    for literal in literals(text, quoting) {
        let content = &text[literal.clone()];
        let assigns = content.contains('=');
        for captures in conninfo_password()
            .captures_iter(content)
            .filter(|_| assigns)
        {
            let value = captures.name("value").expect("the value group");
            let span = literal.start + value.start()..literal.start + value.end();
            if overlaps(&spans, &span) || placeholder(value.as_str()) {
                continue;
            }
            spans.push(span.clone());
            out.push(Found {
                place,
                kind: "connection_password",
                line: line_of(text, span.start),
                redacted: redact(value.as_str()),
            });
        }
        // Certificates and public keys are meant to be read.
        if content.contains("-----BEGIN ") && !content.contains("PRIVATE KEY") {
            continue;
        }
        for token in tokens(content) {
            let start = literal.start + token.start;
            let span = start..literal.start + token.end;
            let token = &content[token];
            // `data:image/png;base64,…` is an image.
            if token.len() < settings.min_length
                || overlaps(&spans, &span)
                || text[..start].ends_with("base64,")
                || !random_looking(token, settings)
            {
                continue;
            }
            out.push(Found {
                place,
                kind: "high_entropy",
                line: line_of(text, start),
                redacted: redact(token),
            });
        }
    }
}

/// How a function's language quotes strings; `None` for those whose source is no code to read
/// (C and internal functions name a symbol).
fn quoting_of(language: &str) -> Option<Text> {
    match language {
        "sql" | "plpgsql" => Some(Text::Sql),
        "c" | "internal" => None,
        _ => Some(Text::Code),
    }
}

/// The message: what was found (one kind or several) and where.
fn message(object: &str, found: &[Found]) -> String {
    let mut kinds: Vec<&str> = Vec::new();
    let mut places: Vec<&str> = Vec::new();
    for f in found {
        if !kinds.contains(&kind_label(f.kind)) {
            kinds.push(kind_label(f.kind));
        }
        let place = match f.place {
            "source" => "body",
            other => other,
        };
        if !places.contains(&place) {
            places.push(place);
        }
    }
    let what = if found.len() == 1 {
        format!("a hardcoded secret ({})", kinds[0])
    } else {
        format!("{} hardcoded secrets ({})", found.len(), kinds.join(", "))
    };
    format!(
        "{object} contains what looks like {what} in its {}.",
        places.join(" and ")
    )
}

fn report(hit: Hit, found: &[Found]) -> Hit {
    hit.with_detail(json!({
        "findings": found.iter().map(Found::detail).collect::<Vec<_>>(),
    }))
}

fn check(context: &LintContext) -> Vec<Hit> {
    let settings = Settings {
        min_entropy: context.option_f64("min_entropy").unwrap_or(4.0),
        min_length: context
            .option_f64("min_length")
            .map_or(24, |n| n.max(1.0) as usize),
    };
    let catalog = context.catalog;
    let mut hits = Vec::new();
    for function in &catalog.functions {
        let mut found = Vec::new();
        if let (Some(source), Some(quoting)) = (&function.source, quoting_of(&function.language)) {
            scan(source, quoting, "source", &settings, &mut found);
        }
        if !found.is_empty() {
            let text = message(&function.signature, &found);
            hits.push(report(on_function(function, text), &found));
        }
    }
    for table in &catalog.tables {
        let mut found = Vec::new();
        if let Some(definition) = table
            .definition
            .as_deref()
            .filter(|_| matches!(table.kind, TableKind::View | TableKind::MaterializedView))
        {
            scan(definition, Text::Sql, "definition", &settings, &mut found);
        }
        if let Some(comment) = &table.comment {
            scan(comment, Text::Prose, "comment", &settings, &mut found);
        }
        if !found.is_empty() {
            let text = message(&table.qualified, &found);
            hits.push(report(Hit::on_table(table, text), &found));
        }
        for column in &table.columns {
            let mut found = Vec::new();
            // A partition's defaults are copies of its parent's, reported there.
            if let Some(default) = column
                .default
                .as_deref()
                .filter(|_| table.partition_of.is_none())
            {
                scan(default, Text::Sql, "default", &settings, &mut found);
            }
            if let Some(comment) = &column.comment {
                scan(comment, Text::Prose, "comment", &settings, &mut found);
            }
            if !found.is_empty() {
                let name = format!("{}.{}", table.qualified, column.quoted);
                let text = message(&name, &found);
                hits.push(report(Hit::on_column(table, column, text), &found));
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::super::testing::{function, view, Objects};
    use super::*;
    use crate::lint::catalog::LintCatalog;
    use crate::lint::testing::*;

    /// Keys made up for these tests, in the shapes of real ones.
    const AWS: &str = "AKIAQWERTYUIOPASDFGH";
    const RANDOM: &str = "q7Vx2LpZ9mK4rT8wN3bY6cHj";

    fn with_body(language: &str, body: &str) -> LintCatalog {
        let mut f = function(1, "connect");
        f.language = language.into();
        f.source = Some(body.into());
        Objects {
            functions: vec![f],
            ..Objects::default()
        }
        .catalog()
    }

    fn kinds(hits: &[Hit]) -> Vec<String> {
        hits.iter()
            .flat_map(|h| h.detail["findings"].as_array().unwrap().iter())
            .map(|f| f["kind"].as_str().unwrap().to_string())
            .collect()
    }

    fn kinds_in(language: &str, body: &str) -> Vec<String> {
        kinds(&run(&RULE, &with_body(language, body)))
    }

    #[test]
    fn fires_for_an_aws_key_in_a_function_and_never_shows_it() {
        let hits = run(
            &RULE,
            &with_body(
                "plpgsql",
                &format!("BEGIN\n  PERFORM s3_get('{AWS}');\nEND"),
            ),
        );
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].object_type, "function");
        assert_eq!(hits[0].object_name, "public.connect()");
        assert_eq!(
            hits[0].message,
            "public.connect() contains what looks like a hardcoded secret (AWS access key) in its body."
        );
        assert_eq!(
            hits[0].detail["findings"][0],
            json!({"place": "source", "kind": "aws_access_key", "line": 2, "redacted": "AKIA…"})
        );
        assert!(!format!("{:?}", hits[0]).contains(AWS));
    }

    #[test]
    fn recognises_well_known_key_shapes() {
        let body = [
            "-----BEGIN RSA PRIVATE KEY-----",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB",
            "xoxb-1234567890-abcdefghij",
            "AIzaSyA1234567890abcdefghijklmnopqrstuv",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
        ]
        .map(|s| format!("'{s}'"))
        .join(", ");
        assert_eq!(
            kinds_in("sql", &format!("SELECT {body}")),
            [
                "private_key",
                "stripe_key",
                "github_token",
                "slack_token",
                "google_api_key",
                "jwt"
            ]
        );
    }

    #[test]
    fn finds_passwords_assigned_in_code_urls_and_connection_strings() {
        assert_eq!(
            kinds_in("plpgsql", "BEGIN v_password := 'Tr0ub4dor&3'; END"),
            ["password"]
        );
        assert_eq!(
            kinds_in("plpython3u", "conf = {\"api_key\": \"live-8f3k2j\"}"),
            ["password"]
        );
        assert_eq!(
            kinds_in(
                "sql",
                "SELECT dblink_connect('host=db user=app password=hunter22 dbname=x')"
            ),
            ["connection_password"]
        );
        assert_eq!(
            kinds_in("sql", "SELECT 'postgres://app:hunter22@db/x'"),
            ["url_password"]
        );
    }

    #[test]
    fn silent_for_code_that_handles_passwords_without_holding_one() {
        for body in [
            "UPDATE users SET password = crypt(p_password, gen_salt('bf'))",
            "UPDATE users SET password=p_password WHERE id = p_id",
            "IF p_password = '' THEN RAISE 'empty'; END IF",
            "SELECT dblink_connect(format('host=%s password=%s', h, p))",
            "PERFORM set_config('app.password', '********', true)",
            "SELECT 'password=' || quote_literal(p)",
        ] {
            assert!(kinds_in("plpgsql", body).is_empty(), "{body}");
        }
    }

    #[test]
    fn finds_random_strings_in_literals_but_not_in_identifiers() {
        assert_eq!(
            kinds_in("sql", &format!("SELECT http_get('/x', '{RANDOM}')")),
            ["high_entropy"]
        );
        assert!(kinds_in("sql", &format!("SELECT \"{RANDOM}\" FROM t")).is_empty());
        assert_eq!(
            kinds_in("plv8", &format!("const key = \"{RANDOM}\";")),
            ["high_entropy"]
        );
    }

    #[test]
    fn silent_for_uuids_digests_identifiers_alphabets_and_images() {
        for literal in [
            "550e8400-e29b-41d4-a716-446655440000",
            "d41d8cd98f00b204e9800998ecf8427e",
            "products_2024_by_region_and_category",
            "MyApplicationSettings2024Version",
            "ABCDEFGHJKLMNPQRSTUVWXYZ23456789",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk",
            "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n",
        ] {
            let hits = run(&RULE, &with_body("sql", &format!("SELECT '{literal}'")));
            assert!(hits.is_empty(), "{literal}: {hits:?}");
        }
    }

    #[test]
    fn long_random_hex_is_a_secret() {
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        assert_eq!(
            kinds_in("sql", &format!("SELECT '{hex}'")),
            ["high_entropy"]
        );
    }

    #[test]
    fn looks_in_view_definitions_defaults_and_comments() {
        let mut t = table(1, "integrations");
        t.comment = Some(format!("Staging key: {AWS}"));
        let mut token = column(1, "token", "text");
        token.default = Some(format!("'{RANDOM}'::text"));
        token.comment = Some("password=hunter22".into());
        t.columns = vec![column(2, "plain", "text"), token];
        let mut v = view(2, "partner_feed", &[1]);
        v.definition = Some(format!(
            " SELECT http_get('https://x/?key=' || '{RANDOM}'::text) AS body;"
        ));
        let hits = run(
            &RULE,
            &Objects {
                tables: vec![t, v],
                ..Objects::default()
            }
            .catalog(),
        );
        let places: Vec<(&str, &str)> = hits
            .iter()
            .map(|h| (h.object_type, h.object_name.as_str()))
            .collect();
        assert_eq!(
            places,
            [
                ("table", "public.integrations"),
                ("column", "public.integrations.token"),
                ("view", "public.partner_feed"),
            ]
        );
        assert_eq!(
            hits[1].message,
            "public.integrations.token contains what looks like 2 hardcoded secrets \
             (random-looking string, password in a connection string) in its default and comment."
        );
    }

    #[test]
    fn an_apostrophe_in_a_comment_opens_no_string() {
        let body =
            format!("BEGIN\n  -- don't log it\n  PERFORM call('{RANDOM}'); -- it's fine\nEND");
        let hits = run(&RULE, &with_body("plpgsql", &body));
        assert_eq!(hits[0].detail["findings"][0]["line"], 3);
        let body = format!("# don't\nkey = '{RANDOM}'  # it's fine\n");
        assert_eq!(kinds_in("plpython3u", &body), ["high_entropy"]);
        let body = format!("/* can't */ SELECT '{RANDOM}'");
        assert_eq!(kinds_in("sql", &body), ["high_entropy"]);
    }

    #[test]
    fn placeholders_in_urls_and_assignments_are_no_secrets() {
        assert!(kinds_in("sql", "SELECT 'postgres://app:password@db/x'").is_empty());
        assert!(kinds_in("plpgsql", "v_password := '${DB_PASSWORD}';").is_empty());
    }

    #[test]
    fn c_functions_name_a_symbol_and_are_not_read() {
        assert!(kinds_in("c", RANDOM).is_empty());
    }

    #[test]
    fn options_set_the_threshold() {
        let c = with_body("sql", &format!("SELECT '{RANDOM}'"));
        assert!(run_with(&RULE, &c, &json!({"min_entropy": 4.0, "min_length": 30})).is_empty());
        assert!(run_with(&RULE, &c, &json!({"min_entropy": 5.0, "min_length": 24})).is_empty());
    }

    #[test]
    fn short_secrets_show_less() {
        assert_eq!(redact("hunter22"), "hu…");
        assert_eq!(redact(AWS), "AKIA…");
    }
}
