//! オ: administrator-password changes (R3.2), one record per terminal of an オ job: who
//! changed it and when, never the password. The first record starts a requested job.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::contract::CategoryCode;
use jukiops_domain::jobs::{
    JobStatus, JobVerb, PasswordRotation, RotationFacts, judge_rotation, not_rotated,
};
use jukiops_domain::people::Authorized;
use jukiops_domain::time::{display_jst, from_db, jst, to_db, today_jst};
use serde::Serialize;
use sqlx::Row;

use super::job_changes::apply_job_verb;
use super::{JobTerminal, job_facts, job_terminal_asset, jst_text, person_facts};
use crate::requests::job_work_scope;
use crate::schedule::off_hours_facts;
use crate::{PersonRef, Store, StoreError};

/// One recorded password change.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Rotation {
    pub id: i64,
    pub job_id: i64,
    pub terminal_id: i64,
    pub asset_number: String,
    /// Who changed it.
    pub performer: PersonRef,
    /// When it was changed, Japan time.
    pub changed_at: String,
    pub recorded_by: String,
    pub recorded_at: String,
    /// For an earlier version: the change that corrected it.
    pub replaced_by: Option<i64>,
}

/// The changes of one オ job and its terminals still to be done.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct JobRotations {
    pub job_id: i64,
    pub rotations: Vec<Rotation>,
    pub not_rotated: Vec<JobTerminal>,
}

/// The latest password change of a terminal, over all jobs.
#[derive(Debug, Clone, Serialize)]
pub struct LastRotation {
    pub job_id: i64,
    pub job_title: String,
    /// Japan time.
    pub changed_at: String,
    pub performer: String,
}

