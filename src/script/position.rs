//! Places in a script told the way people read them: line, column, the line itself.

/// A place in a script, 1-based like PostgreSQL's error cursor and every editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Character index from 1, as PostgreSQL's `errposition` counts.
    pub character: usize,
    pub line: usize,
    pub column: usize,
    byte: usize,
}

impl Position {
    /// The place of the 1-based character index `character` (PostgreSQL's error cursor), or
    /// `None` when it lies outside the script.
    pub fn of_character(script: &str, character: usize) -> Option<Position> {
        let byte = match character {
            0 => return None,
            c if c == script.chars().count() + 1 => script.len(),
            c => script.char_indices().nth(c - 1)?.0,
        };
        let before = &script[..byte];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Some(Position {
            character,
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            byte,
        })
    }

    /// The whole line the position is on, without its line break.
    pub fn line_text<'a>(&self, script: &'a str) -> &'a str {
        let start = script[..self.byte]
            .rfind('\n')
            .map_or(0, |newline| newline + 1);
        let end = script[self.byte..]
            .find('\n')
            .map_or(script.len(), |n| self.byte + n);
        script[start..end].trim_end_matches('\r')
    }

    /// The psql meta-command (`\copy`, `\i`, `\set`, ...) that starts at this position, if any.
    /// The server's scanner has no token for a backslash outside a literal, so a syntax error
    /// right at one means the script was written for psql.
    pub fn psql_meta_command<'a>(&self, script: &'a str) -> Option<&'a str> {
        let rest = &script[self.byte..];
        if !rest.starts_with('\\') {
            return None;
        }
        let end = rest[1..]
            .find(|c: char| c.is_whitespace() || c == '\\')
            .map_or(rest.len(), |n| n + 1);
        Some(&rest[..end])
    }

    /// Line, column and the line itself with a caret under the position, for an error DETAIL.
    pub fn describe(&self, script: &str) -> String {
        let line = self.line_text(script);
        let caret_indent: String = line
            .chars()
            .take(self.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        format!(
            "At line {}, column {} of the script:\n{line}\n{caret_indent}^",
            self.line, self.column
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "SELECT 1;\nALTER TABEL t;\n\tSELECT é, 2";

    #[test]
    fn first_character_is_line_one_column_one() {
        let position = Position::of_character(SCRIPT, 1).unwrap();
        assert_eq!((position.line, position.column), (1, 1));
    }

    #[test]
    fn line_and_column_count_from_the_last_line_break() {
        let position = Position::of_character(SCRIPT, 17).unwrap();
        assert_eq!((position.line, position.column), (2, 7));
        assert_eq!(position.line_text(SCRIPT), "ALTER TABEL t;");
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let comma = SCRIPT.chars().position(|c| c == ',').unwrap() + 1;
        let position = Position::of_character(SCRIPT, comma).unwrap();
        assert_eq!((position.line, position.column), (3, 10));
    }

    #[test]
    fn position_just_past_the_end_is_valid() {
        let end = SCRIPT.chars().count() + 1;
        let position = Position::of_character(SCRIPT, end).unwrap();
        assert_eq!(position.line, 3);
        assert_eq!(position.line_text(SCRIPT), "\tSELECT é, 2");
    }

    #[test]
    fn positions_outside_the_script_are_none() {
        assert_eq!(Position::of_character(SCRIPT, 0), None);
        assert_eq!(
            Position::of_character(SCRIPT, SCRIPT.chars().count() + 2),
            None
        );
    }

    #[test]
    fn describe_puts_a_caret_under_the_column() {
        let position = Position::of_character(SCRIPT, 17).unwrap();
        assert_eq!(
            position.describe(SCRIPT),
            "At line 2, column 7 of the script:\nALTER TABEL t;\n      ^"
        );
    }

    #[test]
    fn describe_keeps_tabs_so_the_caret_lines_up() {
        let e_acute = SCRIPT.chars().position(|c| c == 'é').unwrap() + 1;
        let position = Position::of_character(SCRIPT, e_acute).unwrap();
        assert!(position
            .describe(SCRIPT)
            .ends_with("\tSELECT é, 2\n\t       ^"));
    }

    #[test]
    fn psql_meta_command_is_the_backslash_word() {
        let script = "SELECT 1;\n\\set ON_ERROR_STOP on\n";
        let position = Position::of_character(script, 11).unwrap();
        assert_eq!(position.psql_meta_command(script), Some("\\set"));
        assert_eq!(position.line, 2);
    }

    #[test]
    fn psql_meta_command_stops_at_the_next_backslash() {
        let script = "SELECT 1 \\gset\\echo x";
        let position = Position::of_character(script, 10).unwrap();
        assert_eq!(position.psql_meta_command(script), Some("\\gset"));
    }

    #[test]
    fn no_psql_meta_command_elsewhere() {
        let position = Position::of_character(SCRIPT, 17).unwrap();
        assert_eq!(position.psql_meta_command(SCRIPT), None);
    }
}
