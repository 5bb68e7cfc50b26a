//! A character column named like a password or another credential (`password`, `api_key`,
//! `access_token`, `client_secret`) with nothing in its name saying it holds a hash: whoever
//! reads the table (a backup, a replica, a leaked dump, a support query) can log in as every
//! user.

use serde_json::{json, Value};

use super::{is_text_type, occurrences, words, NamePatterns, Quote};
use crate::lint::rule::{Hit, LintContext, LintRule};
use crate::severity::Severity;

pub const RULE: LintRule = LintRule {
    id: "plaintext_password_column",
    category: "security",
    severity: Severity::Error,
    enabled: true,
    description: "a text column named like a password or credential, not like a hash of one",
    options,
    check,
};

fn options() -> Value {
    json!({
        "patterns": [
            "password", "passwd", "pass_word", "pwd", "passphrase",
            "secret", "api_key", "apikey", "private_key", "token",
        ],
        "hash_markers": [
            "hash", "digest", "crypt", "bcrypt", "encrypted", "enc", "cipher", "hmac",
            "argon", "pbkdf", "md5", "sha1", "sha256", "sha512",
        ],
    })
}

/// Words that may follow the credential's name and still name the credential itself
/// (`password_plain`, `secret_key`, `token_value`, `password2`); any other word makes it
/// something about the credential (`password_hint`, `token_type`, `api_key_prefix`).
const SAME_VALUE: &[&str] = &[
    "plain",
    "plaintext",
    "clear",
    "cleartext",
    "raw",
    "value",
    "text",
    "str",
    "string",
    "key",
];

/// A marker of three characters or less must be a whole word (`password_enc`); a longer one
/// may be part of one (`passwordhash`, `bcrypt_password`, `encrypted_password`).
fn hashed(name: &str, words: &[String], markers: &[&str]) -> bool {
    let lower = name.to_lowercase();
    markers.iter().any(|m| {
        let m = m.to_lowercase();
        if m.chars().count() <= 3 {
            words.contains(&m)
        } else {
            lower.contains(&m)
        }
    })
}

fn credential(name: &[String], pattern: &[String]) -> bool {
    occurrences(name, pattern).any(|at| {
        name[at.end..]
            .iter()
            .all(|w| SAME_VALUE.contains(&w.as_str()) || w.chars().all(|c| c.is_ascii_digit()))
    })
}

