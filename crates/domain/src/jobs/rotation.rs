//! オ: the administrator password change (R3.2). What is kept is only the fact that a
//! terminal's password was changed, by whom and when: never the password. The input
//! refuses unknown fields, so a `password` sent by mistake is rejected, not stored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::rules::required_instant;
use crate::validation::FieldErrors;

/// The Japanese names of an administrator-password change's fields (never the password).
pub const ROTATION_FIELDS: &[(&str, &str)] = &[
    ("job_id", "作業"),
    ("job", "作業"),
    ("terminal_id", "統合端末"),
    ("terminal", "統合端末"),
    ("performer_id", "変更した作業従事者"),
    ("performer", "変更した作業従事者"),
    ("rotated_at", "変更日時"),
];

/// A password change as entered. Deliberately has no password and no free text.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRotationInput {
    /// The オ job the change belongs to.
    pub job_id: i64,
    pub terminal_id: i64,
    /// The worker (user) who changed it.
    pub performer_id: i64,
    /// `YYYY-MM-DD HH:MM`, Japan time.
    pub rotated_at: String,
}

/// A checked password change record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PasswordRotation {
    pub job_id: i64,
    pub terminal_id: i64,
    pub performer_id: i64,
    pub rotated_at: DateTime<Utc>,
}

impl PasswordRotationInput {
    /// Checks the time of the change.
    pub fn check(&self) -> Result<PasswordRotation, FieldErrors> {
        let mut e = FieldErrors::default();
        let rotated_at = required_instant(&mut e, "rotated_at", "変更日時", &self.rotated_at);
        match rotated_at {
            Some(rotated_at) if e.is_empty() => Ok(PasswordRotation {
                job_id: self.job_id,
                terminal_id: self.terminal_id,
                performer_id: self.performer_id,
                rotated_at,
            }),
            _ => Err(e),
        }
    }
}

/// The job's terminals with no change recorded in job `job_id`, sorted.
pub fn not_rotated(job_id: i64, terminals: &[i64], rotations: &[PasswordRotation]) -> Vec<i64> {
    let mut left: Vec<i64> = terminals
        .iter()
        .copied()
        .filter(|t| {
            !rotations
                .iter()
                .any(|r| r.job_id == job_id && r.terminal_id == *t)
        })
        .collect();
    left.sort_unstable();
    left.dedup();
    left
}

/// The latest change per terminal, over all jobs.
pub fn last_rotations(rotations: &[PasswordRotation]) -> BTreeMap<i64, DateTime<Utc>> {
    let mut last: BTreeMap<i64, DateTime<Utc>> = BTreeMap::new();
    for r in rotations {
        let at = last.entry(r.terminal_id).or_insert(r.rotated_at);
        *at = (*at).max(r.rotated_at);
    }
    last
}

checked_by!(PasswordRotationInput => PasswordRotation);
