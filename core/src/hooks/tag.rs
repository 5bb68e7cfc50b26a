//! The tag that makes a function a hook without registering it, so that another extension can
//! ship hooks in its install script:
//!
//! ```sql
//! COMMENT ON FUNCTION audit.record_ddl(jsonb) IS
//!     'Records every migration. @confiture.hook phase=after_ddl priority=10 timeout=5s';
//! ```
//!
//! The tag runs to the end of its line: `phase` is required, `priority` (default 100) and
//! `timeout` (default 30s, a duration as `statement_timeout` takes it) are optional.

use super::Phase;
use crate::json_options::{in_timeout_range, milliseconds};

pub const MARKER: &str = "@confiture.hook";
pub const DEFAULT_PRIORITY: i32 = 100;
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub phase: Phase,
    pub priority: i32,
    pub timeout_ms: u32,
}

/// The tag in `comment`: `None` when there is none, an error message when it is malformed.
pub fn parse(comment: &str) -> Option<Result<Tag, String>> {
    let start = comment.find(MARKER)? + MARKER.len();
    let rest = &comment[start..];
    if rest.starts_with(|c: char| !c.is_whitespace()) {
        // `@confiture.hooks`, `@confiture.hook_x`: some other word.
        return None;
    }
    let line = rest.lines().next().unwrap_or_default();
    Some(read(line))
}

fn read(line: &str) -> Result<Tag, String> {
    let mut phase = None;
    let mut priority = DEFAULT_PRIORITY;
    let mut timeout_ms = DEFAULT_TIMEOUT_MS;
    for word in line.split_whitespace() {
        let (key, value) = word
            .split_once('=')
            .ok_or_else(|| format!("\"{word}\" is not key=value"))?;
        match key {
            "phase" => {
                phase = Some(Phase::from_name(value).ok_or_else(|| {
                    format!("unknown phase \"{value}\" (phases: {})", Phase::names())
                })?)
            }
            "priority" => {
                priority = value
                    .parse()
                    .map_err(|_| format!("priority \"{value}\" is not an integer"))?
            }
            "timeout" => {
                timeout_ms = milliseconds(value)
                    .and_then(in_timeout_range)
                    .filter(|ms| *ms > 0)
                    .ok_or_else(|| format!("timeout \"{value}\" is not a positive duration"))?
            }
            _ => {
                return Err(format!(
                    "unknown key \"{key}\" (keys: phase, priority, timeout)"
                ))
            }
        }
    }
    let phase = phase.ok_or("phase=... is missing")?;
    Ok(Tag {
        phase,
        priority,
        timeout_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_with_every_key() {
        let tag = parse("Audit. @confiture.hook phase=after_ddl priority=10 timeout=5s")
            .unwrap()
            .unwrap();
        assert_eq!(
            tag,
            Tag {
                phase: Phase::AfterDdl,
                priority: 10,
                timeout_ms: 5_000
            }
        );
    }

    #[test]
    fn priority_and_timeout_have_defaults() {
        let tag = parse("@confiture.hook phase=cleanup").unwrap().unwrap();
        assert_eq!(tag.priority, DEFAULT_PRIORITY);
        assert_eq!(tag.timeout_ms, DEFAULT_TIMEOUT_MS);
    }

    #[test]
    fn the_tag_ends_with_its_line() {
        let tag = parse("@confiture.hook phase=on_error\nSee priority=1 in the docs.")
            .unwrap()
            .unwrap();
        assert_eq!(tag.priority, DEFAULT_PRIORITY);
    }

    #[test]
    fn comments_without_the_tag_are_not_hooks() {
        assert_eq!(parse("An ordinary function."), None);
        assert_eq!(parse("@confiture.hooks are documented elsewhere"), None);
    }

    #[test]
    fn malformed_tags_say_what_is_wrong() {
        let error = |comment| parse(comment).unwrap().unwrap_err();
        assert_eq!(error("@confiture.hook priority=1"), "phase=... is missing");
        assert!(error("@confiture.hook phase=after").starts_with("unknown phase \"after\""));
        assert_eq!(
            error("@confiture.hook phase=cleanup priority=high"),
            "priority \"high\" is not an integer"
        );
        assert_eq!(
            error("@confiture.hook phase=cleanup timeout=0"),
            "timeout \"0\" is not a positive duration"
        );
        assert_eq!(
            error("@confiture.hook phase=cleanup fast"),
            "\"fast\" is not key=value"
        );
        assert!(error("@confiture.hook phase=cleanup owner=me").starts_with("unknown key"));
    }
}