fn check(context: &LintContext) -> Vec<Hit> {
    let quote = Quote::new(context.catalog);
    let markers = context.option_strings("hash_markers");
    let patterns = NamePatterns::new(context.option_strings("patterns"));
    let mut hits = Vec::new();
    for table in context.catalog.tables.iter().filter(|t| t.is_base_table()) {
        // Character strings only: a number or a timestamp (`token_expires_at`) holds no
        // credential, and `bytea` is how digests are usually kept.
        for column in table.columns.iter().filter(|c| is_text_type(&c.type_name)) {
            if column.generated || !patterns.may_match(&column.name) {
                continue;
            }
            let name = words(&column.name);
            let Some((pattern, _)) = patterns.patterns.iter().find(|(_, p)| credential(&name, p))
            else {
                continue;
            };
            if hashed(&column.name, &name, &markers) {
                continue;
            }
            let password = pattern.contains("pass") || pattern.contains("pwd");
            let hash_name = format!("{}_hash", column.name);
            let hash_exists = table.column_named(&hash_name).is_some();
            let hash_column = quote.ident(&hash_name);
            // A password is checked against a salted, slow hash; a token is looked up by its
            // digest, so that one must be deterministic.
            let (hash, check) = if password {
                (
                    format!("crypt({}, gen_salt('bf'))", column.quoted),
                    format!("crypt(input, {hash_column}) = {hash_column}"),
                )
            } else {
                (
                    format!("encode(digest({}, 'sha256'), 'hex')", column.quoted),
                    format!("{hash_column} = encode(digest(input, 'sha256'), 'hex')"),
                )
            };
            let mut sql = format!("-- pgcrypto; once the application checks {check}:\n");
            if !hash_exists {
                sql += &format!(
                    "ALTER TABLE {} ADD COLUMN {hash_column} text;\n",
                    table.qualified
                );
            }
            sql += &format!(
                "UPDATE {} SET {hash_column} = {hash} WHERE {} IS NOT NULL{};\n",
                table.qualified,
                column.quoted,
                if hash_exists {
                    format!(" AND {hash_column} IS NULL")
                } else {
                    String::new()
                }
            );
            sql += &format!(
                "ALTER TABLE {} DROP COLUMN {};",
                table.qualified, column.quoted
            );
            let what = if password {
                "a password"
            } else {
                "a credential"
            };
            hits.push(
                Hit::on_column(
                    table,
                    column,
                    format!(
                        "{}.{} looks like {what} stored in plain text.",
                        table.qualified, column.quoted
                    ),
                )
                .with_remediation(sql)
                .with_detail(json!({
                    "pattern": pattern,
                    "type": column.type_name,
                    "hash_column_exists": hash_exists,
                })),
            );
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::testing::*;

    fn users(columns: &[(&str, &str)]) -> crate::lint::catalog::LintCatalog {
        let mut t = table(1, "users");
        t.columns = columns
            .iter()
            .enumerate()
            .map(|(i, (name, type_name))| column(i as i16 + 1, name, type_name))
            .collect();
        catalog(vec![t], vec![], vec![])
    }

    fn names(hits: &[Hit]) -> Vec<&str> {
        hits.iter().map(|h| h.object_name.as_str()).collect()
    }

    #[test]
    fn fires_for_credentials_in_text_columns() {
        let hits = run(
            &RULE,
            &users(&[
                ("password", "text"),
                ("userPwd", "character varying(64)"),
                ("api_key", "text"),
                ("refresh_token", "text"),
                ("client_secret", "character varying"),
                ("secret_key", "text"),
                ("password_plain", "text"),
                ("password2", "text"),
            ]),
        );
        assert_eq!(
            names(&hits),
            [
                "public.users.password",
                "public.users.\"userPwd\"",
                "public.users.api_key",
                "public.users.refresh_token",
                "public.users.client_secret",
                "public.users.secret_key",
                "public.users.password_plain",
                "public.users.password2",
            ]
        );
        assert_eq!(
            hits[0].message,
            "public.users.password looks like a password stored in plain text."
        );
    }

    #[test]
    fn silent_for_hashes_and_things_about_a_credential() {
        let hits = run(
            &RULE,
            &users(&[
                ("password_hash", "text"),
                ("hashed_password", "text"),
                ("encrypted_password", "character varying"),
                ("crypted_password", "text"),
                ("passwordhash", "text"),
                ("password_enc", "text"),
                ("token_digest", "text"),
                ("password_hint", "text"),
                ("token_type", "text"),
                ("api_key_prefix", "text"),
                ("password_changed_at", "timestamp with time zone"),
                ("must_change_password", "boolean"),
                ("pwd_bytes", "bytea"),
                ("tokens_count", "integer"),
            ]),
        );
        assert!(hits.is_empty(), "{hits:?}");
    }

    #[test]
    fn a_password_gets_crypt_and_a_token_a_digest() {
        let hits = run(&RULE, &users(&[("password", "text"), ("token", "text")]));
        assert_eq!(
            hits[0].remediation.as_deref(),
            Some(
                "-- pgcrypto; once the application checks crypt(input, password_hash) = password_hash:\n\
                 ALTER TABLE public.users ADD COLUMN password_hash text;\n\
                 UPDATE public.users SET password_hash = crypt(password, gen_salt('bf')) WHERE password IS NOT NULL;\n\
                 ALTER TABLE public.users DROP COLUMN password;"
            )
        );
        assert!(hits[1]
            .remediation
            .as_deref()
            .unwrap()
            .contains("SET token_hash = encode(digest(token, 'sha256'), 'hex')"));
    }

    #[test]
    fn an_existing_hash_column_is_filled_where_empty() {
        let hits = run(
            &RULE,
            &users(&[("password", "text"), ("password_hash", "text")]),
        );
        let sql = hits[0].remediation.as_deref().unwrap();
        assert!(!sql.contains("ADD COLUMN"), "{sql}");
        assert!(sql.contains("AND password_hash IS NULL"), "{sql}");
        assert_eq!(hits[0].detail["hash_column_exists"], true);
    }

    #[test]
    fn the_options_replace_the_lists() {
        let c = users(&[("pin_code", "text"), ("sealed_password", "text")]);
        let hits = run_with(
            &RULE,
            &c,
            &json!({"patterns": ["pin_code", "password"], "hash_markers": ["sealed"]}),
        );
        assert_eq!(names(&hits), ["public.users.pin_code"]);
    }
}
