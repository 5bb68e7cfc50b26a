//! The whole migration's verdict as one JSON document (`assess_risk_summary`).

use serde_json::{json, Map, Value};

use super::finding::Severity;
use super::score::Level;
use super::Assessment;

/// The `locks` column of one statement: `[{"relation": ..., "mode": ...}, ...]`.
pub fn locks_json(assessment: &Assessment) -> Value {
    Value::Array(
        assessment
            .effects
            .locks
            .iter()
            .map(|l| json!({"relation": l.relation, "mode": l.mode.name()}))
            .collect(),
    )
}

/// The summary of `assessments` (statement numbers from 1): overall score and level (the
/// highest of any statement), strongest lock, total estimated time, counts per level and per
/// severity, and the findings to act on, errors first.
pub fn summary(assessments: &[Assessment]) -> Value {
    let score = assessments.iter().map(|a| a.score.value).max().unwrap_or(0);
    let strongest = assessments
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.effects.locks.iter().map(move |l| (i + 1, l)))
        .max_by_key(|(i, l)| (l.mode, std::cmp::Reverse(*i)));
    let strongest_lock = strongest.map_or(Value::Null, |(statement, lock)| {
        json!({
            "mode": lock.mode.name(),
            "relation": lock.relation,
            "statement_no": statement,
            "blocks": lock.mode.blocks(),
        })
    });
    let mut levels = Map::new();
    for level in [Level::Low, Level::Medium, Level::High, Level::Critical] {
        let count = assessments
            .iter()
            .filter(|a| a.score.level == level)
            .count();
        levels.insert(level.name().into(), json!(count));
    }
    let mut severities = Map::new();
    for severity in [Severity::Error, Severity::Warning, Severity::Info] {
        let count = assessments
            .iter()
            .flat_map(|a| &a.findings)
            .filter(|f| f.severity == severity)
            .count();
        severities.insert(severity.name().into(), json!(count));
    }
    let mut recommendations: Vec<(Severity, usize, Value)> = assessments
        .iter()
        .enumerate()
        .flat_map(|(i, a)| a.findings.iter().map(move |f| (i + 1, f)))
        .filter(|(_, f)| f.severity > Severity::Info)
        .map(|(statement, f)| {
            let mut item = f.to_json();
            item["statement_no"] = json!(statement);
            (f.severity, statement, item)
        })
        .collect();
    recommendations.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let total_ms: f64 = assessments.iter().filter_map(|a| a.est_duration_ms).sum();
    json!({
        "statements": assessments.len(),
        "risk_score": score,
        "risk_level": Level::of(score).name(),
        "strongest_lock": strongest_lock,
        "est_duration_ms": (total_ms * 1000.0).round() / 1000.0,
        "rewrites": assessments.iter().enumerate()
            .filter(|(_, a)| a.effects.rewrites)
            .map(|(i, _)| i + 1)
            .collect::<Vec<_>>(),
        "levels": levels,
        "findings": severities,
        "recommendations": recommendations.into_iter().map(|r| r.2).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::risk::effects::{Effects, Lock};
    use crate::risk::finding::Finding;
    use crate::risk::score::Score;
    use crate::LockMode;

    fn assessment(mode: Option<LockMode>, findings: Vec<Finding>, ms: Option<f64>) -> Assessment {
        let effects = Effects {
            locks: mode
                .map(|mode| {
                    vec![Lock {
                        oid: 1,
                        relation: "public.orders".into(),
                        mode,
                    }]
                })
                .unwrap_or_default(),
            target_oid: Some(1),
            ..Effects::default()
        };
        let score = Score::of(&effects, ms, &findings);
        Assessment {
            effects,
            target_size: None,
            est_duration_ms: ms,
            score,
            findings,
        }
    }

    #[test]
    fn summary_takes_the_worst_statement_and_orders_recommendations() {
        let warning = Finding::new("missing_lock_timeout", Severity::Warning, "w");
        let error = Finding::new("require_concurrent_index", Severity::Error, "e");
        let info = Finding::new("prefer_text", Severity::Info, "i");
        let all = [
            assessment(None, vec![info], None),
            assessment(Some(LockMode::AccessExclusive), vec![warning], Some(10.0)),
            assessment(Some(LockMode::Share), vec![error], Some(2500.0)),
        ];
        let s = summary(&all);
        assert_eq!(s["statements"], 3);
        assert_eq!(s["strongest_lock"]["mode"], "AccessExclusiveLock");
        assert_eq!(s["strongest_lock"]["statement_no"], 2);
        assert_eq!(s["est_duration_ms"], 2510.0);
        assert_eq!(s["risk_score"], 70);
        assert_eq!(s["risk_level"], "high");
        assert_eq!(s["findings"]["info"], 1);
        let rules: Vec<&str> = s["recommendations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["require_concurrent_index", "missing_lock_timeout"]);
    }

    #[test]
    fn an_empty_migration_is_low_risk() {
        let s = summary(&[]);
        assert_eq!(
            (s["risk_score"].as_i64(), s["risk_level"].as_str()),
            (Some(0), Some("low"))
        );
        assert!(s["strongest_lock"].is_null());
    }
}
