//! Where each statement of a script begins and ends.
//!
//! The server's grammar tells which bytes belong to which statement, but its ranges are loose:
//! a statement's range starts right after the previous semicolon (so it carries the comments and
//! blank lines before the statement) and ends at its own semicolon (so it carries any comment
//! before that). The server's scanner tells where every token starts and ends. A statement is
//! therefore exactly the text from the first to the last token inside its grammar range.

use std::ops::Range;

use super::command::Command;

/// A statement as the server's grammar delimits it: bytes `start..end` of the script, with
/// `None` as end for "up to the end of the script".
#[derive(Debug, Clone)]
pub struct GrammarStatement {
    pub start: usize,
    pub end: Option<usize>,
    pub command: Command,
}

/// One statement of a script, as the user wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    /// 1-based position in the script.
    pub number: usize,
    /// The statement without surrounding whitespace, comments or its terminating semicolon.
    pub text: &'a str,
    /// Bytes of the script before the statement.
    pub byte_offset: usize,
    /// Characters of the script before the statement: `substr(script, offset + 1)` starts with it.
    pub char_offset: usize,
    pub command: Command,
}

/// Cuts `script` into statements.
///
/// `grammar` holds the statements the server's grammar reported, in order. `tokens` are the
/// byte ranges of every token of the script, in order.
pub fn statements<'a>(
    script: &'a str,
    grammar: &[GrammarStatement],
    tokens: &[Range<usize>],
) -> Vec<Statement<'a>> {
    let mut chars = CharCounter::new(script);
    grammar
        .iter()
        .filter_map(|g| {
            tokens_within(tokens, g.start, g.end.unwrap_or(script.len())).map(|b| (b, g))
        })
        .enumerate()
        .map(|(index, (bytes, g))| Statement {
            number: index + 1,
            text: &script[bytes.clone()],
            byte_offset: bytes.start,
            char_offset: chars.chars_before(bytes.start),
            command: g.command.clone().relative_to(bytes.start),
        })
        .collect()
}

/// The text from the first token starting in `start..end` to the end of the last one, or `None`
/// when no token starts there (the grammar never reports such a statement, but a range is data).
fn tokens_within(tokens: &[Range<usize>], start: usize, end: usize) -> Option<Range<usize>> {
    let first = tokens.partition_point(|token| token.start < start);
    let past_last = tokens.partition_point(|token| token.start < end);
    (first < past_last).then(|| tokens[first].start..tokens[past_last - 1].end.min(end))
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
    fn semicolon_ranges(script: &str) -> Vec<GrammarStatement> {
        let statement = |start, end| GrammarStatement {
            start,
            end,
            command: Command::transactional("SELECT"),
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
        statements(
            script,
            &semicolon_ranges(script),
            &whitespace_tokens(script),
        )
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
        assert!(statements("", &[], &[]).is_empty());
    }

    #[test]
    fn char_counter_accumulates_across_calls() {
        let mut counter = CharCounter::new("aé b€ c");
        assert_eq!(counter.chars_before(0), 0);
        assert_eq!(counter.chars_before(3), 2);
        assert_eq!(counter.chars_before(10), 7);
    }
}
