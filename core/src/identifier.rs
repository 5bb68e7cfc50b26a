//! SQL identifiers written the way the server's `quote_ident` writes them.

/// `name` as `quote_ident` writes it: bare when it is lower-case ASCII letters, digits, `_` and
/// `$` (not first) and `is_keyword` says it is no keyword that needs quotes; double-quoted, with
/// inner quotes doubled, otherwise.
pub fn quote_ident(name: &str, is_keyword: impl Fn(&str) -> bool) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '$');
    if plain && !is_keyword(name) {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_quotes() {
        let keyword = |w: &str| w == "user";
        assert_eq!(quote_ident("placed_at", keyword), "placed_at");
        assert_eq!(quote_ident("line_2$", keyword), "line_2$");
        assert_eq!(quote_ident("user", keyword), "\"user\"");
        assert_eq!(quote_ident("Placed", keyword), "\"Placed\"");
        assert_eq!(quote_ident("1st", keyword), "\"1st\"");
        assert_eq!(quote_ident("a\"b", keyword), "\"a\"\"b\"");
    }
}
