//! What the text of a script says beyond its statements: `-- confiture:ignore` comments, and
//! identifiers longer than PostgreSQL keeps.

/// PostgreSQL's NAMEDATALEN - 1: longer identifiers are truncated (with only a NOTICE).
pub const MAX_IDENTIFIER_BYTES: usize = 63;

const IGNORE: &str = "confiture:ignore";

/// The rule ids of every `confiture:ignore id[, id ...]` in `text` (to the end of its line or
/// comment).
pub fn ignored_rules(text: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(IGNORE) {
        rest = &rest[at + IGNORE.len()..];
        let end = rest.find(['\n', '*']).unwrap_or(rest.len());
        ids.extend(
            rest[..end]
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|id| !id.is_empty())
                .map(str::to_string),
        );
        rest = &rest[end..];
    }
    ids
}

/// Identifiers among `tokens` (unquoted or double-quoted) longer than PostgreSQL keeps.
pub fn long_identifiers<'a>(tokens: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    tokens
        .into_iter()
        .filter_map(|token| {
            let name = if token.len() > 1 && token.starts_with('"') && token.ends_with('"') {
                token[1..token.len() - 1].replace("\"\"", "\"")
            } else if token.starts_with(|c: char| c.is_alphabetic() || c == '_')
                && token
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
            {
                token.to_lowercase()
            } else {
                return None;
            };
            (name.len() > MAX_IDENTIFIER_BYTES).then_some(name)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_comments_list_rule_ids() {
        let text = "-- confiture:ignore prefer_text, missing_lock_timeout\n/* confiture:ignore truncate */";
        assert_eq!(
            ignored_rules(text),
            ["prefer_text", "missing_lock_timeout", "truncate"]
        );
        assert!(ignored_rules("-- nothing to see").is_empty());
    }

    #[test]
    fn identifiers_over_63_bytes_are_long() {
        let long = "a".repeat(64);
        let quoted = format!("\"{}\"", "É".repeat(32));
        let tokens = [
            "CREATE",
            "TABLE",
            long.as_str(),
            quoted.as_str(),
            "'x'",
            "ok",
        ];
        assert_eq!(long_identifiers(tokens), [long.clone(), "É".repeat(32)]);
        assert!(long_identifiers([&"b".repeat(63)[..]]).is_empty());
    }
}
