//! Changing jobs: creating one (from a notice, which moves the notice in the same
//! transaction, or by the City's order or an incident) with its target terminals, as the
//! domain judges them from the register, and moving one by the job state machine.

use jukiops_domain::audit::{AuditAction, Entity};
use jukiops_domain::inventory::AssetStatus;
use jukiops_domain::jobs::{
    INSTALLED, JobDraft, JobMoveFacts, JobOrigin, JobStatus, JobTarget, JobVerb, NoticeKind,
    NoticeOfJob, NoticeStatus, TerminalFacts, job_transition, judge_job_from_notice,
    judge_job_move, judge_job_terminals,
};
use jukiops_domain::people::{Authorized, Role};
use jukiops_domain::requests::WorkRequestStatus;
use jukiops_domain::rules::Refusal;
use jukiops_domain::time::today_jst;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{id_list, raced};
use crate::{Change, Store, StoreError, sql};

/// The notice of year `year` a new job comes from, as stored; an unknown one is refused
/// naming the field.
async fn notice_of_job(
    conn: &mut AnyConnection,
    year: i64,
    notice_id: i64,
) -> Result<NoticeOfJob, StoreError> {
    let r = sqlx::query(
        "SELECT jlis_reference, kind, status FROM notices WHERE id = $1 AND contract_id = $2",
    )
    .bind(notice_id)
    .bind(year)
    .fetch_optional(conn)
    .await?
    .ok_or_else(|| Refusal::unknown("notice_id", "通知", notice_id))?;
    Ok(NoticeOfJob {
        jlis_reference: r.try_get("jlis_reference")?,
        kind: NoticeKind::decode(&r.try_get::<String, _>("kind")?)?,
        status: NoticeStatus::decode(&r.try_get::<String, _>("status")?)?,
    })
}

fn terminal_facts(r: &AnyRow) -> Result<TerminalFacts, StoreError> {
    Ok(TerminalFacts {
        id: r.try_get("id")?,
        asset_number: r.try_get("asset_number")?,
        status: AssetStatus::decode(&r.try_get::<String, _>("status")?)?,
    })
}

/// The register's terminals a target is judged against: for all terminals, those
/// installed now, by asset number; for chosen ones, those of the ids that exist.
async fn terminals_for(
    conn: &mut AnyConnection,
    target: &JobTarget,
) -> Result<Vec<TerminalFacts>, StoreError> {
    let ids = match target {
        JobTarget::AllTerminals => {
            let rows = sqlx::query(
                "SELECT id, asset_number, status FROM terminals WHERE status IN ($1, $2) \
                 ORDER BY asset_number",
            )
            .bind(INSTALLED[0].as_str())
            .bind(INSTALLED[1].as_str())
            .fetch_all(conn)
            .await?;
            return rows.iter().map(terminal_facts).collect();
        }
        JobTarget::Terminals(ids) => ids,
    };
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        let rows = sqlx::query(sql(format!(
            "SELECT id, asset_number, status FROM terminals WHERE id IN ({})",
            id_list(chunk)
        )))
        .fetch_all(&mut *conn)
        .await?;
        for r in &rows {
            found.push(terminal_facts(r)?);
        }
    }
    Ok(found)
}

/// Moves job `id` from `from` by `verb` inside `ch`, audited; completing records the
/// Japan-time date as `done_on`. The update is guarded on `from`: a job moved by another
/// change meanwhile is a lost race (409).
pub(super) async fn apply_job_verb(
    ch: &mut Change,
    id: i64,
    from: JobStatus,
    verb: JobVerb,
    role: Role,
) -> Result<JobStatus, StoreError> {
    let to = job_transition(from, verb, role)?;
    let done_on = (to == JobStatus::Done).then(|| today_jst(ch.now_utc()).to_string());
    let now = ch.now().to_string();
    let n = sqlx::query(
        "UPDATE jobs SET status = $1, done_on = COALESCE($2, done_on), updated_at = $3 \
         WHERE id = $4 AND status = $5",
    )
    .bind(to.as_str())
    .bind(done_on.clone())
    .bind(&now)
    .bind(id)
    .bind(from.as_str())
    .execute(ch.conn())
    .await?
    .rows_affected();
    if n == 0 {
        return Err(raced());
    }
    let mut changes = json!({"status": {"before": from.as_str(), "after": to.as_str()}});
    if let Some(d) = done_on {
        changes["done_on"] = json!({"after": d});
    }
    ch.audit(Entity::Job, id, AuditAction::Transition, &changes);
    Ok(to)
}

/// The current status of job `id` of year `year`, or 404.
async fn job_status(conn: &mut AnyConnection, year: i64, id: i64) -> Result<JobStatus, StoreError> {
    let s: String =
        sqlx::query_scalar("SELECT status FROM jobs WHERE id = $1 AND contract_id = $2")
            .bind(id)
            .bind(year)
            .fetch_optional(conn)
            .await?
            .ok_or(StoreError::NotFound(Entity::Job))?;
    Ok(JobStatus::decode(&s)?)
}

