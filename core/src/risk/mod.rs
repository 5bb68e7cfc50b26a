//! Static risk analysis of a migration: per statement the locks it will take, whether it
//! rewrites or scans, how long that may take on the real table, a risk score and findings with
//! their safe alternatives. Pure: the extension reads the statements and the catalog, this
//! module decides.

pub mod catalog;
pub mod comments;
pub mod context;
pub mod effects;
pub mod finding;
pub mod options;
pub mod rule;
pub mod rules;
pub mod score;
pub mod state;
pub mod statement;
pub mod summary;
#[cfg(test)]
pub mod testing;

use catalog::Catalog;
use context::Context;
use effects::{effects_of, Effects, TypeOracle};
use finding::Finding;
use options::Options;
use score::Score;
use state::ScriptState;
use statement::Statement;

/// The verdict on one statement.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub effects: Effects,
    /// Rows (`reltuples`, `None` if never analysed) and bytes of the existing target, with its
    /// partitions.
    pub target_size: Option<(Option<f64>, i64)>,
    pub est_duration_ms: Option<f64>,
    pub score: Score,
    pub findings: Vec<Finding>,
}

/// Assesses every statement of a script, in order.
pub fn assess(
    statements: &[Statement],
    catalog: &Catalog,
    oracle: &dyn TypeOracle,
    options: &Options,
) -> Vec<Assessment> {
    let mut state = ScriptState::default();
    let mut assessments = Vec::with_capacity(statements.len());
    for (i, statement) in statements.iter().enumerate() {
        let effects = effects_of(statement, catalog, &state, oracle);
        let context = Context {
            statement,
            effects: &effects,
            catalog,
            state: &state,
            last: i + 1 == statements.len(),
        };
        let findings = rules::findings(&context, options);
        let est_duration_ms = options.throughput.duration_ms(statement, &effects);
        let score = Score::of(&effects, est_duration_ms, &findings);
        state.after(statement, &effects);
        let target_size = effects.target_oid.map(|oid| {
            let (rows, bytes) = catalog.size(oid);
            let analysed = catalog.get(oid).is_some_and(|r| r.rows >= 0.0);
            (analysed.then_some(rows), bytes)
        });
        assessments.push(Assessment {
            effects,
            target_size,
            est_duration_ms,
            score,
            findings,
        });
    }
    assessments
}
