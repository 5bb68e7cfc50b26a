//! Where each statement of a script begins and ends.
//!
//! The server's grammar tells which bytes belong to which statement, but its ranges are loose:
//! a statement's range starts right after the previous semicolon (so it carries the comments and
//! blank lines before the statement) and ends at its own semicolon (so it carries any comment
//! before that). The server's scanner tells where every token starts and ends. A statement is
//! therefore exactly the text from the first to the last token inside its grammar range.

use std::ops::Range;

/// A statement as the server's grammar delimits it: bytes `start..end` of the script, with
/// `None` as end for "up to the end of the script", and what is known of its command (`()`
/// when the caller did not ask).
#[derive(Debug, Clone)]
pub struct GrammarStatement<C> {
    pub start: usize,
    pub end: Option<usize>,
    pub command: C,
}

/// One statement of a script, as the user wrote it, with its command when asked for
/// ([`super::Command`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a, C = ()> {
    /// 1-based position in the script.
    pub number: usize,
    /// The statement without surrounding whitespace, comments or its terminating semicolon.
    pub text: &'a str,
    /// Bytes of the script before the statement.
    pub byte_offset: usize,
    /// Characters of the script before the statement: `substr(script, offset + 1)` starts with it.
    pub char_offset: usize,
    pub command: C,
}

/// Cuts `script` into statements.
///
/// `grammar` holds the statements the server's grammar reported, in order. `tokens` are the
/// byte ranges of every token of the script, in order.
pub fn statements<'a, C>(
    script: &'a str,
    grammar: Vec<GrammarStatement<C>>,
    tokens: &[Range<usize>],
) -> Vec<Statement<'a, C>> {
    let mut chars = CharCounter::new(script);
    let mut cursor = TokenCursor::new(tokens);
    grammar
        .into_iter()
        .filter_map(|g| {
            let own = cursor.starting_in(g.start, g.end.unwrap_or(script.len()));
            let bytes = own.first()?.start..own.last()?.end.min(g.end.unwrap_or(script.len()));
            Some((bytes, g))
        })
        .enumerate()
        .map(|(index, (bytes, g))| Statement {
            number: index + 1,
            text: &script[bytes.clone()],
            byte_offset: bytes.start,
            char_offset: chars.chars_before(bytes.start),
            command: g.command,
        })
        .collect()
}

/// Walks the tokens of a script once, statement after statement.
///
/// A binary search per statement would cost cache misses over the whole token array (hundreds
/// of thousands of tokens for a large script); statements come in order, so a cursor that only
/// moves forward visits each token once.
pub struct TokenCursor<'t> {
    tokens: &'t [Range<usize>],
    next: usize,
}

impl<'t> TokenCursor<'t> {
    pub fn new(tokens: &'t [Range<usize>]) -> Self {
        Self { tokens, next: 0 }
    }

    /// The tokens that start in `start..end`, which must not begin before the previous range.
    /// Empty when no token starts there (the grammar never reports such a statement, but a
    /// range is data).
    pub fn starting_in(&mut self, start: usize, end: usize) -> &'t [Range<usize>] {
        let tokens = self.tokens;
        while self.next < tokens.len() && tokens[self.next].start < start {
            self.next += 1;
        }
        let first = self.next;
        while self.next < tokens.len() && tokens[self.next].start < end {
            self.next += 1;
        }
        &tokens[first..self.next]
    }
}

/// Converts increasing byte offsets into character offsets in one pass over the text.
pub struct CharCounter<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl<'a> CharCounter<'a> {
    pub fn new(text: &'a str) -> Self {
        Self {
            text,
            byte: 0,
            chars: 0,
        }
    }

    /// Characters before byte offset `byte`, which must not be smaller than the previous one.
    pub fn chars_before(&mut self, byte: usize) -> usize {
        debug_assert!(byte >= self.byte, "offsets must increase");
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Token ranges of a script whose tokens are separated by whitespace only; enough to test
    /// the cutting without the server's scanner.
    fn whitespace_tokens(script: &str) -> Vec<Range<usize>> {
        let mut tokens = Vec::new();
        let mut start = None;
        for (i, c) in script.char_indices().chain([(script.len(), ' ')]) {
            match (c.is_whitespace() || c == ';', start) {
                (true, Some(s)) => {
                    tokens.push(s..i);
                    start = None;
                }
                (false, None) => start = Some(i),
                _ => {}
            }
            if c == ';' {
                tokens.push(i..i + 1);
            }
        }
        tokens
    }

    /// Ranges the way the grammar reports them for scripts without quotes or comments: from
    /// after one semicolon to the next, and the remainder to the end.
    fn semicolon_ranges(script: &str) -> Vec<GrammarStatement<()>> {
        let statement = |start, end| GrammarStatement {
            start,
            end,
            command: (),
        };
        let mut ranges = Vec::new();
        let mut start = 0;
        for (i, _) in script.match_indices(';') {
            ranges.push(statement(start, Some(i)));
            start = i + 1;
        }
        ranges.push(statement(start, None));
        ranges
    }

    fn split(script: &str) -> Vec<Statement<'_>> {
        statements(script, semicolon_ranges(script), &whitespace_tokens(script))
    }

    fn texts<'a>(statements: &[Statement<'a>]) -> Vec<&'a str> {
        statements.iter().map(|s| s.text).collect()
    }

    #[test]
    fn statement_text_excludes_what_precedes_its_first_token() {
        let script = "  \n\n  SELECT 1;\n\n   SELECT 2;";
        let found = split(script);
        assert_eq!(texts(&found), ["SELECT 1", "SELECT 2"]);
        assert_eq!(found[0].byte_offset, script.find("SELECT 1").unwrap());
        assert_eq!(found[1].byte_offset, script.find("SELECT 2").unwrap());
    }

    #[test]
    fn statement_text_excludes_what_follows_its_last_token() {
        assert_eq!(texts(&split("SELECT 1   \n  ")), ["SELECT 1"]);
    }

    #[test]
    fn numbers_count_only_statements_with_tokens() {
        let found = split("SELECT 1;   ;SELECT 2;");
        assert_eq!(texts(&found), ["SELECT 1", "SELECT 2"]);
        assert_eq!(found.iter().map(|s| s.number).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn char_offset_counts_characters_not_bytes() {
        let script = "SELECT 'é€';  SELECT 2";
        let second = &split(script)[1];
        assert_eq!(second.text, "SELECT 2");
        assert_eq!(second.byte_offset, 17);
        assert_eq!(second.char_offset, 14);
        assert_eq!(
            script.chars().skip(second.char_offset).collect::<String>(),
            "SELECT 2"
        );
    }

    #[test]
    fn empty_script_has_no_statements() {
        assert!(statements::<()>("", Vec::new(), &[]).is_empty());
    }

    #[test]
    fn token_cursor_gives_each_range_its_tokens() {
        let tokens = [0..6, 7..8, 8..9, 10..16, 17..18];
        let mut cursor = TokenCursor::new(&tokens);
        assert_eq!(cursor.starting_in(0, 9), &tokens[0..3]);
        assert_eq!(cursor.starting_in(9, 10), &[] as &[Range<usize>]);
        assert_eq!(cursor.starting_in(10, 100), &tokens[3..5]);
    }

    #[test]
    fn char_counter_accumulates_across_calls() {
        let mut counter = CharCounter::new("aé b€ c");
        assert_eq!(counter.chars_before(0), 0);
        assert_eq!(counter.chars_before(3), 2);
        assert_eq!(counter.chars_before(10), 7);
    }
}
