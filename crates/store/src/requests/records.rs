//! Work records (R8.3): per terminal and per step of the approved procedure, who did it,
//! when, and how it went. Refused without an approved version of the procedure; records
//! follow their request's year.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::jobs::JobVerb;
use jukiops_domain::people::Authorized;
use jukiops_domain::requests::{
    RecordFacts, StepOutcome, WorkRecordDraft, WorkRequestVerb, job_moves, judge_record_hours,
    judge_records, record_days,
};
use jukiops_domain::time::{from_db, to_db, today_jst};
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::facts::{job_statuses, record_scope, small};
use super::work_requests::{move_jobs, move_request};
use crate::common::jst_text;
use crate::schedule::{check_contractor_people, off_hours_facts};
use crate::{Store, StoreError};

/// One recorded step on one terminal.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WorkRecord {
    pub id: i64,
    pub terminal_id: i64,
    pub asset_number: String,
    pub step_order: i64,
    pub outcome: StepOutcome,
    pub outcome_label: String,
    pub performer: String,
    /// Japan time, for display.
    pub started_at: String,
    pub ended_at: String,
    pub note: Option<String>,
    /// The version of the procedure it was recorded under.
    pub procedure_id: i64,
    /// For an earlier version: the record that corrected it, and when (Japan time).
    pub replaced_by: Option<i64>,
    pub replaced_at: Option<String>,
}

/// A stored instant.
fn instant(
    r: &sqlx::any::AnyRow,
    column: &str,
) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    let text: String = r.try_get(column)?;
    from_db(&text).ok_or_else(|| {
        let e = format!("{column}: not an instant: {text}");
        StoreError::Db(sqlx::Error::Decode(e.into()))
    })
}

impl Store {
    /// The current records of a request, by terminal and step; with `replaced`, the
    /// earlier versions that corrections replaced instead.
    pub async fn work_records(
        &self,
        request_id: i64,
        replaced: bool,
    ) -> Result<Vec<WorkRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.*, t.asset_number, u.display_name FROM work_records r \
             JOIN work_requests w ON w.id = r.request_id JOIN terminals t ON t.id = r.terminal_id \
             JOIN users u ON u.id = r.performer_id WHERE r.request_id = $1 AND w.contract_id = $2 \
             AND (r.replaced_at IS NOT NULL) = $3 ORDER BY t.asset_number, r.step_order, r.id",
        )
        .bind(request_id)
        .bind(self.contract_id()?)
        .bind(replaced)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let outcome = StepOutcome::decode(&r.try_get::<String, _>("outcome")?)?;
                Ok(WorkRecord {
                    id: r.try_get("id")?,
                    terminal_id: r.try_get("terminal_id")?,
                    asset_number: r.try_get("asset_number")?,
                    step_order: r.try_get("step_order")?,
                    outcome,
                    outcome_label: outcome.label_ja().into(),
                    performer: r.try_get("display_name")?,
                    started_at: jst_text(r.try_get("started_at")?).unwrap_or_default(),
                    ended_at: jst_text(r.try_get("ended_at")?).unwrap_or_default(),
                    note: r.try_get("note")?,
                    procedure_id: r.try_get("procedure_id")?,
                    replaced_by: r.try_get("replaced_by")?,
                    replaced_at: jst_text(r.try_get("replaced_at")?),
                })
            })
            .collect()
    }

    /// What recording work under the request is judged on: its status, its latest
    /// procedure version with the steps, and its target terminals (read, nothing locked).
    pub async fn record_facts(&self, request_id: i64) -> Result<RecordFacts, StoreError> {
        let mut conn = self.pool.acquire().await?;
        let contract = self.contract_id()?;
        Ok(record_scope(&mut conn, contract, request_id).await?.facts)
    }

    /// Records steps (one or a whole offline checklist at once), all or nothing, as
    /// [`judge_records`] and [`judge_record_hours`] decide. The first record starts the
    /// work: the request and its jobs move to 作業中.
    pub async fn record_work(
        &self,
        who: &Authorized,
        calendar: &BusinessCalendar,
        request_id: i64,
        records: &[WorkRecordDraft],
    ) -> Result<usize, StoreError> {
        let mut ch = self.begin(who).await?;
        let contract = ch.contract_id()?;
        // One change of the request's records at a time: a record sent twice at once
        // replaces the first, as one sent again later does.
        ch.lock("work_requests", request_id).await?;
        let scope = record_scope(ch.conn(), contract, request_id).await?;
        let role = who.role();
        let start = judge_records(&scope.facts, records, role)?;
        scope.bounds.judge_record_days(records, ch.now_utc())?;
        let mut performers: Vec<i64> = records.iter().map(|r| r.performer_id).collect();
        performers.sort_unstable();
        performers.dedup();
        check_contractor_people(ch.conn(), "performer_id", &performers).await?;
        let named: Vec<_> = records
            .iter()
            .map(|r| (r.performer_id, today_jst(r.started_at)))
            .collect();
        crate::roster::check_on_roster(ch.conn(), contract, "performer_id", &named).await?;
        let off_hours = match record_days(records) {
            Some((from, to)) => {
                off_hours_facts(ch.conn(), &from.to_string(), &to.to_string()).await?
            }
            None => Vec::new(),
        };
        judge_record_hours(calendar, records, &scope.bounds.terminal_sites, &off_hours)?;
        if let Some(to) = start {
            let jobs = job_statuses(ch.conn(), request_id).await?;
            let moves = job_moves(&jobs, JobVerb::Start, role)?;
            let from = scope.facts.request;
            move_request(&mut ch, request_id, from, to, WorkRequestVerb::StartWork).await?;
            move_jobs(&mut ch, &moves, JobVerb::Start, None).await?;
        }
        let now = ch.now().to_string();
        for r in records {
            // A step recorded again is a correction: the earlier version stays, replaced.
            let current: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM work_records WHERE request_id = $1 AND terminal_id = $2 \
                 AND step_order = $3 AND replaced_at IS NULL",
            )
            .bind(request_id)
            .bind(r.terminal_id)
            .bind(i64::from(r.step_order))
            .fetch_optional(ch.conn())
            .await?;
            if let Some(old) = current {
                ch.set_aside("work_records", old).await?;
            }
            let id = insert_record(&mut ch, request_id, scope.procedure_id, r, &now).await?;
            ch.audit(Entity::WorkRecord, id, AuditAction::Create, &json!({
                "request_id": {"after": request_id}, "terminal_id": {"after": r.terminal_id}, "step_order": {"after": r.step_order},
                "outcome": {"after": r.outcome.as_str()}, "performer_id": {"after": r.performer_id},
                "started_at": {"after": to_db(r.started_at)}, "ended_at": {"after": to_db(r.ended_at)}, "note": {"after": r.note},
                "replaces": {"after": current},
            }));
            if let Some(old) = current {
                ch.replaced("work_records", Entity::WorkRecord, old, id)
                    .await?;
            }
        }
        ch.commit().await?;
        Ok(records.len())
    }
}

