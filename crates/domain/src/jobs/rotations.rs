//! オ: the administrator password change (R3.2). What is kept is only the fact that a
//! terminal's password was changed, by whom and when: never the password. The input
//! refuses unknown fields, so a `password` sent by mistake is rejected, not stored.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::work::{JobFacts, WorkKind, judge_job_for, judge_job_terminal, judge_performer};
use crate::calendar::BusinessCalendar;
use crate::contract::CategoryCode;
use crate::people::PersonFacts;
use crate::requests::{WorkScope, WorkedHours};
use crate::rules::{Refusal, required_instant};
use crate::schedule::OffHoursFact;
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
    ("corrects", "訂正する記録"),
    ("replaces", "訂正した記録"),
    ("replaced_by", "訂正後の記録"),
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
    /// The change this record corrects (a wrong time or person recorded before): the
    /// earlier record stays, replaced by this one.
    #[serde(default)]
    pub corrects: Option<i64>,
}

/// A checked password change record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PasswordRotation {
    pub job_id: i64,
    pub terminal_id: i64,
    pub performer_id: i64,
    pub rotated_at: DateTime<Utc>,
    pub corrects: Option<i64>,
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
                corrects: self.corrects,
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

/// What recording a password change is judged against, as the store found it.
#[derive(Debug, Clone, PartialEq)]
pub struct RotationFacts {
    /// The job, when it is one of this year's.
    pub job: Option<JobFacts>,
    /// The terminal's asset number, when it is one of the job's terminals.
    pub terminal: Option<String>,
    /// The person named as having changed it.
    pub performer: Option<PersonFacts>,
    /// The change of this terminal already recorded in this job (its current version).
    pub recorded: Option<i64>,
    /// The request the job's work is done under (its status, procedure and bounds).
    pub scope: Option<WorkScope>,
    /// Off-hours work recorded on the day of the change.
    pub off_hours: Vec<OffHoursFact>,
    /// The instant of the recording.
    pub now: DateTime<Utc>,
}

/// What a password change may be recorded as: the names the audit shows, and whether it
/// starts the job (the first record of a requested job does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RotationVerdict {
    pub asset_number: String,
    pub performer: String,
    pub starts_job: bool,
}

/// Judges recording `r` (R3.2, R8, R5.3): on a requested or started オ job of this year,
/// for one of its terminals, changed by an enabled lead or worker, under its request's
/// approved procedure on a day of the request's period, not in the future, inside the
/// working window or under approved off-hours work; once per terminal and job, unless it
/// names the record it corrects.
pub fn judge_rotation(
    calendar: &BusinessCalendar,
    r: &PasswordRotation,
    facts: &RotationFacts,
) -> Result<RotationVerdict, Refusal> {
    let job = facts
        .job
        .ok_or_else(|| Refusal::unknown("job_id", "作業", r.job_id))?;
    let kind = WorkKind {
        category: CategoryCode::PasswordRotation,
        wrong_category: "管理者パスワードの変更は、作業区分オの作業にだけ記録できます。",
        what: "パスワードの変更",
    };
    let starts_job = judge_job_for(kind, job)?;
    let asset_number = judge_job_terminal(r.terminal_id, facts.terminal.as_deref())?;
    let performer = judge_performer("performer_id", r.performer_id, facts.performer.as_ref())?;
    let scope = facts.scope.as_ref().ok_or_else(|| {
        Refusal::conflict(
            "job_id",
            "この作業の作業依頼書がありません(仕様書 5(8)ア)。",
        )
    })?;
    scope.judge_work("rotated_at", r.rotated_at, r.rotated_at, facts.now)?;
    let worked = WorkedHours {
        field: "rotated_at",
        site_id: scope.bounds.site_of(r.terminal_id),
        performer_id: r.performer_id,
        start: r.rotated_at,
        end: r.rotated_at,
    };
    worked.judge(calendar, &facts.off_hours)?;
    match (facts.recorded, r.corrects) {
        (None, None) => {}
        (Some(current), Some(corrected)) if current == corrected => {}
        (Some(current), None) => {
            return Err(Refusal::conflict(
                "terminal_id",
                format!(
                    "統合端末 {asset_number} の管理者パスワード変更は、この作業で既に記録されています。訂正するときは、訂正する記録(ID {current})を指定してください。"
                ),
            ));
        }
        (_, Some(corrected)) => {
            return Err(Refusal::invalid(
                "corrects",
                format!(
                    "訂正する記録ID {corrected} は、この統合端末・作業の現在の記録ではありません。"
                ),
            ));
        }
    }
    Ok(RotationVerdict {
        asset_number,
        performer,
        starts_job,
    })
}

checked_by!(PasswordRotationInput => PasswordRotation);
