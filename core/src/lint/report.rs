//! `confiture.lint_report(format, ...)`: findings rendered for a person (`text`), a program
//! (`json`), code scanning (`sarif`), GitHub Actions annotations (`github`) or a CI test report
//! (`junit`). Pure functions of the findings, in the order given (the engine's: errors first);
//! no output ends with a newline.

use serde::Serialize;
use serde_json::Value;

use super::engine::{LintFinding, RULE_FAILED};
use super::rules;
use crate::severity::Severity;

/// Every format `render` knows, in the order the hint lists them.
pub const FORMATS: &[&str] = &["text", "json", "sarif", "github", "junit"];

/// Why a report could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportError {
    pub message: String,
    pub hint: String,
}

/// `findings` in `format`; `tool_version` is the extension's version, for SARIF's tool.
pub fn render(
    format: &str,
    findings: &[LintFinding],
    tool_version: &str,
) -> Result<String, ReportError> {
    match format {
        "text" => Ok(text(findings)),
        "json" => Ok(json(findings)),
        "sarif" => Ok(sarif(findings, tool_version)),
        "github" => Ok(github(findings)),
        "junit" => Ok(junit(findings)),
        _ => Err(ReportError {
            message: format!("unknown lint_report format \"{format}\""),
            hint: format!("Formats: {}.", FORMATS.join(", ")),
        }),
    }
}

/// How many findings of each severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

pub fn counts(findings: &[LintFinding]) -> Counts {
    let mut counts = Counts::default();
    for finding in findings {
        match finding.severity {
            Severity::Error => counts.error += 1,
            Severity::Warning => counts.warning += 1,
            Severity::Info => counts.info += 1,
        }
    }
    counts
}

/// The groups of the text report: severity, heading, and the singular and plural of the
/// summary.
const GROUPS: [(Severity, &str, &str, &str); 3] = [
    (Severity::Error, "Errors", "error", "errors"),
    (Severity::Warning, "Warnings", "warning", "warnings"),
    (Severity::Info, "Info", "info", "info"),
];

fn counted(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}

/// For a person: one group per severity (errors, warnings, info) headed by its count, one line
/// per finding with the rule, the object and the message in aligned columns, the remediation
/// indented below it, and a summary line.
pub fn text(findings: &[LintFinding]) -> String {
    if findings.is_empty() {
        return "No findings.".into();
    }
    let mut blocks = Vec::new();
    for (severity, heading, _, _) in GROUPS {
        let group: Vec<&LintFinding> = findings.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() {
            continue;
        }
        let rule_width = group.iter().map(|f| width(f.rule)).max().unwrap_or(0);
        let object_width = group
            .iter()
            .map(|f| width(&f.object_name))
            .max()
            .unwrap_or(0);
        let message_column = " ".repeat(2 + rule_width + 2 + object_width + 2);
        let mut lines = vec![format!("{heading} ({})", group.len())];
        for finding in group {
            let mut message = finding.message.lines();
            let line = format!(
                "  {:<rule_width$}  {:<object_width$}  {}",
                finding.rule,
                finding.object_name,
                message.next().unwrap_or("")
            );
            lines.push(line.trim_end().to_string());
            lines.extend(
                message.map(|more| format!("{message_column}{more}").trim_end().to_string()),
            );
            if let Some(remediation) = &finding.remediation {
                lines.extend(
                    remediation
                        .lines()
                        .map(|sql| format!("      {sql}").trim_end().to_string()),
                );
            }
        }
        blocks.push(lines.join("\n"));
    }
    let counts = counts(findings);
    let summary = [counts.error, counts.warning, counts.info]
        .into_iter()
        .zip(GROUPS)
        .map(|(n, (_, _, singular, plural))| counted(n, singular, plural))
        .collect::<Vec<_>>()
        .join(", ");
    blocks.push(summary);
    blocks.join("\n\n")
}

/// Display width as the columns count it: one per character.
fn width(text: &str) -> usize {
    text.chars().count()
}

#[derive(Serialize)]
struct JsonReport<'a> {
    findings: Vec<JsonFinding<'a>>,
    counts: Counts,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'static str,
    category: &'a str,
    object_type: &'a str,
    object_name: &'a str,
    message: &'a str,
    remediation: Option<&'a str>,
    detail: &'a Value,
    fingerprint: &'a str,
}

