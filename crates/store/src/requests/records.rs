//! Work records (R8.3): per terminal and per step of the approved procedure, who did it,
//! when, and how it went. Refused without an approved version of the procedure.

use jukiops_domain::FieldErrors;
use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::calendar::BusinessCalendar;
use jukiops_domain::jobs::{
    JobVerb, StepOutcome, WorkRecordDraft, WorkRequestStatus, WorkRequestVerb, may_record_work,
};
use jukiops_domain::people::Authorized;
use jukiops_domain::schedule::{Span, outside_window};
use jukiops_domain::time::jst;
use jukiops_domain::time::{from_db, to_db};
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

use super::shared::{
    job_ids, latest_procedure, move_jobs, move_request, request_status, target_terminals,
};
use crate::common::jst_text;
use crate::schedule::{check_contractor_people, off_hours_facts};
use crate::{Change, Store, StoreError};

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
}

/// Refuses performers who are not enabled contractor people.
async fn check_performers(ch: &mut Change, records: &[WorkRecordDraft]) -> Result<(), StoreError> {
    let mut ids: Vec<i64> = records.iter().map(|r| r.performer_id).collect();
    ids.sort_unstable();
    ids.dedup();
    check_contractor_people(ch.conn(), "performer_id", &ids).await
}

/// Refuses work recorded outside the working window unless the City instructed or
/// approved off-hours work at the terminal's site covering it (R5.3).
async fn check_off_hours(
    ch: &mut Change,
    calendar: &BusinessCalendar,
    records: &[WorkRecordDraft],
) -> Result<(), StoreError> {
    for r in records {
        let (start, end) = (
            r.started_at.with_timezone(&jst()),
            r.ended_at.with_timezone(&jst()),
        );
        if end.date_naive() != start.date_naive() {
            return Err(StoreError::conflict(
                "ended_at",
                "日付をまたぐ作業は、日ごとに分けて記録してください。",
            ));
        }
        let span = Span {
            date: start.date_naive(),
            start: start.time(),
            end: end.time(),
        };
        let Some(why) = outside_window(calendar, &span) else {
            continue;
        };
        let site_id: i64 = sqlx::query_scalar("SELECT site_id FROM terminals WHERE id = $1")
            .bind(r.terminal_id)
            .fetch_one(ch.conn())
            .await?;
        let date = span.date.to_string();
        let covered = off_hours_facts(ch.conn(), &date, &date)
            .await?
            .iter()
            .any(|o| {
                o.site_id == site_id
                    && o.status.allows_work()
                    && o.span.covers(&span)
                    && o.worker_ids.contains(&r.performer_id)
            });
        if !covered {
            return Err(StoreError::conflict(
                "started_at",
                format!(
                    "{why}。この拠点・時間の時間外作業の承認(または本市の指示)がないため、作業を記録できません(R5.3)。"
                ),
            ));
        }
    }
    Ok(())
}

impl Store {
    /// The records of a request, by terminal and step.
    pub async fn work_records(&self, request_id: i64) -> Result<Vec<WorkRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.*, t.asset_number, u.display_name FROM work_records r JOIN terminals t ON t.id = r.terminal_id \
             JOIN users u ON u.id = r.performer_id WHERE r.request_id = $1 ORDER BY t.asset_number, r.step_order",
        )
        .bind(request_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let outcome = StepOutcome::parse(&r.try_get::<String, _>("outcome")?)
                    .unwrap_or(StepOutcome::Failed);
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
                })
            })
            .collect()
    }

    /// Records steps (one or a whole offline checklist at once), all or nothing. The
    /// first record starts the work: the request and its jobs move to 作業中.
    pub async fn record_work(
        &self,
        who: &Authorized,
        calendar: &BusinessCalendar,
        request_id: i64,
        records: &[WorkRecordDraft],
    ) -> Result<usize, StoreError> {
        let mut ch = self.begin(who).await?;
        // One change of the request's records at a time: a record sent twice at once
        // replaces the first, as one sent again later does.
        ch.lock("work_requests", request_id).await?;
        let status = request_status(ch.conn(), request_id).await?;
        let latest = latest_procedure(ch.conn(), request_id).await?;
        may_record_work(latest.as_ref().map(|(_, v, _)| *v), status)
            .map_err(|e| StoreError::conflict("status", e.0))?;
        let Some((procedure_id, _, steps)) = latest else {
            return Err(StoreError::conflict("status", "作業手順書がありません。"));
        };
        let terminals = target_terminals(ch.conn(), request_id).await?;
        let mut e = FieldErrors::default();
        for (i, r) in records.iter().enumerate() {
            if let Err(errors) = r.check_against(&steps, &terminals) {
                for err in errors.0 {
                    e.push(format!("records[{i}].{}", err.field), err.message);
                }
            }
        }
        if records.is_empty() {
            e.push("records", "記録する作業を1件以上入力してください。");
        }
        if !e.is_empty() {
            return Err(e.into());
        }
        check_performers(&mut ch, records).await?;
        check_off_hours(&mut ch, calendar, records).await?;
        let role = who.role();
        if status == WorkRequestStatus::ProcedureApproved {
            move_request(&mut ch, request_id, WorkRequestVerb::StartWork, role).await?;
            let jobs = job_ids(ch.conn(), request_id).await?;
            move_jobs(&mut ch, &jobs, JobVerb::Start, role, None).await?;
        }
        let now = ch.now().to_string();
        for r in records {
            sqlx::query("DELETE FROM work_records WHERE request_id = $1 AND terminal_id = $2 AND step_order = $3")
                .bind(request_id).bind(r.terminal_id).bind(i64::from(r.step_order))
                .execute(ch.conn()).await?;
            let id: i64 = sqlx::query_scalar(
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
            .bind(who.name())
            .bind(&now)
            .fetch_one(ch.conn())
            .await?;
            ch.audit(Entity::WorkRecord, id, AuditAction::Create, &json!({
                "request_id": {"after": request_id}, "terminal_id": {"after": r.terminal_id}, "step_order": {"after": r.step_order},
                "outcome": {"after": r.outcome.as_str()}, "performer_id": {"after": r.performer_id},
                "started_at": {"after": to_db(r.started_at)}, "ended_at": {"after": to_db(r.ended_at)}, "note": {"after": r.note},
            }));
        }
        ch.commit().await?;
        Ok(records.len())
    }

    /// The request's records as the domain compiles them, with the approved steps and targets.
    pub(super) async fn record_drafts(
        conn: &mut AnyConnection,
        request_id: i64,
    ) -> Result<Vec<WorkRecordDraft>, StoreError> {
        let rows = sqlx::query("SELECT * FROM work_records WHERE request_id = $1 ORDER BY id")
            .bind(request_id)
            .fetch_all(&mut *conn)
            .await?;
        rows.iter()
            .map(|r| {
                let instant = |c: &str| -> Result<_, StoreError> {
                    from_db(&r.try_get::<String, _>(c)?)
                        .ok_or(StoreError::NotFound(Entity::WorkRecord))
                };
                Ok(WorkRecordDraft {
                    terminal_id: r.try_get("terminal_id")?,
                    step_order: u32::try_from(r.try_get::<i64, _>("step_order")?).unwrap_or(0),
                    outcome: StepOutcome::parse(&r.try_get::<String, _>("outcome")?)
                        .unwrap_or(StepOutcome::Failed),
                    performer_id: r.try_get("performer_id")?,
                    started_at: instant("started_at")?,
                    ended_at: instant("ended_at")?,
                    note: r.try_get("note")?,
                })
            })
            .collect()
    }
}