/// Inserts one record under the procedure version `procedure_id`; returns its id.
async fn insert_record(
    ch: &mut crate::Change,
    request_id: i64,
    procedure_id: Option<i64>,
    r: &WorkRecordDraft,
    now: &str,
) -> Result<i64, StoreError> {
    let id = sqlx::query_scalar(
        "INSERT INTO work_records (request_id, procedure_id, terminal_id, step_order, outcome, performer_id, \
         started_at, ended_at, note, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(request_id)
    .bind(procedure_id)
    .bind(r.terminal_id)
    .bind(i64::from(r.step_order))
    .bind(r.outcome.as_str())
    .bind(r.performer_id)
    .bind(to_db(r.started_at))
    .bind(to_db(r.ended_at))
    .bind(r.note.clone())
    .bind(ch.actor().to_string())
    .bind(now)
    .fetch_one(ch.conn())
    .await?;
    Ok(id)
}

/// The request's current records as the domain compiles them, each with the procedure
/// version it was made under.
pub(super) async fn record_drafts(
    conn: &mut AnyConnection,
    request_id: i64,
) -> Result<Vec<(i64, WorkRecordDraft)>, StoreError> {
    let rows = sqlx::query(
        "SELECT * FROM work_records WHERE request_id = $1 AND replaced_at IS NULL ORDER BY id",
    )
    .bind(request_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let draft = WorkRecordDraft {
                terminal_id: r.try_get("terminal_id")?,
                step_order: small(r.try_get("step_order")?)?,
                outcome: StepOutcome::decode(&r.try_get::<String, _>("outcome")?)?,
                performer_id: r.try_get("performer_id")?,
                started_at: instant(r, "started_at")?,
                ended_at: instant(r, "ended_at")?,
                note: r.try_get("note")?,
            };
            Ok((r.try_get("procedure_id")?, draft))
        })
        .collect()
}