/// Creates a job of the change's year with its target terminals inside `ch`, audited; a
/// job from a notice moves the notice (作業登録) too.
pub(crate) async fn insert_job(
    ch: &mut Change,
    who: &Authorized,
    d: &JobDraft,
) -> Result<i64, StoreError> {
    let role = who.role();
    let year = ch.contract_id()?;
    let status = JobStatus::initial(role)?;
    let notice = match d.origin {
        JobOrigin::Notice { notice_id } => {
            let n = notice_of_job(ch.conn(), year, notice_id).await?;
            let to = judge_job_from_notice(&n, d.category, role)?;
            Some((notice_id, (n.jlis_reference, n.status, to)))
        }
        _ => None,
    };
    let found = terminals_for(ch.conn(), &d.target).await?;
    let terminals = judge_job_terminals(&d.target, &found)?;
    let now = ch.now().to_string();
    let all = d.target == JobTarget::AllTerminals;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO jobs (category, origin, notice_id, title, description, all_terminals, status, \
             created_by, created_at, updated_at, contract_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
    )
    .bind(d.category.kana())
    .bind(d.origin.as_str())
    .bind(d.origin.notice_id())
    .bind(&d.title)
    .bind(d.description.clone().unwrap_or_default())
    .bind(i64::from(all))
    .bind(status.as_str())
    .bind(who.name())
    .bind(&now)
    .bind(year)
    .fetch_one(ch.conn())
    .await?;
    for t in &terminals {
        sqlx::query("INSERT INTO job_terminals (job_id, terminal_id) VALUES ($1, $2)")
            .bind(id)
            .bind(t.id)
            .execute(ch.conn())
            .await?;
    }
    if let Some((notice_id, (_, from, to))) = &notice {
        let n = sqlx::query(
            "UPDATE notices SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.as_str())
        .bind(&now)
        .bind(notice_id)
        .bind(from.as_str())
        .execute(ch.conn())
        .await?
        .rows_affected();
        if n == 0 {
            return Err(raced());
        }
        let changes = json!({"status": {"before": from.as_str(), "after": to.as_str()},
                "job": {"after": format!("{id} {}", d.title)}});
        ch.audit(Entity::Notice, notice_id, AuditAction::CreateJobs, &changes);
    }
    let assets: Vec<&str> = terminals.iter().map(|t| t.asset_number.as_str()).collect();
    let mut changes = json!({
        "category": {"after": d.category.kana()}, "origin": {"after": d.origin.as_str()},
        "title": {"after": d.title}, "all_terminals": {"after": all},
        "terminals": {"after": assets.join("、")}, "status": {"after": status.as_str()},
    });
    if let Some((_, (reference, _, _))) = &notice {
        changes["notice"] = json!({"after": reference});
    }
    if let Some(text) = &d.description {
        changes["description"] = json!({"after": text});
    }
    ch.audit(Entity::Job, id, AuditAction::Create, &changes);
    Ok(id)
}

impl Store {
    /// Creates a job with its target terminals; a job from a notice moves the notice
    /// (作業登録) in the same transaction.
    pub async fn create_job(&self, who: &Authorized, d: &JobDraft) -> Result<i64, StoreError> {
        let mut ch = self.begin(who).await?;
        let id = insert_job(&mut ch, who, d).await?;
        ch.commit().await?;
        Ok(id)
    }

    /// Moves a job of the year by the state machine (409 with the Japanese reason when
    /// refused).
    pub async fn move_job(
        &self,
        who: &Authorized,
        id: i64,
        verb: JobVerb,
    ) -> Result<JobStatus, StoreError> {
        let mut ch = self.begin(who).await?;
        let year = ch.contract_id()?;
        let from = job_status(ch.conn(), year, id).await?;
        let request: Option<String> = sqlx::query_scalar(
            "SELECT w.request_number FROM work_request_jobs rj JOIN work_requests w ON w.id = rj.request_id \
             WHERE rj.job_id = $1 AND w.status NOT IN ($2, $3) ORDER BY w.id DESC LIMIT 1",
        )
        .bind(id)
        .bind(WorkRequestStatus::Cancelled.as_str())
        .bind(WorkRequestStatus::Accepted.as_str())
        .fetch_optional(ch.conn())
        .await?;
        let facts = JobMoveFacts {
            status: from,
            request,
        };
        judge_job_move(&facts, verb, who.role())?;
        let to = apply_job_verb(&mut ch, id, from, verb, who.role()).await?;
        super::close_finished_notices(&mut ch, &[id]).await?;
        ch.commit().await?;
        Ok(to)
    }
}