/// For a program: every field of every finding, and the counts per severity.
pub fn json(findings: &[LintFinding]) -> String {
    let report = JsonReport {
        findings: findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule,
                severity: f.severity.name(),
                category: f.category,
                object_type: f.object_type,
                object_name: &f.object_name,
                message: &f.message,
                remediation: f.remediation.as_deref(),
                detail: &f.detail,
                fingerprint: &f.fingerprint,
            })
            .collect(),
        counts: counts(findings),
    };
    serde_json::to_string_pretty(&report).expect("a report of strings and JSON values serializes")
}

/// Where SARIF consumers send a reader for the tool; the project has no public home yet, so
/// `informationUri` is left out until it does.
pub const INFORMATION_URI: Option<&str> = None;

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct SarifLog<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'a>; 1],
}

#[derive(Serialize)]
struct SarifRun<'a> {
    tool: SarifTool<'a>,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct SarifTool<'a> {
    driver: SarifDriver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver<'a> {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    version: &'a str,
    rules: Vec<SarifRule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule<'a> {
    id: &'a str,
    short_description: SarifText<'a>,
    default_configuration: SarifConfiguration,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<SarifRuleProperties<'a>>,
}

#[derive(Serialize)]
struct SarifText<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct SarifRuleProperties<'a> {
    category: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: SarifText<'a>,
    locations: [SarifLocation<'a>; 1],
    partial_fingerprints: SarifFingerprints<'a>,
    properties: SarifResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'a> {
    logical_locations: [SarifLogicalLocation<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct SarifFingerprints<'a> {
    #[serde(rename = "confiture/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResultProperties<'a> {
    category: &'a str,
    object_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    remediation: Option<&'a str>,
    #[serde(skip_serializing_if = "Value::is_null")]
    detail: &'a Value,
}

/// SARIF's level for a severity.
pub fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// SARIF's logical location kind (from the values the spec suggests, §3.33.7) for an object
/// type.
pub fn sarif_kind(object_type: &str) -> &'static str {
    match object_type {
        "table" | "view" => "type",
        "column" => "member",
        "function" => "function",
        "schema" => "namespace",
        "extension" | "sequence" => "resource",
        // index, constraint, policy, and the rule a `lint_rule_failed` finding names.
        _ => "object",
    }
}

/// For code scanning: a SARIF 2.1.0 log of one run, whose driver describes the rules that have
/// findings; each result is located logically at its object (schemas have no files) and keeps
/// its fingerprint and remediation.
pub fn sarif(findings: &[LintFinding], tool_version: &str) -> String {
    let mut rule_ids: Vec<&str> = Vec::new();
    let mut descriptors = Vec::new();
    let mut results = Vec::new();
    for finding in findings {
        let rule_index = match rule_ids.iter().position(|id| *id == finding.rule) {
            Some(index) => index,
            None => {
                rule_ids.push(finding.rule);
                descriptors.push(descriptor(finding));
                rule_ids.len() - 1
            }
        };
        results.push(SarifResult {
            rule_id: finding.rule,
            rule_index,
            level: sarif_level(finding.severity),
            message: SarifText {
                text: &finding.message,
            },
            locations: [SarifLocation {
                logical_locations: [SarifLogicalLocation {
                    fully_qualified_name: &finding.object_name,
                    kind: sarif_kind(finding.object_type),
                }],
            }],
            partial_fingerprints: SarifFingerprints {
                v1: &finding.fingerprint,
            },
            properties: SarifResultProperties {
                category: finding.category,
                object_type: finding.object_type,
                remediation: finding.remediation.as_deref(),
                detail: &finding.detail,
            },
        });
    }
    let log = SarifLog {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "confiture",
                    information_uri: INFORMATION_URI,
                    version: tool_version,
                    rules: descriptors,
                },
            },
            results,
        }],
    };
    serde_json::to_string_pretty(&log).expect("a SARIF log of strings and JSON values serializes")
}