impl Store {
    /// Records that a terminal's administrator password was changed in an オ job of the
    /// year, as [`judge_rotation`] decides from the job, the terminal and the person; the
    /// first record of a requested job starts it.
    pub async fn record_rotation(
        &self,
        who: &Authorized,
        calendar: &BusinessCalendar,
        r: &PasswordRotation,
    ) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let year = ch.contract_id()?;
        ch.lock("jobs", r.job_id).await?;
        let recorded: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM password_rotations WHERE job_id = $1 AND terminal_id = $2 \
             AND replaced_at IS NULL",
        )
        .bind(r.job_id)
        .bind(r.terminal_id)
        .fetch_optional(ch.conn())
        .await?;
        let day = r.rotated_at.with_timezone(&jst()).date_naive().to_string();
        let facts = RotationFacts {
            job: job_facts(ch.conn(), year, r.job_id).await?,
            terminal: job_terminal_asset(ch.conn(), r.job_id, r.terminal_id).await?,
            performer: person_facts(ch.conn(), r.performer_id).await?,
            recorded,
            scope: job_work_scope(ch.conn(), year, r.job_id).await?,
            off_hours: off_hours_facts(ch.conn(), &day, &day).await?,
            now: ch.now_utc(),
        };
        let verdict = judge_rotation(calendar, r, &facts)?;
        let named = [(r.performer_id, today_jst(r.rotated_at))];
        crate::roster::check_on_roster(ch.conn(), year, "performer_id", &named).await?;
        if verdict.starts_job {
            let (from, role) = (JobStatus::Requested, who.role());
            apply_job_verb(&mut ch, r.job_id, from, JobVerb::Start, role).await?;
        }
        if let Some(old) = recorded {
            ch.set_aside("password_rotations", old).await?;
        }
        let now = ch.now().to_string();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO password_rotations (job_id, terminal_id, changed_by, changed_at, recorded_by, \
             recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(r.job_id)
        .bind(r.terminal_id)
        .bind(r.performer_id)
        .bind(to_db(r.rotated_at))
        .bind(who.name())
        .bind(&now)
        .fetch_one(ch.conn())
        .await?;
        let changes = serde_json::json!({
            "job": {"after": r.job_id}, "terminal": {"after": verdict.asset_number},
            "performer": {"after": verdict.performer}, "rotated_at": {"after": display_jst(r.rotated_at)},
            "replaces": {"after": recorded},
        });
        ch.audit(Entity::PasswordRotation, id, AuditAction::Create, &changes);
        if let Some(old) = recorded {
            ch.replaced("password_rotations", Entity::PasswordRotation, old, id)
                .await?;
        }
        ch.commit().await?;
        Ok(id)
    }

    /// The password changes of オ job `job_id` of the year (corrected ones too, naming
    /// their correction) and its terminals not yet changed; any other job is not found.
    pub async fn job_rotations(&self, job_id: i64) -> Result<JobRotations, StoreError> {
        let job = self.job(job_id).await?;
        if job.job.category != CategoryCode::PasswordRotation {
            return Err(StoreError::NotFound(Entity::Job));
        }
        let rows = sqlx::query(
            "SELECT r.id, r.terminal_id, t.asset_number, r.changed_by, u.username, u.display_name, \
             r.changed_at, r.recorded_by, r.recorded_at, r.replaced_by FROM password_rotations r \
             JOIN terminals t ON t.id = r.terminal_id JOIN users u ON u.id = r.changed_by \
             WHERE r.job_id = $1 ORDER BY r.changed_at, t.asset_number",
        )
        .bind(job_id)
        .fetch_all(&self.pool)
        .await?;
        let mut rotations = Vec::with_capacity(rows.len());
        let mut facts = Vec::with_capacity(rows.len());
        for r in &rows {
            let changed_at: String = r.try_get("changed_at")?;
            let at =
                from_db(&changed_at).ok_or_else(|| sqlx::Error::Decode("bad changed_at".into()))?;
            let rotation = Rotation {
                id: r.try_get("id")?,
                job_id,
                terminal_id: r.try_get("terminal_id")?,
                asset_number: r.try_get("asset_number")?,
                performer: PersonRef {
                    id: r.try_get("changed_by")?,
                    username: r.try_get("username")?,
                    display_name: r.try_get("display_name")?,
                },
                changed_at: display_jst(at),
                recorded_by: r.try_get("recorded_by")?,
                recorded_at: jst_text(r.try_get("recorded_at")?).unwrap_or_default(),
                replaced_by: r.try_get("replaced_by")?,
            };
            if rotation.replaced_by.is_none() {
                facts.push(PasswordRotation {
                    job_id,
                    terminal_id: rotation.terminal_id,
                    performer_id: rotation.performer.id,
                    rotated_at: at,
                    corrects: None,
                });
            }
            rotations.push(rotation);
        }
        let ids: Vec<i64> = job.terminals.iter().map(|t| t.id).collect();
        let left = not_rotated(job_id, &ids, &facts);
        let not_rotated = job
            .terminals
            .into_iter()
            .filter(|t| left.contains(&t.id))
            .collect();
        Ok(JobRotations {
            job_id,
            rotations,
            not_rotated,
        })
    }

    /// The latest administrator-password change of a terminal in a job of the year, if
    /// any.
    pub async fn last_rotation(
        &self,
        terminal_id: i64,
    ) -> Result<Option<LastRotation>, StoreError> {
        let r = sqlx::query(
            "SELECT r.job_id, j.title, r.changed_at, u.display_name FROM password_rotations r \
             JOIN jobs j ON j.id = r.job_id JOIN users u ON u.id = r.changed_by \
             WHERE r.terminal_id = $1 AND j.contract_id = $2 AND r.replaced_at IS NULL \
             ORDER BY r.changed_at DESC, r.id DESC LIMIT 1",
        )
        .bind(terminal_id)
        .bind(self.contract_id()?)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = r else { return Ok(None) };
        Ok(Some(LastRotation {
            job_id: r.try_get("job_id")?,
            job_title: r.try_get("title")?,
            changed_at: jst_text(r.try_get("changed_at")?).unwrap_or_default(),
            performer: r.try_get("display_name")?,
        }))
    }
}
