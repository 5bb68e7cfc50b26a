//! Lifecycle events written to the server log (`confiture.log_format`,
//! `confiture.log_min_level`): what each event is called, how important it is, and its line in
//! either format. The extension decides when an event happens and hands the line to `ereport`.

use serde_json::Value;

/// Every event Confiture reports, in the order a migration meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    MigrationStart,
    ExecutingHooks,
    HookStart,
    HookCompleted,
    HookFailed,
    PhaseCompleted,
    MigrationCompleted,
    MigrationFailed,
    DryRunStart,
    DryRunCompleted,
    DryRunFailed,
    LintCompleted,
}

impl EventKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::MigrationStart => "migration_start",
            Self::ExecutingHooks => "executing_hooks",
            Self::HookStart => "hook_start",
            Self::HookCompleted => "hook_completed",
            Self::HookFailed => "hook_failed",
            Self::PhaseCompleted => "phase_completed",
            Self::MigrationCompleted => "migration_completed",
            Self::MigrationFailed => "migration_failed",
            Self::DryRunStart => "dry_run_start",
            Self::DryRunCompleted => "dry_run_completed",
            Self::DryRunFailed => "dry_run_failed",
            Self::LintCompleted => "lint_completed",
        }
    }

    /// Failures are warnings; the steps inside a migration are details; the rest tells what
    /// happened to the database.
    pub fn level(self) -> Level {
        match self {
            Self::HookFailed | Self::MigrationFailed | Self::DryRunFailed => Level::Warning,
            Self::ExecutingHooks | Self::HookStart | Self::HookCompleted | Self::PhaseCompleted => {
                Level::Debug
            }
            _ => Level::Info,
        }
    }
}

/// How important an event is; `confiture.log_min_level` drops the events below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Debug,
    Info,
    Warning,
}

impl Level {
    pub const NAMES: [&'static str; 3] = ["debug", "info", "warning"];

    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "debug" => Some(Self::Debug),
            "info" => Some(Self::Info),
            "warning" => Some(Self::Warning),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        Self::NAMES[self as usize]
    }
}

/// `confiture.log_format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `confiture: <event> key=value ...`, values quoted when they need it.
    Text,
    /// One JSON object per line: a log collector parses it without knowing Confiture.
    Json,
}

/// One event and the fields it carries; absent fields are left out of the line.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: EventKind,
    pub migration: Option<String>,
    pub phase: Option<String>,
    pub hook: Option<String>,
    /// How many hooks a phase is about to run (`executing_hooks`).
    pub hooks: Option<usize>,
    pub duration_ms: Option<f64>,
    pub rows: Option<u64>,
    pub error: Option<String>,
}

impl Event {
    pub fn new(kind: EventKind) -> Self {
        Self {
            kind,
            migration: None,
            phase: None,
            hook: None,
            hooks: None,
            duration_ms: None,
            rows: None,
            error: None,
        }
    }

    pub fn migration(mut self, version: &str) -> Self {
        self.migration = Some(version.to_string());
        self
    }

    pub fn phase(mut self, phase: &str) -> Self {
        self.phase = Some(phase.to_string());
        self
    }

    pub fn hook(mut self, name: &str) -> Self {
        self.hook = Some(name.to_string());
        self
    }

    pub fn hooks(mut self, count: usize) -> Self {
        self.hooks = Some(count);
        self
    }

    pub fn duration_ms(mut self, ms: f64) -> Self {
        // Microseconds are the precision worth logging.
        self.duration_ms = Some((ms * 1000.0).round() / 1000.0);
        self
    }

    pub fn rows(mut self, rows: u64) -> Self {
        self.rows = Some(rows);
        self
    }

    pub fn error(mut self, message: &str) -> Self {
        self.error = Some(message.to_string());
        self
    }

    /// The fields in their documented order, present ones only.
    fn fields(&self) -> Vec<(&'static str, Value)> {
        let text = |v: &Option<String>| v.as_ref().map(|s| Value::from(s.as_str()));
        [
            ("migration", text(&self.migration)),
            ("phase", text(&self.phase)),
            ("hook", text(&self.hook)),
            ("hooks", self.hooks.map(Value::from)),
            ("duration_ms", self.duration_ms.map(Value::from)),
            ("rows", self.rows.map(Value::from)),
            ("error", text(&self.error)),
        ]
        .into_iter()
        .filter_map(|(name, value)| Some((name, value?)))
        .collect()
    }

    /// The log line (without the server's prefix).
    pub fn line(&self, format: Format) -> String {
        match format {
            // Written by hand rather than through a map, whose keys would come out sorted:
            // `event` first makes the lines easy to find and to read.
            Format::Json => {
                let mut line = format!(
                    "{{\"event\":\"{}\",\"level\":\"{}\"",
                    self.kind.name(),
                    self.kind.level().name()
                );
                for (name, value) in self.fields() {
                    line.push_str(&format!(",\"{name}\":{value}"));
                }
                line.push('}');
                line
            }
            Format::Text => {
                let mut line = format!("confiture: {}", self.kind.name());
                for (name, value) in self.fields() {
                    let value = match value {
                        Value::String(s) => logfmt_value(&s),
                        other => other.to_string(),
                    };
                    line.push_str(&format!(" {name}={value}"));
                }
                line
            }
        }
    }
}

/// A text value as logfmt writes it: bare when it is one plain word, otherwise quoted with
/// quotes, backslashes and line breaks escaped, so that one event stays one line.
fn logfmt_value(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_alphanumeric() || "._-:/@+".contains(c));
    if plain {
        value.to_string()
    } else {
        Value::from(value).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn completed_hook() -> Event {
        Event::new(EventKind::HookCompleted)
            .migration("V7")
            .phase("after_ddl")
            .hook("audit")
            .duration_ms(1.23456)
    }

    #[test]
    fn json_lines_are_one_object_with_the_event_and_its_present_fields() {
        let line = completed_hook().line(Format::Json);
        assert!(!line.contains('\n'));
        assert!(line.starts_with("{\"event\":\"hook_completed\",\"level\":\"debug\","));
        let parsed: Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({"event": "hook_completed", "level": "debug", "migration": "V7",
                               "phase": "after_ddl", "hook": "audit", "duration_ms": 1.235})
        );
    }

    #[test]
    fn text_lines_quote_values_that_are_not_one_word() {
        let line = Event::new(EventKind::MigrationFailed)
            .migration("V7")
            .error("relation \"t\" does not exist\nsecond line")
            .line(Format::Text);
        assert_eq!(
            line,
            "confiture: migration_failed migration=V7 \
             error=\"relation \\\"t\\\" does not exist\\nsecond line\""
        );
    }

    #[test]
    fn text_lines_keep_numbers_bare() {
        let line = Event::new(EventKind::ExecutingHooks)
            .phase("before_ddl")
            .hooks(3)
            .line(Format::Text);
        assert_eq!(line, "confiture: executing_hooks phase=before_ddl hooks=3");
    }

    #[test]
    fn failures_are_warnings_and_steps_are_details() {
        assert_eq!(EventKind::HookFailed.level(), Level::Warning);
        assert_eq!(EventKind::HookStart.level(), Level::Debug);
        assert_eq!(EventKind::MigrationCompleted.level(), Level::Info);
        assert!(Level::Debug < Level::Info && Level::Info < Level::Warning);
        for name in Level::NAMES {
            assert_eq!(Level::from_name(name).unwrap().name(), name);
        }
    }
}