/// The reporting descriptor of the rule of `finding`: from the registry; `lint_rule_failed`
/// (the engine's own) and any rule the registry does not know are described from the finding.
fn descriptor(finding: &LintFinding) -> SarifRule<'static> {
    if let Some(rule) = rules::find(finding.rule) {
        return SarifRule {
            id: rule.id,
            short_description: SarifText {
                text: rule.description,
            },
            default_configuration: SarifConfiguration {
                level: sarif_level(rule.severity),
            },
            properties: Some(SarifRuleProperties {
                category: rule.category,
            }),
        };
    }
    let (text, properties) = if finding.rule == RULE_FAILED {
        ("a lint rule that failed, so reported nothing", None)
    } else {
        (
            finding.rule,
            Some(SarifRuleProperties {
                category: finding.category,
            }),
        )
    };
    SarifRule {
        id: finding.rule,
        short_description: SarifText { text },
        default_configuration: SarifConfiguration {
            level: sarif_level(finding.severity),
        },
        properties,
    }
}

/// For GitHub Actions: one workflow command per finding, `::error`, `::warning` or `::notice`,
/// titled with the rule.
pub fn github(findings: &[LintFinding]) -> String {
    findings
        .iter()
        .map(|f| {
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            format!(
                "::{command} title={}::{}",
                github_property(f.rule),
                github_data(&format!("{}: {}", f.object_name, f.message))
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A workflow command's message: `%`, CR and LF escaped.
pub fn github_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as a message, and `:` and `,` escaped too.
pub fn github_property(text: &str) -> String {
    github_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// For a CI test report: one JUnit test case per finding, classed by category; errors and
/// warnings fail with the message and the remediation, info passes with them as output.
pub fn junit(findings: &[LintFinding]) -> String {
    let counts = counts(findings);
    let failures = counts.error + counts.warning;
    let totals = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\"",
        findings.len()
    );
    let mut xml = vec![
        r#"<?xml version="1.0" encoding="UTF-8"?>"#.to_string(),
        format!(r#"<testsuites name="confiture" {totals}>"#),
    ];
    if findings.is_empty() {
        xml.push(format!(r#"  <testsuite name="confiture.lint" {totals}/>"#));
    } else {
        xml.push(format!(r#"  <testsuite name="confiture.lint" {totals}>"#));
        for finding in findings {
            xml.push(format!(
                r#"    <testcase classname="{}" name="{}">"#,
                xml_attribute(finding.category),
                xml_attribute(&format!("{}: {}", finding.rule, finding.object_name))
            ));
            let mut body = finding.message.clone();
            if let Some(remediation) = &finding.remediation {
                body.push_str("\n\n");
                body.push_str(remediation);
            }
            xml.push(match finding.severity {
                Severity::Error | Severity::Warning => format!(
                    r#"      <failure type="{}" message="{}">{}</failure>"#,
                    finding.severity.name(),
                    xml_attribute(&finding.message),
                    xml_text(&body)
                ),
                Severity::Info => format!("      <system-out>{}</system-out>", xml_text(&body)),
            });
            xml.push("    </testcase>".into());
        }
        xml.push("  </testsuite>".into());
    }
    xml.push("</testsuites>".into());
    xml.join("\n")
}

/// Text content: `& < > " '` escaped, CR kept as a reference (parsers would drop it), and
/// characters XML 1.0 cannot carry at all replaced by U+FFFD.
pub fn xml_text(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' | '\n' => escaped.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => escaped.push('\u{fffd}'),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// An attribute value: as text, and tabs and line breaks as references, which attribute value
/// normalization would otherwise turn into spaces.
pub fn xml_attribute(text: &str) -> String {
    xml_text(text).replace('\t', "&#9;").replace('\n', "&#10;")
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn finding(
        rule: &'static str,
        severity: Severity,
        category: &'static str,
        object: (&'static str, &str),
        message: &str,
        remediation: Option<&str>,
    ) -> LintFinding {
        LintFinding {
            remediation: remediation.map(str::to_string),
            ..LintFinding::new(rule, severity, category, object.0, object.1, message)
        }
    }

    /// Two errors (one from a rule that failed), a warning with a two-line remediation, an info.
    fn sample() -> Vec<LintFinding> {
        vec![
            finding(
                "missing_primary_key",
                Severity::Error,
                "structure",
                ("table", "public.audit_log"),
                "public.audit_log has no primary key.",
                Some("ALTER TABLE public.audit_log ADD PRIMARY KEY (id);"),
            ),
            finding(
                RULE_FAILED,
                Severity::Error,
                "indexes",
                ("rule", "fk_without_index"),
                "Rule fk_without_index failed and reported nothing: boom",
                None,
            ),
            finding(
                "fk_without_index",
                Severity::Warning,
                "indexes",
                ("constraint", "public.orders.orders_customer_id_fkey"),
                "No index covers the foreign key (customer_id).",
                Some("CREATE INDEX CONCURRENTLY orders_customer_id_idx\n    ON public.orders (customer_id);"),
            ),
            finding(
                "missing_table_comment",
                Severity::Info,
                "documentation",
                ("table", "public.orders"),
                "public.orders has no comment.",
                None,
            ),
        ]
    }

    #[test]
    fn an_unknown_format_is_refused_with_the_list() {
        let error = render("yaml", &sample(), "0.1.0").unwrap_err();
        assert_eq!(error.message, "unknown lint_report format \"yaml\"");
        assert_eq!(error.hint, "Formats: text, json, sarif, github, junit.");
        assert!(render("TEXT", &[], "0.1.0").is_err());
        for format in FORMATS {
            assert!(render(format, &sample(), "0.1.0").is_ok(), "{format}");
        }
    }

    #[test]
    fn text_groups_by_severity_in_aligned_columns() {
        let expected = "\
Errors (2)
  missing_primary_key  public.audit_log  public.audit_log has no primary key.
      ALTER TABLE public.audit_log ADD PRIMARY KEY (id);
  lint_rule_failed     fk_without_index  Rule fk_without_index failed and reported nothing: boom

Warnings (1)
  fk_without_index  public.orders.orders_customer_id_fkey  No index covers the foreign key (customer_id).
      CREATE INDEX CONCURRENTLY orders_customer_id_idx
          ON public.orders (customer_id);

Info (1)
  missing_table_comment  public.orders  public.orders has no comment.

2 errors, 1 warning, 1 info";
        assert_eq!(render("text", &sample(), "0.1.0").unwrap(), expected);
    }

    #[test]
    fn text_aligns_by_characters_and_continues_messages_under_their_column() {
        let findings = [
            finding(
                "a",
                Severity::Warning,
                "naming",
                ("table", "public.\"café\""),
                "first line\nsecond line",
                None,
            ),
            finding(
                "long_rule",
                Severity::Warning,
                "naming",
                ("table", "public.t"),
                "m",
                None,
            ),
        ];
        let expected = "\
Warnings (2)
  a          public.\"café\"  first line
                            second line
  long_rule  public.t       m

0 errors, 2 warnings, 0 info";
        assert_eq!(text(&findings), expected);
    }

    #[test]
    fn text_without_findings() {
        assert_eq!(render("text", &[], "0.1.0").unwrap(), "No findings.");
    }

    #[test]
    fn json_has_every_field_and_the_counts() {
        let mut findings = sample();
        findings.truncate(1);
        findings[0].detail = json!({"columns": 2});
        let expected = format!(
            r#"{{
  "findings": [
    {{
      "rule": "missing_primary_key",
      "severity": "error",
      "category": "structure",
      "object_type": "table",
      "object_name": "public.audit_log",
      "message": "public.audit_log has no primary key.",
      "remediation": "ALTER TABLE public.audit_log ADD PRIMARY KEY (id);",
      "detail": {{
        "columns": 2
      }},
      "fingerprint": "{}"
    }}
  ],
  "counts": {{
    "error": 1,
    "warning": 0,
    "info": 0
  }}
}}"#,
            findings[0].fingerprint
        );
        assert_eq!(render("json", &findings, "0.1.0").unwrap(), expected);

        let all: Value = serde_json::from_str(&json(&sample())).unwrap();
        assert_eq!(all["counts"], json!({"error": 2, "warning": 1, "info": 1}));
        assert_eq!(all["findings"][1]["remediation"], Value::Null);
        assert_eq!(all["findings"][3]["severity"], "info");
        assert_eq!(all["findings"].as_array().unwrap().len(), 4);
    }

    #[test]
    fn json_without_findings() {
        let empty: Value = serde_json::from_str(&json(&[])).unwrap();
        assert_eq!(
            empty,
            json!({"findings": [], "counts": {"error": 0, "warning": 0, "info": 0}})
        );
    }

    #[test]
    fn sarif_describes_the_rules_with_findings_and_locates_results_logically() {
        let mut findings = sample();
        findings.push(finding(
            "missing_primary_key",
            Severity::Warning,
            "structure",
            ("table", "app.events"),
            "app.events has no primary key.",
            None,
        ));
        findings[0].detail = json!({"rows": 1000});
        let log: Value = serde_json::from_str(&sarif(&findings, "1.2.3")).unwrap();
        assert_eq!(log["$schema"], SARIF_SCHEMA);
        assert_eq!(log["version"], "2.1.0");
        let runs = log["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1);
        let driver = &runs[0]["tool"]["driver"];
        assert_eq!(driver["name"], "confiture");
        assert_eq!(driver["version"], "1.2.3");

        let rules = driver["rules"].as_array().unwrap();
        let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(
            ids,
            [
                "missing_primary_key",
                RULE_FAILED,
                "fk_without_index",
                "missing_table_comment"
            ]
        );
        // From the registry: its description, default level and category.
        assert_eq!(
            rules[0],
            json!({
                "id": "missing_primary_key",
                "shortDescription": {"text": "a table without a primary key"},
                "defaultConfiguration": {"level": "error"},
                "properties": {"category": "structure"}
            })
        );
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "error");
        assert!(rules[1].get("properties").is_none());

        // A rule the registry does not know is described from its finding.
        let unknown = finding(
            "no_such_rule",
            Severity::Info,
            "types",
            ("column", "public.t.c"),
            "m",
            None,
        );
        let described: Value = serde_json::from_str(&sarif(&[unknown], "1.2.3")).unwrap();
        assert_eq!(
            described["runs"][0]["tool"]["driver"]["rules"],
            json!([{
                "id": "no_such_rule",
                "shortDescription": {"text": "no_such_rule"},
                "defaultConfiguration": {"level": "note"},
                "properties": {"category": "types"}
            }])
        );

        let results = runs[0]["results"].as_array().unwrap();
        assert_eq!(results.len(), 5);
        assert_eq!(
            results[0],
            json!({
                "ruleId": "missing_primary_key",
                "ruleIndex": 0,
                "level": "error",
                "message": {"text": "public.audit_log has no primary key."},
                "locations": [{"logicalLocations": [
                    {"fullyQualifiedName": "public.audit_log", "kind": "type"}
                ]}],
                "partialFingerprints": {"confiture/v1": findings[0].fingerprint},
                "properties": {
                    "category": "structure",
                    "objectType": "table",
                    "remediation": "ALTER TABLE public.audit_log ADD PRIMARY KEY (id);",
                    "detail": {"rows": 1000}
                }
            })
        );
        let levels: Vec<&str> = results
            .iter()
            .map(|r| r["level"].as_str().unwrap())
            .collect();
        assert_eq!(levels, ["error", "error", "warning", "note", "warning"]);
        let indexes: Vec<u64> = results
            .iter()
            .map(|r| r["ruleIndex"].as_u64().unwrap())
            .collect();
        assert_eq!(indexes, [0, 1, 2, 3, 0]);
        assert_eq!(
            results[1]["locations"][0]["logicalLocations"][0]["kind"],
            "object"
        );
        assert!(results[1]["properties"].get("remediation").is_none());
        assert!(results[1]["properties"].get("detail").is_none());
        assert_eq!(
            results[2]["properties"]["remediation"],
            "CREATE INDEX CONCURRENTLY orders_customer_id_idx\n    ON public.orders (customer_id);"
        );
    }

    #[test]
    fn sarif_kinds_follow_the_spec_suggestions() {
        let kinds: Vec<&str> = [
            "table",
            "view",
            "column",
            "index",
            "constraint",
            "policy",
            "function",
            "schema",
            "extension",
            "sequence",
            "rule",
        ]
        .into_iter()
        .map(sarif_kind)
        .collect();
        assert_eq!(
            kinds,
            [
                "type",
                "type",
                "member",
                "object",
                "object",
                "object",
                "function",
                "namespace",
                "resource",
                "resource",
                "object"
            ]
        );
    }

    #[test]
    fn sarif_without_findings() {
        let log: Value = serde_json::from_str(&render("sarif", &[], "0.1.0").unwrap()).unwrap();
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], json!([]));
    }

    #[test]
    fn github_writes_one_workflow_command_per_finding() {
        let expected = "\
::error title=missing_primary_key::public.audit_log: public.audit_log has no primary key.
::error title=lint_rule_failed::fk_without_index: Rule fk_without_index failed and reported nothing: boom
::warning title=fk_without_index::public.orders.orders_customer_id_fkey: No index covers the foreign key (customer_id).
::notice title=missing_table_comment::public.orders: public.orders has no comment.";
        assert_eq!(render("github", &sample(), "0.1.0").unwrap(), expected);
        assert_eq!(render("github", &[], "0.1.0").unwrap(), "");
    }

    #[test]
    fn github_escapes_messages_and_properties() {
        let odd = finding(
            "fill_factor",
            Severity::Warning,
            "tuning",
            ("table", "public.\"100%\""),
            "90% full,\r\nsee: docs",
            None,
        );
        assert_eq!(
            github(&[odd]),
            "::warning title=fill_factor::public.\"100%25\": 90%25 full,%0D%0Asee: docs"
        );
        assert_eq!(github_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(github_data("a:b,c%\r"), "a:b,c%25%0D");
    }

    #[test]
    fn junit_fails_errors_and_warnings_and_logs_info() {
        let expected = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="confiture" tests="4" failures="3" errors="0">
  <testsuite name="confiture.lint" tests="4" failures="3" errors="0">
    <testcase classname="structure" name="missing_primary_key: public.audit_log">
      <failure type="error" message="public.audit_log has no primary key.">public.audit_log has no primary key.

ALTER TABLE public.audit_log ADD PRIMARY KEY (id);</failure>
    </testcase>
    <testcase classname="indexes" name="lint_rule_failed: fk_without_index">
      <failure type="error" message="Rule fk_without_index failed and reported nothing: boom">Rule fk_without_index failed and reported nothing: boom</failure>
    </testcase>
    <testcase classname="indexes" name="fk_without_index: public.orders.orders_customer_id_fkey">
      <failure type="warning" message="No index covers the foreign key (customer_id).">No index covers the foreign key (customer_id).

CREATE INDEX CONCURRENTLY orders_customer_id_idx
    ON public.orders (customer_id);</failure>
    </testcase>
    <testcase classname="documentation" name="missing_table_comment: public.orders">
      <system-out>public.orders has no comment.</system-out>
    </testcase>
  </testsuite>
</testsuites>"#;
        assert_eq!(render("junit", &sample(), "0.1.0").unwrap(), expected);
    }

    #[test]
    fn junit_escapes_markup_quotes_and_unrepresentable_characters() {
        let odd = finding(
            "check_quotes",
            Severity::Info,
            "naming",
            ("column", "public.\"a<b>\".\"it's\""),
            "Tom & Jerry's \"x\" < y > z\u{1}",
            Some("COMMENT ON COLUMN public.\"a<b>\".\"it's\" IS 'a & b';"),
        );
        let warning = LintFinding {
            severity: Severity::Warning,
            message: "line one\nline\ttwo\r".into(),
            remediation: None,
            ..odd.clone()
        };
        let xml = junit(&[odd, warning]);
        assert!(xml.contains(
            r#"<testcase classname="naming" name="check_quotes: public.&quot;a&lt;b&gt;&quot;.&quot;it&apos;s&quot;">"#
        ), "{xml}");
        assert!(xml.contains(
            "<system-out>Tom &amp; Jerry&apos;s &quot;x&quot; &lt; y &gt; z\u{fffd}\n\n\
             COMMENT ON COLUMN public.&quot;a&lt;b&gt;&quot;.&quot;it&apos;s&quot; IS &apos;a &amp; b&apos;;</system-out>"
        ), "{xml}");
        assert!(xml.contains(
            "<failure type=\"warning\" message=\"line one&#10;line&#9;two&#13;\">line one\nline\ttwo&#13;</failure>"
        ), "{xml}");
        assert!(
            xml.contains(r#"<testsuite name="confiture.lint" tests="2" failures="1" errors="0">"#)
        );
    }

    #[test]
    fn junit_without_findings() {
        assert_eq!(
            render("junit", &[], "0.1.0").unwrap(),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="confiture" tests="0" failures="0" errors="0">
  <testsuite name="confiture.lint" tests="0" failures="0" errors="0"/>
</testsuites>"#
        );
    }
}
